//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Per-iteration loop variables (go1.22+): closures and pointers capturing
// the variable of a 3-clause loop that suspends see their own iteration's
// value, including the copy made before the post statement.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run() {
	var fs []func() int
	var ps []*int
	for i := 0; i < 3; i++ {
		rt.Yield()
		fs = append(fs, func() int { return i })
		ps = append(ps, &i)
		i += 0
	}
	for i := 0; i < 3; i++ {
		fmt.Print(fs[i](), *ps[i], " ")
	}
	fmt.Println()
	var gs []func() int
	for i, j := 0, 10; i < 2; i, j = i+1, j-1 {
		gs = append(gs, func() int { i += 100; return i + j })
		rt.Yield()
		fmt.Println("after yield", i, j)
	}
	fmt.Println(gs[0](), gs[1](), gs[0]())
}

func main() { run() }
