//go:build asyncsrc

// Package legacymarker uses the draft marker //async, which gofmt turns
// into the comment text "// async".
package legacymarker

import "github.com/asyncgo/asyncgo/rt"

// F was meant to be async.
//
// async
func F() { rt.Yield() } // ERROR "F is marked with \"// async\" \(line 11\), which is not the async directive"

// G is async.
//
//asyncgo:async
func G() { rt.Yield() }
