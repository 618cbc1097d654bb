//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync Barrier: rounds of 3 tasks; exactly one leader per round; no
// task starts round 2 before all finished round 1.
package main

import (
	"fmt"
	"sync/atomic"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type shared struct {
	round1, leaders atomic.Int32
	early           atomic.Bool
}

//asyncgo:async
func party(b *sync.Barrier, s *shared, id int) {
	for i := 0; i < id; i++ {
		rt.Yield()
	}
	s.round1.Add(1)
	if b.Wait() {
		s.leaders.Add(1)
	}
	if s.round1.Load() != 3 {
		s.early.Store(true)
	}
	if b.Wait() {
		s.leaders.Add(1)
	}
}

func main() {
	rt.Run(func() {
		b := sync.NewBarrier(3)
		s := &shared{}
		var hs []*rt.JoinHandle[int]
		for i := 0; i < 3; i++ {
			id := i
			hs = append(hs, rt.Spawn(func() int { party(b, s, id); return id }))
		}
		for _, h := range hs {
			rt.Await(h)
		}
		fmt.Println("leaders", s.leaders.Load(), "early", s.early.Load(), "round1", s.round1.Load())
	})
}
