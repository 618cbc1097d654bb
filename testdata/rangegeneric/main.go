//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Range over a value whose type is a type parameter with a slice core
// type, with suspension points in the body: copied once, per-iteration
// variables, break and continue.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type ints []int

//asyncgo:async
func sum[S ~[]E, E int | float64](xs S) E {
	var total E
	for i, x := range xs {
		rt.Yield()
		if i == 3 {
			continue
		}
		if x < 0 {
			break
		}
		total += x
	}
	return total
}

//asyncgo:async
func collect[S ~[]string](xs S) []func() string {
	var fs []func() string
	for _, x := range xs {
		rt.Yield()
		fs = append(fs, func() string { return x })
	}
	return fs
}

//asyncgo:async
func run() {
	fmt.Println(sum(ints{1, 2, 3, 100, 4, -1, 7}))
	fmt.Println(sum([]float64{0.5, 1.5}))
	for _, f := range collect([]string{"a", "b", "c"}) {
		fmt.Print(f())
	}
	fmt.Println()
}

func main() {
	rt.Run(func() {
		run()
	})
}
