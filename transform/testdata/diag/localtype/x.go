//go:build asyncsrc

package main

import "github.com/asyncgo/asyncgo/rt"

// Local types of generic functions are a new type in each instantiation:
// they are not declared at package level.
//
//asyncgo:async
func generic[T any](v T) T {
	type box struct{ v T } // ERROR "this local type cannot be declared at package level"
	b := box{v}
	rt.Yield()
	return b.v
}

//asyncgo:async
func genericCounter[T any](v T) int {
	type counter struct{ n int } // ERROR "this local type cannot be declared at package level"
	var c counter
	rt.Yield()
	if true {
		type inner int // supported: carried over with its block
		var x inner
		c.n += int(x)
	}
	return c.n
}

func main() {
	type point struct{ x int } // supported: declared at package level
	var p point
	rt.Run(func() {
		rt.Yield()
		p.x++
	})
	genericRun(1)
	generic(1)
	genericCounter(1)
}
