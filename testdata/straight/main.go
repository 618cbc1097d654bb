//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Straight-line code with several suspension points, shadowing, and
// multi-value results.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

// add returns a+b after yielding.
//
//asyncgo:async
func add(a, b int) int {
	rt.Yield()
	return a + b
}

//asyncgo:async
func divmod(a, b int) (q, r int) {
	rt.Yield()
	q = a / b
	r = a % b
	return
}

//asyncgo:async
func pair(s string) (string, int) {
	rt.Yield()
	return s + "!", len(s)
}

// Compute mixes suspension points in definitions, assignments, operands
// and returns.
//
//asyncgo:async
func Compute(x int) (int, error) {
	y := add(x, 1)
	fmt.Println("y", y)
	z := add(y, 2) * add(y, 3)
	fmt.Println("z", z)
	q, r := divmod(z, 7)
	fmt.Println("q r", q, r)
	{
		y := add(y, 100) // shadows the outer y
		fmt.Println("inner y", y)
	}
	s, n := pair("hi")
	fmt.Println(s, n, y)
	n += add(n, n)
	fmt.Println("n", n, fmt.Sprint(add(1, 2)))
	return add(q, r), nil
}

func main() {
	v, err := Compute(5)
	fmt.Println("result", v, err)
}
