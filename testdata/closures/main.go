//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Closures created in async functions capture variables by reference:
// writes through the closure before and after a suspension point are
// seen by the function, and the function's writes by the closure;
// closures returned outlive the future.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func wait(tag string) {
	rt.Yield()
	fmt.Println("  wait", tag)
}

//asyncgo:async
func run(start int) (func() int, func(int)) {
	x := start
	inc := func() int { x++; return x }
	fmt.Println("a", inc(), x)
	wait("1")
	x *= 10
	fmt.Println("b", inc(), x)
	y := 0
	set := func(v int) { y = v; x += v }
	wait("2")
	set(5)
	wait("3")
	fmt.Println("c", x, y)
	sum := func(fs ...func() int) int {
		t := 0
		for _, f := range fs {
			t += f()
		}
		return t
	}
	wait("4")
	fmt.Println("d", sum(inc, inc, func() int { return y }))
	return inc, set
}

func main() {
	inc, set := run(1)
	fmt.Println(inc())
	set(100)
	fmt.Println(inc())
}
