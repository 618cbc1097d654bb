//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Expression switches with suspension points in the tag, in case
// expressions and in clause bodies: cases are evaluated lazily, top to
// bottom and left to right, up to the first match; default anywhere;
// multi-value cases.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func v(tag string, n int) int {
	rt.Yield()
	fmt.Println("  eval", tag)
	return n
}

//asyncgo:async
func classify(x int) string {
	switch v("tag", x) {
	case v("c1a", 1), v("c1b", 2):
		rt.Yield()
		return "one-or-two"
	default:
		return "other"
	case v("c3", 3):
		return "three"
	case 4, v("c4b", 5), 6:
		s := "four-five-six"
		rt.Yield()
		return s
	}
}

//asyncgo:async
func initStmt(x int) (out string) {
	switch y := v("init", x*2); {
	case y > v("bound", 5):
		out = "big"
	case y == 0:
		out = "zero"
	}
	return out + "."
}

func main() {
	for _, x := range []int{1, 2, 3, 5, 6, 9} {
		fmt.Println(x, classify(x))
	}
	fmt.Println(initStmt(0), initStmt(1), initStmt(4))
}
