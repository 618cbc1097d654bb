//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Closures nested in closures, capturing variables of the async function
// at different depths, created before and called after suspension points;
// a closure that captures a variable declared after another suspension.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run() []int {
	a := 1
	mk := func(k int) func() int {
		return func() int {
			a += k
			return a
		}
	}
	f1 := mk(10)
	rt.Yield()
	b := 100
	f2 := func() func() int {
		return func() int { b++; return a + b }
	}()
	rt.Yield()
	out := []int{f1(), f2()}
	a = 1000
	rt.Yield()
	out = append(out, f1(), f2(), a, b)
	return out
}

func main() { fmt.Println(run()) }
