//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Shadowed variables and := redeclaration across suspension points: each
// scope keeps its own variable, and a redeclared one is the same variable.
package main

import (
	"fmt"
	"strconv"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func parse(s string) (int, error) {
	rt.Yield()
	return strconv.Atoi(s)
}

//asyncgo:async
func run(x int) int {
	fmt.Println("outer x", x)
	{
		x := x * 10
		rt.Yield()
		fmt.Println("block x", x)
		if x := x + 1; x > 0 {
			rt.Yield()
			fmt.Println("if x", x)
		} else {
			fmt.Println("else x", x)
		}
		fmt.Println("block x again", x)
	}
	a, err := parse("12")
	fmt.Println(a, err)
	b, err := parse("x")
	fmt.Println(b, err != nil)
	a, c := parse("7")
	fmt.Println(a, c)
	for i := 0; i < 2; i++ {
		x := i + x
		rt.Yield()
		x++
		fmt.Println("loop x", x)
	}
	fmt.Println("outer x again", x)
	err = nil
	return x + a + b
}

func main() {
	fmt.Println(run(3))
}
