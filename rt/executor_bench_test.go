package rt

import (
	"runtime"
	"sync"
	"testing"
)

const benchTasks = 1000

// BenchmarkSpawnJoin: one op = a task spawns 1,000 trivial tasks and joins
// them all, on 2 workers. Compare with BenchmarkGoroutineSpawnJoin.
func BenchmarkSpawnJoin(b *testing.B) {
	Run(func() {
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			h := SpawnFuture[joinAll, int](joinAll{n: benchTasks})
			if Await[int](h) != benchTasks {
				b.Fatal("wrong sum")
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTasks), "ns/task")
	}, Workers(2))
}

// BenchmarkGoroutineSpawnJoin: the same with goroutines and a WaitGroup.
func BenchmarkGoroutineSpawnJoin(b *testing.B) {
	b.ReportAllocs()
	res := make([]int, benchTasks)
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		wg.Add(benchTasks)
		for k := 0; k < benchTasks; k++ {
			go func() {
				res[k] = 1
				wg.Done()
			}()
		}
		wg.Wait()
		sum := 0
		for _, v := range res {
			sum += v
		}
		if sum != benchTasks {
			b.Fatal("wrong sum")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTasks), "ns/task")
}

// ppShared is the turn shared by two ping-pong tasks.
type ppShared struct {
	mu     sync.Mutex
	turn   int
	wakers [2]Waker
}

// pingPong takes n turns, waking the other side after each.
type pingPong struct {
	s             *ppShared
	side, n, done int
}

func (f *pingPong) Poll(cx *Context) bool {
	for f.done < f.n {
		f.s.mu.Lock()
		if f.s.turn != f.side {
			f.s.wakers[f.side] = cx.Waker()
			f.s.mu.Unlock()
			return false
		}
		f.s.turn = 1 - f.side
		w := f.s.wakers[1-f.side]
		f.s.wakers[1-f.side] = Waker{}
		f.s.mu.Unlock()
		f.done++
		w.Wake()
	}
	return true
}
func (f *pingPong) Result() int { return f.done }
func (f *pingPong) Cancel()     {}

// BenchmarkPingPong: one op = one round trip between two tasks that wake
// each other (2 wakes, 2 polls), on 2 workers.
func BenchmarkPingPong(b *testing.B) {
	Run(func() {
		b.ReportAllocs()
		s := &ppShared{}
		b.ResetTimer()
		h0 := SpawnFuture[pingPong, int](pingPong{s: s, side: 0, n: b.N})
		h1 := SpawnFuture[pingPong, int](pingPong{s: s, side: 1, n: b.N})
		Await[int](h0)
		Await[int](h1)
	}, Workers(2))
}

// BenchmarkGoroutinePingPong: the same between two goroutines over
// unbuffered channels.
func BenchmarkGoroutinePingPong(b *testing.B) {
	b.ReportAllocs()
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
	}()
	for i := 0; i < b.N; i++ {
		ping <- struct{}{}
		<-pong
	}
	close(ping)
}

// BenchmarkOnWorker measures the worker check done on every BlockOn entry
// (and in Wake and Spawn): getg plus a copy-on-write map lookup.
func BenchmarkOnWorker(b *testing.B) {
	Run(func() {
		for i := 0; i < b.N; i++ {
			if onWorker() {
				b.Fatal("main goroutine is not a worker")
			}
		}
	}, Workers(2))
}

// BenchmarkGoidFromStack is the portable alternative to getg: parsing the
// goroutine id out of runtime.Stack.
func BenchmarkGoidFromStack(b *testing.B) {
	var buf [64]byte
	for i := 0; i < b.N; i++ {
		n := runtime.Stack(buf[:], false)
		if parseGoid(buf[:n]) == 0 {
			b.Fatal("no goroutine id")
		}
	}
}
