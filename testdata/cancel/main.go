//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Cancellation (LANGUAGE.md section 7): an aborted task cancels its
// in-flight child first, then runs its pending defers once (recover() is
// nil there), and no other user code runs; Abort is idempotent.
package main

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func child(ch *sync.Channel[int], log *sync.Channel[string]) int {
	defer log.Send("child defer")
	v, _ := ch.Recv() // never receives: the task is aborted while waiting here
	log.Send("child after recv (must not run)")
	return v
}

//asyncgo:async
func parent(ch *sync.Channel[int], log *sync.Channel[string]) int {
	defer func() {
		log.Send(fmt.Sprint("parent defer, recover=", recover()))
	}()
	defer log.Send("parent defer 2")
	log.Send("parent started")
	v := child(ch, log)
	log.Send("parent after child (must not run)")
	return v
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		log := sync.NewChannel[string]()
		h := rt.Spawn(func() int { return parent(ch, log) })
		first, _ := log.Recv()
		fmt.Println(first)
		rt.Sleep(10 * time.Millisecond)
		h.Abort()
		h.Abort()
		_ = rt.Await(h)
		fmt.Println("err:", h.Err())
		log.Close()
		for {
			s, err := log.Recv()
			if err != nil {
				break
			}
			fmt.Println(s)
		}
	})
}
