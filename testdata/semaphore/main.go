//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync Semaphore limiting concurrency: at most 2 of 6 tasks run their
// critical section at once (checked with a counter), weighted acquire.
package main

import (
	"fmt"
	"sync/atomic"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type state struct {
	inside, maxInside, done atomic.Int32
}

//asyncgo:async
func task(sem *sync.Semaphore, st *state, w int64) {
	if err := sem.Acquire(w); err != nil {
		fmt.Println("acquire:", err)
		return
	}
	in := st.inside.Add(1)
	for {
		m := st.maxInside.Load()
		if in <= m || st.maxInside.CompareAndSwap(m, in) {
			break
		}
	}
	rt.Yield()
	rt.Yield()
	st.inside.Add(-1)
	st.done.Add(1)
	sem.Release(w)
}

func main() {
	rt.Run(func() {
		sem := sync.NewSemaphore(2)
		st := &state{}
		var hs []*rt.JoinHandle[bool]
		for i := 0; i < 6; i++ {
			w := int64(1 + i%2)
			hs = append(hs, rt.Spawn(func() bool { task(sem, st, w); return true }))
		}
		for _, h := range hs {
			rt.Await(h)
		}
		fmt.Println("done", st.done.Load(), "max inside <= 2:", st.maxInside.Load() <= 2)
		fmt.Println("too large:", sem.Acquire(3))
	})
}
