//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Long else-if chains whose conditions and init statements suspend: only
// the conditions up to the first true one run, each init runs just before
// its condition, and variables declared by an init are visible in later
// branches.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func test(tag string, v bool) bool {
	rt.Yield()
	fmt.Println("  test", tag)
	return v
}

//asyncgo:async
func get(tag string, v int) (int, bool) {
	rt.Yield()
	fmt.Println("  get", tag)
	return v, v > 0
}

//asyncgo:async
func chain(n int) string {
	if test("eq0", n == 0) {
		return "zero"
	} else if a, ok := get("a", n-1); ok && test("a>2", a > 2) {
		return fmt.Sprint("big a=", a)
	} else if b, ok2 := get("b", n+1); !ok2 {
		return fmt.Sprint("neg a=", a, " b=", b)
	} else if test("odd", n%2 == 1) {
		rt.Yield()
		return fmt.Sprint("odd a=", a, " b=", b, ok)
	} else {
		c := a + b
		rt.Yield()
		return fmt.Sprint("else c=", c)
	}
}

//asyncgo:async
func noElse(n int) int {
	r := 0
	if test("x", n > 1) {
		r += 1
		if test("y", n > 2) {
			r += 2
		} else if test("z", n > 10) {
			r += 4
		}
	} else if test("w", n < 0) {
		r -= 1
	}
	return r
}

func main() {
	for _, n := range []int{0, 1, 2, 4, 5, -5} {
		fmt.Println(n, chain(n))
		fmt.Println(n, noElse(n))
	}
}
