package sync_test

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// The futures below are hand-written the way asyncgen lowers a loop around
// an async call: the child future is a field held by value, created when
// the loop reaches the call and polled until it completes.

// lockLoop is the task of
//
//	for i := 0; i < n; i++ { g := mu.Lock(); *counter++; g.Unlock() }
type lockLoop struct {
	mu      *sync.Mutex
	counter *int
	i, n    int
	lock    sync.MutexLockFuture
	waiting bool
}

func (t *lockLoop) Poll(cx *rt.Context) bool {
	for t.i < t.n {
		if !t.waiting {
			t.lock = t.mu.LockAsync()
			t.waiting = true
		}
		if !t.lock.Poll(cx) {
			return false
		}
		t.waiting = false
		*t.counter++
		t.lock.Result().Unlock()
		t.i++
	}
	return true
}

func (t *lockLoop) Result() int { return t.i }

func (t *lockLoop) Cancel() {
	if t.waiting {
		t.lock.Cancel()
	}
}

// ringProducer is the task of
//
//	for i := from; i < to; i++ { r.Send(i) }
type ringProducer struct {
	r        *sync.Ring[int]
	i, to    int
	send     sync.RingSendFuture[int]
	inflight bool
}

func (t *ringProducer) Poll(cx *rt.Context) bool {
	for t.i < t.to {
		if !t.inflight {
			t.send = t.r.SendAsync(t.i)
			t.inflight = true
		}
		if !t.send.Poll(cx) {
			return false
		}
		t.inflight = false
		if t.send.Result() != nil {
			return true
		}
		t.i++
	}
	return true
}

func (t *ringProducer) Result() int { return t.i }

func (t *ringProducer) Cancel() {
	if t.inflight {
		t.send.Cancel()
	}
}

// recvSum is the task of
//
//	for { v, err := recv(); if err != nil { return }; sum += v; n++ }
//
// over a Ring or a Channel.
type recvSum[F any, PF interface {
	*F
	rt.Pollable
	Result() (int, error)
}] struct {
	start    func() F
	recv     F
	inflight bool
	sum, n   int
}

func (t *recvSum[F, PF]) Poll(cx *rt.Context) bool {
	for {
		if !t.inflight {
			t.recv = t.start()
			t.inflight = true
		}
		if !PF(&t.recv).Poll(cx) {
			return false
		}
		t.inflight = false
		v, err := PF(&t.recv).Result()
		if err != nil {
			return true
		}
		t.sum += v
		t.n++
	}
}

func (t *recvSum[F, PF]) Result() [2]int { return [2]int{t.sum, t.n} }

func (t *recvSum[F, PF]) Cancel() {
	if t.inflight {
		PF(&t.recv).Cancel()
	}
}

func TestTasksMutexContention(t *testing.T) {
	const tasks, per = 16, 500
	var mu sync.Mutex
	counter := 0
	rt.Run(func() {
		hs := make([]*rt.JoinHandle[int], tasks)
		for i := range hs {
			hs[i] = rt.SpawnFuture[lockLoop, int](lockLoop{mu: &mu, counter: &counter, n: per})
		}
		for _, h := range hs {
			if n := rt.Await[int](h); n != per {
				t.Errorf("task locked %d times, want %d", n, per)
			}
		}
	}, rt.Workers(2))
	if counter != tasks*per {
		t.Fatalf("counter = %d, want %d", counter, tasks*per)
	}
}

type ringRecv = recvSum[sync.RingRecvFuture[int], *sync.RingRecvFuture[int]]
type chanRecv = recvSum[sync.ChannelRecvFuture[int], *sync.ChannelRecvFuture[int]]

func TestTasksRingAndChannel(t *testing.T) {
	const producers, consumers, per = 4, 4, 2000
	const total = producers * per
	wantSum := total * (total - 1) / 2
	rt.Run(func() {
		r := sync.NewRing[int](4)
		var ps []*rt.JoinHandle[int]
		for p := 0; p < producers; p++ {
			ps = append(ps, rt.SpawnFuture[ringProducer, int](ringProducer{r: r, i: p * per, to: (p + 1) * per}))
		}
		var cs []*rt.JoinHandle[[2]int]
		for c := 0; c < consumers; c++ {
			cs = append(cs, rt.SpawnFuture[ringRecv, [2]int](ringRecv{start: r.RecvAsync}))
		}
		for _, h := range ps {
			rt.Await[int](h)
		}
		r.Close()
		sum, n := 0, 0
		for _, h := range cs {
			res := rt.Await[[2]int](h)
			sum, n = sum+res[0], n+res[1]
		}
		if n != total || sum != wantSum {
			t.Errorf("ring: received %d values summing to %d, want %d summing to %d", n, sum, total, wantSum)
		}

		ch := sync.NewChannel[int]()
		cs = cs[:0]
		for c := 0; c < consumers; c++ {
			cs = append(cs, rt.SpawnFuture[chanRecv, [2]int](chanRecv{start: ch.RecvAsync}))
		}
		for i := 0; i < total; i++ {
			ch.Send(i)
		}
		ch.Close()
		sum, n = 0, 0
		for _, h := range cs {
			res := rt.Await[[2]int](h)
			sum, n = sum+res[0], n+res[1]
		}
		if n != total || sum != wantSum {
			t.Errorf("channel: received %d values summing to %d, want %d summing to %d", n, sum, total, wantSum)
		}
	}, rt.Workers(2))
}

// Aborting a task that waits for the mutex releases its place in the
// queue: it never gets the lock, and the lock is not leaked.
func TestTasksAbortLockWaiter(t *testing.T) {
	var mu sync.Mutex
	counter := 0
	rt.Run(func() {
		mu.Lock()
		h := rt.SpawnFuture[lockLoop, int](lockLoop{mu: &mu, counter: &counter, n: 1})
		time.Sleep(5 * time.Millisecond) // let the task queue up
		h.Abort()
		rt.Await[int](h)
		if !errors.Is(h.Err(), rt.ErrAborted) {
			t.Errorf("Err = %v, want ErrAborted", h.Err())
		}
		mu.Unlock()
		if !mu.TryLock() {
			t.Error("mutex not free after its waiter was aborted")
		}
	}, rt.Workers(2))
	if counter != 0 {
		t.Fatalf("aborted waiter ran its critical section")
	}
}

// Task-driven benchmarks: the same workloads as the goroutine ones above,
// run as tasks on 2 workers.

func BenchmarkTasks(b *testing.B) {
	b.Run("Mutex/16tasks", func(b *testing.B) {
		var mu sync.Mutex
		counter := 0
		rt.Run(func() {
			const tasks = 16
			hs := make([]*rt.JoinHandle[int], tasks)
			for i := range hs {
				n := b.N / tasks
				if i < b.N%tasks {
					n++
				}
				hs[i] = rt.SpawnFuture[lockLoop, int](lockLoop{mu: &mu, counter: &counter, n: n})
			}
			for _, h := range hs {
				rt.Await[int](h)
			}
		}, rt.Workers(2))
	})
	for _, capacity := range []int{16, 1024} {
		name := map[int]string{16: "Ring/cap16", 1024: "Ring/cap1024"}[capacity]
		b.Run(name, func(b *testing.B) {
			rt.Run(func() {
				r := sync.NewRing[int](capacity)
				p := rt.SpawnFuture[ringProducer, int](ringProducer{r: r, to: b.N})
				c := rt.SpawnFuture[ringRecv, [2]int](ringRecv{start: r.RecvAsync})
				rt.Await[int](p)
				r.Close()
				rt.Await[[2]int](c)
			}, rt.Workers(2))
		})
	}
}
