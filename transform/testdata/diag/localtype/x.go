//go:build asyncsrc

package main

import "github.com/asyncgo/asyncgo/rt"

func main() {
	type point struct{ x int }
	var p point // ERROR "the type of captured p cannot be named outside the function"
	rt.Run(func() {
		rt.Yield()
		p.x++
	})
}
