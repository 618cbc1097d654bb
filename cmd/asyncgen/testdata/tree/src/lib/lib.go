//go:build asyncsrc

// Package lib has an async function used by app.
package lib

import "github.com/asyncgo/asyncgo/rt"

// Double doubles n after a yield.
//
//asyncgo:async
func Double(n int) int {
	rt.Yield()
	return 2 * n
}
