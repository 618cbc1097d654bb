//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// The blank identifier with suspending calls: _ = F(), _, b := G(),
// a, _ = G(), F() as a statement discarding results, var _ = F().
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var calls int

//asyncgo:async
func one(n int) int {
	rt.Yield()
	calls++
	return n
}

//asyncgo:async
func two(n int) (int, string) {
	rt.Yield()
	calls++
	return n, fmt.Sprint("s", n)
}

//asyncgo:async
func run() {
	_ = one(1)
	_, s := two(2)
	var a int
	a, _ = two(3)
	one(4)
	two(5)
	var _ = one(6)
	var x, y = two(7)
	fmt.Println(s, a, x, y, calls)
}

func main() { run() }
