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
	for range xs { // supported: S's core type is a slice
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

//asyncgo:async
func genericMap[M ~map[int]int](m M) {
	for range m { // ERROR "range over M with a suspension point in the body is not supported"
		rt.Yield()
	}
}

//asyncgo:async
func rangeAssign(xs, ys []int, i func() int) {
	for ys[i()] = range xs { // ERROR "a call in the iteration variables of a range statement that suspends is not supported"
		rt.Yield()
	}
}
