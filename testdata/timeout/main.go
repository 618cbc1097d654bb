//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Timeout with async literals: a fast operation returns its value, a
// slow one gives ErrTimeout and, compiled, is cancelled (its defers run).
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
		v, err := rt.Timeout(200*time.Millisecond, func() int { return slow(1) })
		fmt.Println(v, err)
		v, err = rt.Timeout(10*time.Millisecond, func() int {
			// Compiled, the timed-out literal is cancelled: its deferred
			// call runs before Timeout returns (compiled.golden). The
			// reference build cannot stop its goroutine.
			defer fmt.Println("timed out: cancelled")
			return slow(2000)
		})
		fmt.Println(v, err == rt.ErrTimeout)
	})
}
