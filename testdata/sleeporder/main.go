//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Sleep in tasks: tasks sleeping different durations finish in order
// of their deadlines; sleeps inside loops and conditions.
package main

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func sleeper(ms int, out *sync.Channel[int]) {
	for i := 0; i < 2; i++ {
		rt.Sleep(time.Duration(ms) * time.Millisecond)
	}
	out.Send(ms)
}

func main() {
	rt.Run(func() {
		out := sync.NewChannel[int]()
		for _, ms := range []int{40, 10, 25} {
			go sleeper(ms, out)
		}
		for i := 0; i < 3; i++ {
			v, _ := out.Recv()
			fmt.Println(v)
		}
	})
}
