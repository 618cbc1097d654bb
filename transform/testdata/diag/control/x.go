//go:build asyncsrc

package control

import (
	"fmt"
	"iter"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func ranges(ch chan int, seq iter.Seq[int], m map[string]int) {
	for v := range ch { // ERROR "range over a Go channel with a suspension point in the body"
		_ = v
		rt.Yield()
	}
	for v := range seq { // supported
		_ = v
		rt.Yield()
	}
outer:
	for range 2 {
		for v := range seq {
			rt.Yield()
			if v > 1 {
				continue outer // supported: the iterator is stopped first
			}
		}
	}
	var seq0 func(func() bool)
	for range seq0 { // ERROR "range over a func\(yield func\(\) bool\) with a suspension point in the body is not supported"
		rt.Yield()
	}
	for v := range ch { // WARNING "range over a Go channel blocks the worker thread"
		_ = v
	}
	for k := range m { // no suspension: carried over
		_ = k
	}
}

//asyncgo:async
func generic[S ~[]int](xs S) {
	for range xs { // ERROR "range over S with a suspension point in the body is not supported"
		rt.Yield()
	}
}

//asyncgo:async
func deferred() {
	defer rt.Yield() // ERROR "suspension point inside a deferred call"
	defer func() {   // ERROR "suspension point inside a deferred function"
		rt.Yield()
	}()
	defer fmt.Println() // fine
}
