//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A for loop whose body always leaves it (break or return): its post
// statement, which suspends, is unreachable, and so is its resume point.
// Found by progen (generated code referred to an undefined resume label).
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func next(i int) int {
	rt.Yield()
	fmt.Println("next", i)
	return i + 1
}

//asyncgo:async
func f() int {
	n := 0
	for i := 0; i < 2; i = next(i) {
		n = next(n)
		break
	}
	for j := next(0); next(j) < 5; j += next(j) {
		return n + j
	}
	return -1
}

func main() { fmt.Println(f()) }
