package sync_test

import (
	gosync "sync"
	"testing"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// These benchmarks drive the primitives from goroutines through the
// blocking bridges, next to the Go primitive they replace. Task-driven
// variants (futures polled by the executor) belong here once rt's executor
// lands.

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
