//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Run with options (SingleThreaded, Workers) and nested use of the
// blocking bridge from plain goroutine code between runs.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func work(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		rt.Yield()
		t += i
	}
	return t
}

func main() {
	res := 0
	rt.Run(func() {
		res = work(10)
	}, rt.SingleThreaded())
	fmt.Println("single", res)
	rt.Run(func() {
		h := rt.Spawn(func() int { return work(5) })
		res = work(4) + rt.Await(h)
	}, rt.Workers(3))
	fmt.Println("workers", res)
	fmt.Println("bridge", work(3))
}
