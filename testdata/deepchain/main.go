//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A deep chain of async calls (each with its own child future, all in one
// allocation) with suspension at every level, and values flowing back up.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func l0(x int) int {
	rt.Yield()
	return x + 1
}

//asyncgo:async
func l1(x int) int { return l0(x) * 2 }

//asyncgo:async
func l2(x int) int { return l1(x) + l1(x+1) }

//asyncgo:async
func l3(x int) int {
	a := l2(x)
	rt.Yield()
	return a - l2(a%7)
}

//asyncgo:async
func l4(x int) (int, int) { return l3(x), l3(x + 1) }

//asyncgo:async
func l5(x int) string {
	a, b := l4(x)
	return fmt.Sprint(a, "/", b)
}

func main() {
	for i := 0; i < 4; i++ {
		fmt.Println(l5(i))
	}
	rt.Run(func() { fmt.Println("in Run:", l5(10)) })
}
