//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points and traced plain calls in every position of a switch:
// the init statement (multi-value), the tag, case expressions before and
// after a suspending one (plain ones stay lazy), and clause bodies.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func y(tag string, v int) int {
	rt.Yield()
	fmt.Println("  y", tag)
	return v
}

//asyncgo:async
func y2(v int) (int, int) {
	rt.Yield()
	return v, v * 2
}

func p(tag string, v int) int {
	fmt.Println("  p", tag)
	return v
}

//asyncgo:async
func run(x int) string {
	switch a, b := y2(x); p("tag", a+b) {
	case p("c1", 3), y("c1y", 30):
		return "three or thirty"
	case y("c2y", 6), p("c2p", 9):
		return fmt.Sprint("six or nine ", y("body", a))
	case p("c3", b):
		return "b==a+b"
	}
	return "none"
}

func main() {
	for _, x := range []int{1, 2, 3, 10, 0} {
		fmt.Println(x, run(x))
	}
}
