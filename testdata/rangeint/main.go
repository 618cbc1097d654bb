//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over integers with suspension points: the bound is evaluated once
// (changes during the loop are not seen), per-iteration loop variables,
// typed bounds, zero and negative bounds, range without a variable.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type small uint8

//asyncgo:async
func bound(n int) int {
	rt.Yield()
	fmt.Println("  bound")
	return n
}

//asyncgo:async
func run() {
	n := 3
	var fs []func() int
	for i := range bound(n) {
		n = 100
		rt.Yield()
		fs = append(fs, func() int { return i * 10 })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	var s small = 4
	for i := range s {
		rt.Yield()
		fmt.Printf("%T %v\n", i, i)
	}
	for range bound(0) {
		fmt.Println("never")
	}
	for i := range -2 {
		fmt.Println("never", i)
	}
	c := 0
	for range 5 {
		rt.Yield()
		c++
	}
	fmt.Println(c)
}

func main() { run() }
