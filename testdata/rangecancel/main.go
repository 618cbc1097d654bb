//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Cancellation of a task parked in a range over an rt/sync channel: the
// in-flight step (RecvNext) is cancelled, the task's deferred calls run,
// the loop body runs no more, and a value already handed to the parked
// receive goes back to the channel (nothing is lost). The goroutine build
// cannot abort a goroutine: compiled.golden holds the expected output.
package main

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func worker(ch *sync.Channel[int], log *sync.Channel[string]) int {
	defer log.Send("worker defer")
	n := 0
	for v := range ch.All() {
		log.Send(fmt.Sprint("worker got ", v))
		n++
	}
	log.Send("worker after the loop (must not run)")
	return n
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		log := sync.NewChannel[string]()
		h := rt.Spawn(func() int { return worker(ch, log) })
		ch.Send(1)
		first, _ := log.Recv()
		fmt.Println(first)
		rt.Sleep(10 * time.Millisecond) // the worker parks in the loop
		ch.Send(2)                      // handed to the parked receive...
		h.Abort()                       // ...which is cancelled before it runs
		_ = rt.Await(h)
		fmt.Println("err:", h.Err())
		v, err := ch.TryRecv()
		fmt.Println("still in the channel:", v, err)
		log.Close()
		for s := range log.All() {
			fmt.Println(s)
		}
	}, rt.SingleThreaded())
}
