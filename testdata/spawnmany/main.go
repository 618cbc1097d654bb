//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Many spawned tasks computing with suspension points, joined in
// spawning order and in reverse; results are deterministic whatever the
// schedule.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func collatz(n int) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
		if steps%5 == 0 {
			rt.Yield()
		}
	}
	return steps
}

func main() {
	rt.Run(func() {
		var hs []*rt.JoinHandle[int]
		for i := 1; i <= 40; i++ {
			n := i
			hs = append(hs, rt.Spawn(func() int { return collatz(n) }))
		}
		sum := 0
		for i := len(hs) - 1; i >= 20; i-- {
			sum += rt.Await(hs[i])
		}
		for i := 0; i < 20; i++ {
			sum = sum*31 + rt.Await(hs[i])
			sum %= 1000003
		}
		fmt.Println(sum)
	})
}
