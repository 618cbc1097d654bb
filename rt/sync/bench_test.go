package sync_test

import (
	"errors"
	"runtime"
	gosync "sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// These benchmarks drive the primitives from goroutines through the
// blocking bridges, next to the Go primitive they replace. Task-driven
// variants (futures polled by the executor) are BenchmarkTasks, in
// tasks_test.go.

// split returns how many of n items producer p of k sends.
func split(n, k, p int) int {
	s := n / k
	if p < n%k {
		s++
	}
	return s
}

func benchChannel(b *testing.B, producers int) {
	c := sync.NewChannel[int]()
	for p := 0; p < producers; p++ {
		go func() {
			for i := split(b.N, producers, p); i > 0; i-- {
				c.Send(i)
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		if _, err := c.Recv(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGoChan(b *testing.B, producers, buffer int) {
	c := make(chan int, buffer)
	for p := 0; p < producers; p++ {
		go func() {
			for i := split(b.N, producers, p); i > 0; i-- {
				c <- i
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		<-c
	}
}

// BenchmarkChannel: one consumer, 1 or 4 producers; the Go baseline is a
// large buffered chan (Go has no unbounded channel).
func BenchmarkChannel(b *testing.B) {
	for _, p := range []int{1, 4} {
		name := map[int]string{1: "1producer", 4: "4producers"}[p]
		b.Run(name+"/Channel", func(b *testing.B) { benchChannel(b, p) })
		b.Run(name+"/GoChan65536", func(b *testing.B) { benchGoChan(b, p, 1<<16) })
	}
}

func benchRing(b *testing.B, capacity int) {
	r := sync.NewRing[int](capacity)
	go func() {
		for i := 0; i < b.N; i++ {
			r.Send(i)
		}
	}()
	for i := 0; i < b.N; i++ {
		if _, err := r.Recv(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRing: one producer, one consumer, against a Go chan with the
// same buffer size.
func BenchmarkRing(b *testing.B) {
	for _, capacity := range []int{16, 1024} {
		name := map[int]string{16: "cap16", 1024: "cap1024"}[capacity]
		b.Run(name+"/Ring", func(b *testing.B) { benchRing(b, capacity) })
		b.Run(name+"/GoChan", func(b *testing.B) { benchGoChan(b, 1, capacity) })
	}
}

// BenchmarkMutex: 4*GOMAXPROCS goroutines increment a shared counter under
// the lock.
func BenchmarkMutex(b *testing.B) {
	b.Run("Mutex", func(b *testing.B) {
		var mu sync.Mutex
		n := 0
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				g := mu.Lock()
				n++
				g.Unlock()
			}
		})
	})
	b.Run("GoMutex", func(b *testing.B) {
		var mu gosync.Mutex
		n := 0
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.Lock()
				n++
				mu.Unlock()
			}
		})
	})
	b.Run("Uncontended/Mutex", func(b *testing.B) {
		var mu sync.Mutex
		for i := 0; i < b.N; i++ {
			mu.Lock().Unlock()
		}
	})
	b.Run("Uncontended/GoMutex", func(b *testing.B) {
		var mu gosync.Mutex
		for i := 0; i < b.N; i++ {
			mu.Lock()
			mu.Unlock()
		}
	})
}

// nopWaker is a Wakeable that does nothing, for polling futures by hand.
type nopWaker struct{}

func (nopWaker) Wake() {}

// BenchmarkPollPath measures the primitives' own cost on their ready
// path, polling the futures directly as an executor would (no bridge, no
// goroutine parking): what a task pays when the operation completes at
// once. Each future lives in a heap slot reused across iterations, as a
// child future lives in its task's state struct (a local future would be
// moved to the heap, since the wait list may point into it).
func BenchmarkPollPath(b *testing.B) {
	cx := rt.NewContext(rt.NewWaker(nopWaker{}))
	b.Run("MutexLock+Unlock", func(b *testing.B) {
		var mu sync.Mutex
		f := new(sync.MutexLockFuture)
		for i := 0; i < b.N; i++ {
			*f = mu.LockAsync()
			if !f.Poll(cx) {
				b.Fatal("pending")
			}
			f.Result().Unlock()
		}
	})
	b.Run("ChannelSend+Recv", func(b *testing.B) {
		c := sync.NewChannel[int]()
		f := new(sync.ChannelRecvFuture[int])
		for i := 0; i < b.N; i++ {
			c.Send(i)
			*f = c.RecvAsync()
			if !f.Poll(cx) {
				b.Fatal("pending")
			}
		}
	})
	b.Run("RingSend+Recv", func(b *testing.B) {
		r := sync.NewRing[int](64)
		s := new(sync.RingSendFuture[int])
		f := new(sync.RingRecvFuture[int])
		for i := 0; i < b.N; i++ {
			*s = r.SendAsync(i)
			if !s.Poll(cx) {
				b.Fatal("pending")
			}
			*f = r.RecvAsync()
			if !f.Poll(cx) {
				b.Fatal("pending")
			}
		}
	})
	b.Run("ChannelWait+Send+Recv", func(b *testing.B) {
		c := sync.NewChannel[int]()
		f := new(sync.ChannelRecvFuture[int])
		for i := 0; i < b.N; i++ {
			*f = c.RecvAsync()
			if f.Poll(cx) {
				b.Fatal("ready on an empty channel")
			}
			c.Send(i) // hands the value to the waiting future
			if !f.Poll(cx) {
				b.Fatal("pending")
			}
		}
	})
	b.Run("GoChanSend+Recv", func(b *testing.B) {
		c := make(chan int, 64)
		for i := 0; i < b.N; i++ {
			c <- i
			<-c
		}
	})
}

// BenchmarkRWMutex: 4*GOMAXPROCS goroutines read a shared value under the
// read lock, and every tenth operation (or none) writes it under the write
// lock, against sync.RWMutex.
func BenchmarkRWMutex(b *testing.B) {
	for _, writeEvery := range []int{0, 10} {
		name := map[int]string{0: "ReadOnly", 10: "Write10pct"}[writeEvery]
		b.Run(name+"/RWMutex", func(b *testing.B) {
			var mu sync.RWMutex
			n := 0
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for i := 1; pb.Next(); i++ {
					if writeEvery > 0 && i%writeEvery == 0 {
						g := mu.Lock()
						n++
						g.Unlock()
					} else {
						g := mu.RLock()
						_ = n
						g.Unlock()
					}
				}
			})
		})
		b.Run(name+"/GoRWMutex", func(b *testing.B) {
			var mu gosync.RWMutex
			n := 0
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for i := 1; pb.Next(); i++ {
					if writeEvery > 0 && i%writeEvery == 0 {
						mu.Lock()
						n++
						mu.Unlock()
					} else {
						mu.RLock()
						_ = n
						mu.RUnlock()
					}
				}
			})
		})
	}
}

// BenchmarkSemaphore: 4*GOMAXPROCS goroutines acquire and release one
// permit of a semaphore of size 4 (contended) or 1024 (uncontended),
// against the Go idiom of a buffered channel as a counting semaphore.
func BenchmarkSemaphore(b *testing.B) {
	for _, size := range []int{4, 1024} {
		name := map[int]string{4: "size4", 1024: "size1024"}[size]
		b.Run(name+"/Semaphore", func(b *testing.B) {
			s := sync.NewSemaphore(int64(size))
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s.Acquire(1)
					s.Release(1)
				}
			})
		})
		b.Run(name+"/GoChanSemaphore", func(b *testing.B) {
			s := make(chan struct{}, size)
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s <- struct{}{}
					<-s
				}
			})
		})
	}
}

