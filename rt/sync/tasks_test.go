package sync_test

import (
	"errors"
	gosync "sync"
	"sync/atomic"
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

// rwLoop is the task of
//
//	for i := 0; i < n; i++ {
//		if i%writeEvery == 0 {
//			g := mu.Lock(); *data++; g.Unlock()
//		} else {
//			g := mu.RLock(); _ = *data; g.Unlock()
//		}
//	}
type rwLoop struct {
	mu               *sync.RWMutex
	data             *int
	i, n, writeEvery int
	w                sync.RWMutexLockFuture
	r                sync.RWMutexRLockFuture
	waiting, writing bool
}

func (t *rwLoop) Poll(cx *rt.Context) bool {
	for t.i < t.n {
		if !t.waiting {
			t.writing = t.writeEvery > 0 && t.i%t.writeEvery == 0
			if t.writing {
				t.w = t.mu.LockAsync()
			} else {
				t.r = t.mu.RLockAsync()
			}
			t.waiting = true
		}
		if t.writing {
			if !t.w.Poll(cx) {
				return false
			}
			*t.data++
			t.w.Result().Unlock()
		} else {
			if !t.r.Poll(cx) {
				return false
			}
			_ = *t.data
			t.r.Result().Unlock()
		}
		t.waiting = false
		t.i++
	}
	return true
}

func (t *rwLoop) Result() int { return t.i }

func (t *rwLoop) Cancel() {
	if t.waiting {
		t.w.Cancel()
		t.r.Cancel()
	}
}

// semLoop is the task of
//
//	for i := 0; i < n; i++ { s.Acquire(1); *inUse++ (checked); s.Release(1) }
type semLoop struct {
	s       *sync.Semaphore
	inUse   *atomic.Int64
	i, n    int
	acq     sync.SemaphoreAcquireFuture
	waiting bool
	over    bool
}

func (t *semLoop) Poll(cx *rt.Context) bool {
	for t.i < t.n {
		if !t.waiting {
			t.acq = t.s.AcquireAsync(1)
			t.waiting = true
		}
		if !t.acq.Poll(cx) {
			return false
		}
		t.waiting = false
		if t.inUse.Add(1) > t.s.Size() {
			t.over = true
		}
		t.inUse.Add(-1)
		t.s.Release(1)
		t.i++
	}
	return true
}

func (t *semLoop) Result() bool { return t.over }

func (t *semLoop) Cancel() {
	if t.waiting {
		t.acq.Cancel()
	}
}

// bcastRecv is the task of
//
//	for {
//		_, err := r.Recv()
//		if lagged { lost += missed; continue }
//		if err != nil { return lost }
//		got.Add(1)
//	}
type bcastRecv struct {
	r        *sync.BroadcastReceiver[int]
	got      *atomic.Int64
	recv     sync.BroadcastReceiverRecvFuture[int]
	inflight bool
	lost     uint64
}

func (t *bcastRecv) Poll(cx *rt.Context) bool {
	for {
		if !t.inflight {
			t.recv = t.r.RecvAsync()
			t.inflight = true
		}
		if !t.recv.Poll(cx) {
			return false
		}
		t.inflight = false
		_, err := t.recv.Result()
		if err == nil {
			t.got.Add(1)
			continue
		}
		var lag *sync.LaggedError
		if !errors.As(err, &lag) {
			return true
		}
		t.lost += lag.Missed
	}
}

func (t *bcastRecv) Result() uint64 { return t.lost }

func (t *bcastRecv) Cancel() {
	if t.inflight {
		t.recv.Cancel()
	}
}

// bcastSend is the task of
//
//	for i := 0; i < n; i++ {
//		if i%256 == 0 { for some receiver is more than 512 behind { rt.Yield() } }
//		bc.Send(i)
//	}
//	bc.Close()
//
// (the paced sender of BenchmarkBroadcast, as a task).
type bcastSend struct {
	bc       *sync.Broadcast[int]
	p        *progress
	i, n     int
	y        rt.YieldFuture
	yielding bool
}

func (t *bcastSend) Poll(cx *rt.Context) bool {
	for t.i < t.n {
		if t.yielding {
			if !t.y.Poll(cx) {
				return false
			}
			t.yielding = false
			if t.p.behind(t.i - 512) {
				t.y = rt.YieldAsync()
				t.yielding = true
				continue
			}
		} else if t.i%256 == 0 && t.p.behind(t.i-512) {
			t.y = rt.YieldAsync()
			t.yielding = true
			continue
		}
		t.bc.Send(t.i)
		t.i++
	}
	t.bc.Close()
	return true
}

func (t *bcastSend) Result() int { return t.i }

func (t *bcastSend) Cancel() {}

func TestTasksRWMutexAndSemaphore(t *testing.T) {
	const tasks, per = 16, 400
	var rw sync.RWMutex
	data := 0
	sem := sync.NewSemaphore(3)
	var inUse atomic.Int64
	rt.Run(func() {
		var hs []*rt.JoinHandle[int]
		for i := 0; i < tasks; i++ {
			hs = append(hs, rt.SpawnFuture[rwLoop, int](rwLoop{mu: &rw, data: &data, n: per, writeEvery: 4}))
		}
		var ss []*rt.JoinHandle[bool]
		for i := 0; i < tasks; i++ {
			ss = append(ss, rt.SpawnFuture[semLoop, bool](semLoop{s: sem, inUse: &inUse, n: per}))
		}
		for _, h := range hs {
			rt.Await[int](h)
		}
		for _, h := range ss {
			if rt.Await[bool](h) {
				t.Error("more permits in use than the semaphore's size")
			}
		}
	}, rt.Workers(2))
	if want := tasks * per / 4; data != want {
		t.Fatalf("data = %d, want %d", data, want)
	}
	if sem.Available() != 3 {
		t.Fatalf("Available = %d, want 3", sem.Available())
	}
}

func TestTasksBroadcast(t *testing.T) {
	const receivers, n = 4, 5000
	var p progress
	var lost uint64
	rt.Run(func() {
		bc := sync.NewBroadcast[int](64)
		var hs []*rt.JoinHandle[uint64]
		for k := 0; k < receivers; k++ {
			hs = append(hs, rt.SpawnFuture[bcastRecv, uint64](bcastRecv{r: bc.Subscribe(), got: &p[k]}))
		}
		for i := 0; i < n; i++ {
			bc.Send(i)
		}
		bc.Close()
		for _, h := range hs {
			lost += rt.Await[uint64](h)
		}
	}, rt.Workers(2))
	for k := range p {
		if got := uint64(p[k].Load()); got+lost > receivers*n || got == 0 {
			t.Fatalf("receiver %d got %d (lost in total %d) of %d", k, got, lost, n)
		}
	}
	var sum uint64
	for k := range p {
		sum += uint64(p[k].Load())
	}
	if sum+lost != receivers*n {
		t.Fatalf("received %d + lost %d != %d delivered", sum, lost, receivers*n)
	}
}

// repeat is the task of
//
//	for i := 0; i < n; i++ { before(); op(); after() }
//
// for an async op without results (Barrier.Wait's leader flag is
// counted), given by its constructor.
type repeat[F any, PF interface {
	*F
	rt.Pollable
}] struct {
	start         func() F
	before, after func()
	op            F
	i, n          int
	inflight      bool
}

func (t *repeat[F, PF]) Poll(cx *rt.Context) bool {
	for t.i < t.n {
		if !t.inflight {
			if t.before != nil {
				t.before()
			}
			t.op = t.start()
			t.inflight = true
		}
		if !PF(&t.op).Poll(cx) {
			return false
		}
		t.inflight = false
		if t.after != nil {
			t.after()
		}
		t.i++
	}
	return true
}

func (t *repeat[F, PF]) Result() int { return t.i }

func (t *repeat[F, PF]) Cancel() {
	if t.inflight {
		PF(&t.op).Cancel()
	}
}

type barrierLoop = repeat[sync.BarrierWaitFuture, *sync.BarrierWaitFuture]
type notifyLoop = repeat[sync.NotifyNotifiedFuture, *sync.NotifyNotifiedFuture]
type wgLoop = repeat[sync.WaitGroupWaitFuture, *sync.WaitGroupWaitFuture]

// Barrier rounds, a Notify ping-pong and WaitGroup waits between tasks on
// two workers: a lost wake-up hangs the test.
func TestTasksBarrierNotifyWaitGroup(t *testing.T) {
	const parties, rounds = 4, 500
	b := sync.NewBarrier(parties)
	var ping, pong sync.Notify
	var wg sync.WaitGroup
	var behind atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		rt.Run(func() {
			var hs []*rt.JoinHandle[int]
			var round [parties]atomic.Int32
			for k := 0; k < parties; k++ {
				hs = append(hs, rt.SpawnFuture[barrierLoop, int](barrierLoop{
					start: b.WaitAsync, n: rounds,
					before: func() { round[k].Add(1) },
					after: func() {
						for j := range round { // nobody is a round behind us
							if round[j].Load() < round[k].Load() {
								behind.Add(1)
							}
						}
					},
				}))
			}
			// ping-pong: A notifies pong then waits ping; B waits pong then
			// notifies ping.
			hs = append(hs,
				rt.SpawnFuture[notifyLoop, int](notifyLoop{start: ping.NotifiedAsync, n: rounds, before: pong.NotifyOne}),
				rt.SpawnFuture[notifyLoop, int](notifyLoop{start: pong.NotifiedAsync, n: rounds, after: ping.NotifyOne}),
			)
			for r := 0; r < rounds/10; r++ {
				wg.Add(3)
				ws := []*rt.JoinHandle[int]{
					rt.SpawnFuture[wgLoop, int](wgLoop{start: wg.WaitAsync, n: 1}),
					rt.SpawnFuture[wgLoop, int](wgLoop{start: wg.WaitAsync, n: 1}),
				}
				for i := 0; i < 3; i++ {
					wg.Done()
				}
				for _, h := range ws {
					rt.Await[int](h)
				}
			}
			for _, h := range hs {
				if n := rt.Await[int](h); n != rounds {
					t.Errorf("task did %d rounds, want %d", n, rounds)
				}
			}
		}, rt.Workers(2))
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("tasks still blocked after 30s (lost wake-up)")
	}
	if n := behind.Load(); n != 0 {
		t.Fatalf("a task left a barrier round while another had not arrived (%d times)", n)
	}
}

