//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// && and || with suspension points on the left, on the right, on both
// sides and nested, in conditions, assignments, arguments and returns:
// the right side runs (and suspends) only when it must.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func b(tag string, v bool) bool {
	rt.Yield()
	fmt.Println("  eval", tag, v)
	return v
}

func p(tag string, v bool) bool {
	fmt.Println("  plain", tag, v)
	return v
}

//asyncgo:async
func both(x, y bool) bool {
	return b("L", x) && b("R", y)
}

//asyncgo:async
func either(x, y bool) (r bool) {
	r = b("L", x) || b("R", y)
	return
}

//asyncgo:async
func nested(x, y, z bool) int {
	n := 0
	if b("a", x) && (p("b", y) || b("c", z)) {
		n += 1
	}
	if (b("d", x) || b("e", y)) && !b("f", z) {
		n += 10
	}
	v := p("g", x) || b("h", y) && b("i", z)
	if v {
		n += 100
	}
	fmt.Println("  args", fmt.Sprint(b("j", x) && y, x || b("k", z)))
	return n
}

func main() {
	for _, c := range [][3]bool{{false, false, false}, {true, false, true}, {false, true, false}, {true, true, true}} {
		fmt.Println(c)
		fmt.Println(" both", both(c[0], c[1]))
		fmt.Println(" either", either(c[0], c[1]))
		fmt.Println(" nested", nested(c[0], c[1], c[2]))
	}
}
