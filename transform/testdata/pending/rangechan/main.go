//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over an rt/sync channel's receives inside async code: a loop on
// Recv until ErrClosed, and range over a Go channel (a blocking
// operation, here filled beforehand) in a function that suspends.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func produce(ch *sync.Channel[string]) {
	for _, w := range []string{"a", "b", "c"} {
		rt.Yield()
		ch.Send(w)
	}
	ch.Close()
}

//asyncgo:async
func consume(ch *sync.Channel[string], gch chan int) string {
	out := ""
	for v, err := ch.Recv(); err == nil; v, err = ch.Recv() {
		out += v
	}
	for x := range gch {
		rt.Yield()
		out += fmt.Sprint(x)
	}
	return out
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[string]()
		gch := make(chan int, 3)
		gch <- 1
		gch <- 2
		close(gch)
		go produce(ch)
		fmt.Println(consume(ch, gch))
	})
}
