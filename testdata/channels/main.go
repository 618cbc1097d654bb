//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A producer task and a consumer connected by an rt/sync Channel: Recv
// suspends in a for condition, in an if init, in an operand; the
// consumer sees every value in order, then ErrClosed.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func produce(ch *sync.Channel[int], n int) {
	for i := 1; i <= n; i++ {
		rt.Yield()
		ch.Send(i * i)
	}
	ch.Close()
}

//asyncgo:async
func recvOK(ch *sync.Channel[int]) (int, bool) {
	v, err := ch.Recv()
	return v, err == nil
}

//asyncgo:async
func consume(ch *sync.Channel[int]) []int {
	var got []int
	first, _ := ch.Recv()
	got = append(got, first)
	if v, err := ch.Recv(); err == nil {
		got = append(got, v*10)
	}
	for v, ok := recvOK(ch); ok; v, ok = recvOK(ch) {
		got = append(got, v)
		if v > 30 {
			break
		}
	}
	sum := 0
	for {
		v, err := ch.Recv()
		if err != nil {
			fmt.Println("closed:", err == sync.ErrClosed)
			break
		}
		sum += v
	}
	got = append(got, sum)
	return got
}

func main() {
	var out []int
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		h := rt.Spawn(func() []int { return consume(ch) })
		go produce(ch, 9)
		out = rt.Await(h)
	})
	fmt.Println(out)
}
