//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over iterator functions (iter.Seq and iter.Seq2) with suspension
// points in the body: break and return stop the iterator (its cleanup
// runs before the loop is left), continue goes on, values and order kept.
package main

import (
	"fmt"
	"iter"

	"github.com/asyncgo/asyncgo/rt"
)

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer fmt.Println("  count stopped")
		for i := 0; i < n; i++ {
			if !yield(i) {
				fmt.Println("  count: consumer broke at", i)
				return
			}
		}
	}
}

func pairs(s []string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

//asyncgo:async
func step(v int) int {
	rt.Yield()
	return v
}

//asyncgo:async
func run() int {
	sum := 0
	for v := range count(10) {
		if v%2 == 1 {
			continue
		}
		sum += step(v)
		if v == 6 {
			break
		}
	}
	fmt.Println("sum", sum)
	for i, s := range pairs([]string{"x", "y", "z"}) {
		rt.Yield()
		fmt.Println(i, s)
	}
	for v := range count(5) {
		if step(v) == 3 {
			return v * 100
		}
	}
	return -1
}

func main() {
	fmt.Println(run())
}
