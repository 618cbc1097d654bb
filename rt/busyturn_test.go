//go:build linux

package rt

import (
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// readTask waits until its Source has a byte to read, reads it, then
// keeps its worker busy for spin (a request that takes some CPU).
type readTask struct {
	src     *Source
	spin    time.Duration
	waiting *atomic.Int32 // counts tasks that reached their first wait
	counted bool
}

func (f *readTask) Poll(cx *Context) bool {
	for {
		ev, ok := f.src.PollReady(cx, Readable)
		if !ok {
			if !f.counted {
				f.counted = true
				f.waiting.Add(1)
			}
			return false
		}
		fd, err := f.src.Acquire()
		if err != nil {
			return true
		}
		var b [1]byte
		_, err = unix.Read(fd, b[:])
		f.src.Release()
		if err == unix.EAGAIN {
			f.src.ClearReady(ev)
			continue
		}
		for t0 := time.Now(); time.Since(t0) < f.spin; {
		}
		return true
	}
}

func (f *readTask) Result() int { return 0 }
func (f *readTask) Cancel()     {}

// TestBusyTurnTakesOnlyRoom makes three local queues' worth of
// connections readable at once on a single busy worker. Its driver turns
// between tasks must take no more events than its local queue has room
// for, so the queue never overflows (an overflow would push the oldest
// requests behind newer ones; see driver.go).
func TestBusyTurnTakesOnlyRoom(t *testing.T) {
	const n = 3 * localCap
	srcs := make([]*Source, n)
	peers := make([]int, n)
	for i := range srcs {
		srcs[i], peers[i] = socketpair(t)
	}
	within(t, 60*time.Second, func() {
		Run(func() {
			var waiting atomic.Int32
			hs := make([]*JoinHandle[int], n)
			for i, s := range srcs {
				hs[i] = SpawnFuture[readTask, int](readTask{src: s, spin: 30 * time.Microsecond, waiting: &waiting})
			}
			for waiting.Load() < n {
				time.Sleep(time.Millisecond)
			}
			e := currentExecutor()
			waitAllIdle(e)
			before := Stats()
			for _, p := range peers {
				if _, err := unix.Write(p, []byte{1}); err != nil {
					t.Fatal(err)
				}
			}
			for _, h := range hs {
				Await[int](h)
			}
			waitAllIdle(e)
			after := Stats()
			if got := after.ReactorEvents - before.ReactorEvents; got < n {
				t.Fatalf("%d reactor events for %d readable connections", got, n)
			}
			if o := after.Overflows - before.Overflows; o != 0 {
				t.Errorf("the busy worker's local queue overflowed %d times", o)
			}
		}, Workers(1))
	})
}
