//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync Race, Select and JoinAll over async literals: the first branch
// to complete wins, the losers are cancelled (their defers run); JoinAll
// keeps argument order.
package main

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func slow(ms int, v string) string {
	rt.Sleep(time.Duration(ms) * time.Millisecond)
	return v
}

func main() {
	rt.Run(func() {
		i, v := sync.Race(
			func() string {
				// Compiled, the loser is cancelled: its deferred call
				// runs before Race returns (compiled.golden); the
				// reference build's goroutine runs on, detached.
				defer fmt.Println("race loser cancelled")
				return slow(200, "slow")
			},
			func() string { return slow(5, "fast") },
		)
		fmt.Println(i, v)
		fmt.Println(sync.Select(func() { slow(500, "never") }, func() { slow(1, "") }))
		// A func value among async literals is lifted (sync.LiftFunc).
		quick := func() {}
		sync.Join(func() { slow(1, "") }, quick)
		fmt.Println("joined")
		all := sync.JoinAll(
			func() string { return slow(20, "a") },
			func() string { return slow(1, "b") },
		)
		fmt.Println(all)
	})
}