const fanOut = 4

// progress counts what each of the fanOut receivers got, so that a sender
// can pace itself (see pace).
type progress [fanOut]atomic.Int64

// pace is called by a sender before sending value i: every 256 values it
// waits until every receiver is at most 512 values behind, which keeps a
// Broadcast of capacity 1024 from lagging, so that the benchmark measures
// delivery, not how fast a sender can overwrite a ring. (The chans of the
// Go baseline hold their sender back by themselves.)
func (p *progress) pace(i int) {
	if i%256 != 0 {
		return
	}
	for p.behind(i - 512) {
		runtime.Gosched()
	}
}

// behind reports whether some receiver has got fewer than min values.
func (p *progress) behind(min int) bool {
	for k := range p {
		if p[k].Load() < int64(min) {
			return true
		}
	}
	return false
}

// BenchmarkBroadcast: one sender, four receivers; an op is one value sent
// and received by all four. The Go baseline fans out over four buffered
// chans of the same capacity. The Broadcast's sender is paced (see pace),
// so no receiver lags: lost/op reports the fraction of deliveries lost
// anyway, and must be 0.
func BenchmarkBroadcast(b *testing.B) {
	const capacity = 1024
	b.Run("Broadcast", func(b *testing.B) {
		bc := sync.NewBroadcast[int](capacity)
		var p progress
		var lost [fanOut]uint64
		var wg gosync.WaitGroup
		for k := 0; k < fanOut; k++ {
			r := bc.Subscribe()
			wg.Add(1)
			go func() {
				defer wg.Done()
				lost[k] = drainBroadcast(r, &p[k])
			}()
		}
		for i := 0; i < b.N; i++ {
			p.pace(i)
			bc.Send(i)
		}
		bc.Close()
		wg.Wait()
		reportLost(b, lost[:])
	})
	b.Run("GoChanFanOut", func(b *testing.B) {
		var cs [fanOut]chan int
		var wg gosync.WaitGroup
		for k := range cs {
			cs[k] = make(chan int, capacity)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range cs[k] {
				}
			}()
		}
		for i := 0; i < b.N; i++ {
			for _, c := range cs {
				c <- i
			}
		}
		for _, c := range cs {
			close(c)
		}
		wg.Wait()
	})
}

// drainBroadcast receives until the Broadcast is closed, counting values
// in got, and returns the number of values the receiver lagged past.
func drainBroadcast(r *sync.BroadcastReceiver[int], got *atomic.Int64) uint64 {
	var lost uint64
	for {
		_, err := r.Recv()
		if err == nil {
			got.Add(1)
			continue
		}
		var lag *sync.LaggedError
		if !errors.As(err, &lag) {
			return lost
		}
		lost += lag.Missed
	}
}

func reportLost(b *testing.B, lost []uint64) {
	var sum uint64
	for _, l := range lost {
		sum += l
	}
	b.ReportMetric(float64(sum)/float64(len(lost)*b.N), "lost/op")
}
