//go:build asyncsrc

package main

import "github.com/asyncgo/asyncgo/rt"

// A variable of a local type of a generic function captured by an async
// literal: the literal's state struct cannot name its type.
func genericRun[T any](v T) {
	type point struct{ x T }
	var p point // ERROR "the type of captured p cannot be named outside the function"
	rt.Run(func() {
		rt.Yield()
		p.x = v
	})
}
