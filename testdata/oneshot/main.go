//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Request/response with rt/sync Oneshot: each request carries its own
// reply channel; the server task answers in order; a closed oneshot
// gives ErrClosed.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type request struct {
	n     int
	reply *sync.Oneshot[int]
}

//asyncgo:async
func server(reqs *sync.Channel[request]) int {
	served := 0
	for {
		r, err := reqs.Recv()
		if err != nil {
			return served
		}
		rt.Yield()
		if r.n < 0 {
			r.reply.Close()
		} else {
			r.reply.Send(r.n * r.n)
		}
		served++
	}
}

//asyncgo:async
func call(reqs *sync.Channel[request], n int) (int, error) {
	o := sync.NewOneshot[int]()
	reqs.Send(request{n, o})
	return o.Recv()
}

func main() {
	rt.Run(func() {
		reqs := sync.NewChannel[request]()
		h := rt.Spawn(func() int { return server(reqs) })
		for _, n := range []int{3, -1, 5} {
			v, err := call(reqs, n)
			fmt.Println(n, v, err)
		}
		reqs.Close()
		fmt.Println("served", rt.Await(h))
	})
}
