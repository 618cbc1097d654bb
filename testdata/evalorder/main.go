//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Left-to-right evaluation of operands and call arguments when some of
// them suspend: plain calls before a suspension point run before it, and
// each value is the one computed at its turn even when a later suspension
// point changes the variables it reads.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var g int

//asyncgo:async
func a(tag string, v int) int {
	rt.Yield()
	fmt.Println("  async", tag)
	g += 100
	return v
}

func f(tag string, v int) int {
	fmt.Println("  plain", tag)
	return v + g
}

func three(x, y, z int) string { return fmt.Sprint(x, ",", y, ",", z) }

//asyncgo:async
func operands() int {
	g = 0
	x := f("1", 1) + a("2", 2)*f("3", 3) - a("4", 4) + f("5", 5)
	return x
}

//asyncgo:async
func args() string {
	g = 0
	return three(f("1", 1), a("2", 2), f("3", 3)) + " " + three(a("4", 4), a("5", 5), g)
}

//asyncgo:async
func nested() int {
	g = 0
	return a("outer", f("in1", a("in2", 2))+a("in3", 3)) + f("last", 0)
}

//asyncgo:async
func compare() []bool {
	g = 0
	var out []bool
	out = append(out, f("x", 1) < a("y", 1000), a("z", 5) == f("w", -95))
	return out
}

func main() {
	fmt.Println("operands", operands())
	fmt.Println("args", args())
	fmt.Println("nested", nested())
	fmt.Println("compare", compare())
}
