//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A plain call inside a short-circuited && or || that comes before a
// suspension point in evaluation order must stay conditional when it is
// spilled: p runs only if the left operand does not decide. Found by
// progen.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

func p(tag string, v int) int {
	fmt.Println("  p", tag)
	return v
}

//asyncgo:async
func y(tag string, v int) int {
	rt.Yield()
	fmt.Println("  y", tag)
	return v
}

//asyncgo:async
func f(b int) {
	if (b < 3 || p("or", b) < 14) && y("and", 5) < 16 {
		fmt.Println("then")
	}
	x := (b > 3 && p("and2", b) > 0) || y("or2", b) > 0
	fmt.Println(x)
	fmt.Println(b < 3 || p("arg", b) > 0, y("arg2", b))
	s := []bool{b < 3 || p("lit", b) > 0, y("lit2", b) > 1}
	fmt.Println(s)
}

func main() {
	f(0)
	f(5)
}