// Task-driven benchmarks: the same workloads as the goroutine ones in
// bench_test.go, run as tasks on 2 workers, next to a Go baseline of 16
// goroutines where the goroutine benchmark has a different shape.

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
	for _, writeEvery := range []int{0, 10} {
		name := map[int]string{0: "ReadOnly", 10: "Write10pct"}[writeEvery]
		b.Run("RWMutex/"+name+"/16tasks", func(b *testing.B) {
			var mu sync.RWMutex
			data := 0
			rt.Run(func() {
				hs := make([]*rt.JoinHandle[int], 16)
				for i := range hs {
					hs[i] = rt.SpawnFuture[rwLoop, int](rwLoop{mu: &mu, data: &data, n: split(b.N, 16, i), writeEvery: writeEvery})
				}
				for _, h := range hs {
					rt.Await[int](h)
				}
			}, rt.Workers(2))
		})
		b.Run("RWMutex/"+name+"/GoRWMutex16goroutines", func(b *testing.B) {
			var mu gosync.RWMutex
			data := 0
			var wg gosync.WaitGroup
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := split(b.N, 16, g); i > 0; i-- {
						if writeEvery > 0 && i%writeEvery == 0 {
							mu.Lock()
							data++
							mu.Unlock()
						} else {
							mu.RLock()
							_ = data
							mu.RUnlock()
						}
					}
				}()
			}
			wg.Wait()
		})
	}
	for _, size := range []int{4, 1024} {
		name := map[int]string{4: "size4", 1024: "size1024"}[size]
		b.Run("Semaphore/"+name+"/16tasks", func(b *testing.B) {
			s := sync.NewSemaphore(int64(size))
			var inUse atomic.Int64
			rt.Run(func() {
				hs := make([]*rt.JoinHandle[bool], 16)
				for i := range hs {
					hs[i] = rt.SpawnFuture[semLoop, bool](semLoop{s: s, inUse: &inUse, n: split(b.N, 16, i)})
				}
				for _, h := range hs {
					rt.Await[bool](h)
				}
			}, rt.Workers(2))
		})
		b.Run("Semaphore/"+name+"/GoChanSemaphore16goroutines", func(b *testing.B) {
			s := make(chan struct{}, size)
			var wg gosync.WaitGroup
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := split(b.N, 16, g); i > 0; i-- {
						s <- struct{}{}
						<-s
					}
				}()
			}
			wg.Wait()
		})
	}
	b.Run("Broadcast/4tasks", func(b *testing.B) {
		var p progress
		var lost [fanOut]uint64
		rt.Run(func() {
			bc := sync.NewBroadcast[int](1024)
			hs := make([]*rt.JoinHandle[uint64], fanOut)
			for k := range hs {
				hs[k] = rt.SpawnFuture[bcastRecv, uint64](bcastRecv{r: bc.Subscribe(), got: &p[k]})
			}
			rt.Await[int](rt.SpawnFuture[bcastSend, int](bcastSend{bc: bc, p: &p, n: b.N}))
			for k, h := range hs {
				lost[k] = rt.Await[uint64](h)
			}
		}, rt.Workers(2))
		reportLost(b, lost[:])
	})
}
