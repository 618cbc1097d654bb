//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Deadline with rt.WithDeadline and async literals: one deadline,
// pushed back before each wait, bounds them all; once it expires, the
// pending wait gives ErrTimeout and, compiled, its literal is cancelled
// (its defers run), and the deadline stays expired until the next Reset.
package main

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func slow(ms int) int {
	rt.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

func main() {
	rt.Run(func() {
		var dl rt.Deadline
		for i := 1; i <= 3; i++ {
			dl.Reset(500 * time.Millisecond)
			v, err := rt.WithDeadline(&dl, func() int { return slow(i) })
			fmt.Println(v, err, dl.Expired())
		}
		dl.Reset(10 * time.Millisecond)
		v, err := rt.WithDeadline(&dl, func() int {
			// Compiled, the timed-out literal is cancelled: its deferred
			// call runs before WithDeadline returns (compiled.golden).
			defer fmt.Println("timed out: cancelled")
			return slow(2000)
		})
		fmt.Println(v, err == rt.ErrTimeout, dl.Expired())
		dl.Stop()
		fmt.Println(dl.Expired())
	})
}
