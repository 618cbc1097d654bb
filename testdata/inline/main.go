//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Calls of small async functions are inlined into their callers
// (transform/inline.go): arguments evaluated once and in order, early
// returns from loops and switches, named results and bare returns, a
// multi-value return of a suspending call, parameters that are copies,
// methods, calls three deep, and suspension points inside the copies
// (also under the chaos scheduler).
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var trace []string

//asyncgo:async
func arg(tag string, v int) int {
	rt.Yield()
	trace = append(trace, tag)
	return v
}

//asyncgo:async
func find(xs []int, want int) (idx int, ok bool) {
	for i, x := range xs {
		rt.Yield()
		if x == want {
			return i, true
		}
	}
	return -1, false
}

//asyncgo:async
func classify(n int) (kind string) {
	rt.Yield()
	switch {
	case n < 0:
		kind = "neg"
		return
	case n == 0:
		return "zero"
	}
	kind = "pos"
	if n > 100 {
		kind = "big"
	}
	return
}

//asyncgo:async
func mutate(n int, p *int) int {
	n *= 10 // the caller's variable is not changed
	rt.Yield()
	*p += n
	return n
}

//asyncgo:async
func pair(a int) (int, string) {
	rt.Yield()
	return a * 2, fmt.Sprint("p", a)
}

//asyncgo:async
func viaPair(a int) (int, string) {
	return pair(a + 1) // a multi-value suspending call in a return
}

//asyncgo:async
func level3(x int) int { rt.Yield(); return x + 3 }

//asyncgo:async
func level2(x int) int {
	y := level3(x)
	return level3(y) * 2
}

//asyncgo:async
func level1(x int) int {
	a := level2(x)
	b := level2(a)
	return a + b
}

type acc struct{ total int }

//asyncgo:async
func (c *acc) add(v int) int {
	rt.Yield()
	c.total += v
	return c.total
}

//asyncgo:async
func noResult(tag string) {
	if tag == "" {
		return
	}
	rt.Yield()
	trace = append(trace, "noResult "+tag)
}

//asyncgo:async
func run() {
	x := arg("a", 1) + arg("b", 2)*arg("c", 3)
	fmt.Println("order", x, trace)

	xs := []int{4, 8, 15, 16}
	i, ok := find(xs, 15)
	j, ok2 := find(xs, 99)
	fmt.Println("find", i, ok, j, ok2)

	for _, n := range []int{-5, 0, 7, 1000} {
		fmt.Println("classify", n, classify(n))
	}

	n, total := 3, 1
	r := mutate(n, &total)
	r2 := mutate(n, &total)
	fmt.Println("mutate", n, total, r, r2)

	v, s := viaPair(4)
	fmt.Println("pair", v, s)

	fmt.Println("levels", level1(1))

	c := &acc{}
	c.add(5)
	t := c.add(6)
	fmt.Println("method", t, c.total)

	noResult("")
	noResult("x")
	fmt.Println("trace", trace)
}

func main() {
	rt.Run(func() {
		run()
	})
}
