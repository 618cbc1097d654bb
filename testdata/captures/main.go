//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Closures and pointers to locals of async functions: captured variables
// stay shared by reference, and a variable declared in a loop body is a
// new variable in each iteration, across suspension points.
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

type counter struct{ n int }

func (c *counter) inc() { c.n++ }

//asyncgo:async
func captures() []func() int {
	var fs []func() int
	total := 0
	add := func(d int) { total += d }
	for i := 0; i < 3; i++ {
		j := i * 10
		rt.Yield()
		fs = append(fs, func() int { return j + total })
		add(j)
		p := &j
		rt.Yield()
		*p += 1
	}
	var c counter
	c.inc()
	rt.Yield()
	c.inc()
	var sb strings.Builder
	sb.WriteString("x")
	rt.Yield()
	sb.WriteString("y")
	fmt.Println("total", total, "c", c.n, sb.String())
	return fs
}

func main() {
	for _, f := range captures() {
		fmt.Println(f())
	}
}
