//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// if/else-if/else chains with suspension points in conditions, in
// branches, in init statements, and behind && and ||.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var calls []string

//asyncgo:async
func is(name string, v bool) bool {
	rt.Yield()
	calls = append(calls, name)
	return v
}

//asyncgo:async
func classify(n int) string {
	if n < 0 {
		return "negative"
	} else if is("zero?", n == 0) {
		return "zero"
	} else if r := n % 2; is("even?", r == 0) {
		rt.Yield()
		return fmt.Sprint("even r=", r)
	} else {
		rt.Yield()
	}
	return "odd"
}

//asyncgo:async
func logic(a, b bool) (out []string) {
	if a && is("rhs-and", b) {
		out = append(out, "and")
	}
	if a || is("rhs-or", b) {
		out = append(out, "or")
	}
	if x := is("x", a); !x {
		out = append(out, "not-x")
	} else {
		out = append(out, "x")
	}
	return out
}

//asyncgo:async
func nested(n int) int {
	total := 0
	if n > 1 {
		if is("inner", n > 2) {
			total += 10
		}
		total++
		rt.Yield()
	}
	if n > 5 { // no suspension inside: carried over
		return -1
	}
	return total
}

func main() {
	// Comments of ordinary functions are carried over.
	for _, n := range []int{-3, 0, 4, 7} { // negative, zero, even, odd
		fmt.Println(n, classify(n))
	}
	for _, ab := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		fmt.Println(ab, logic(ab[0], ab[1]))
	}
	fmt.Println(nested(1), nested(2), nested(3), nested(6))
	fmt.Println(calls)
	// (a comment before the closing brace)
}
