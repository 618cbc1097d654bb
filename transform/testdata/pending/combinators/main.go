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
			func() string { return slow(200, "slow") },
			func() string { return slow(5, "fast") },
		)
		fmt.Println(i, v)
		all := sync.JoinAll(
			func() string { return slow(20, "a") },
			func() string { return slow(1, "b") },
		)
		fmt.Println(all)
	})
}
