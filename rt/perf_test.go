package rt_test

// The performance targets of issue 4, each side by side with goroutines
// in the same `go test -bench` run. Run them with
//
//	go test -run '^$' -bench 'Target' -benchtime 1x -cpu 2 ./rt/
//
// (the memory and spawn benchmarks are one-shot measurements over
// 1,000,000 tasks; -benchtime 1x runs them once).

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	rtsync "github.com/asyncgo/asyncgo/rt/sync"
)

const million = 1_000_000

// recvTask is what asyncgen makes of `func recv(ch *Channel[int]) { v, _ := ch.Recv(); sink(v) }`:
// the receive future held by value.
type recvTask struct {
	ch   *rtsync.Channel[int]
	on   bool
	recv rtsync.ChannelRecvFuture[int]
	done *atomic.Int64
}

func (f *recvTask) Poll(cx *rt.Context) bool {
	if !f.on {
		f.on = true
		f.recv = f.ch.RecvAsync()
	}
	if !f.recv.Poll(cx) {
		return false
	}
	f.done.Add(1)
	return true
}
func (f *recvTask) Cancel() { f.recv.Cancel() }

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkTargetParkedTask: 1,000,000 tasks, each parked on a receive
// from its own rt/sync Channel. Reports heap bytes per parked task, with
// and without the channel itself.
func BenchmarkTargetParkedTask(b *testing.B) {
	for b.Loop() {
		rt.Run(func() {
			var done atomic.Int64
			base := heapAlloc()
			chans := make([]*rtsync.Channel[int], million)
			for i := range chans {
				chans[i] = rtsync.NewChannel[int]()
			}
			withChans := heapAlloc()
			for i := range chans {
				rt.GoFuture(recvTask{ch: chans[i], done: &done})
			}
			for rt.Stats().Polls < million {
				time.Sleep(time.Millisecond)
			}
			parked := heapAlloc()
			slice := uint64(million * 8)
			b.ReportMetric(float64(parked-withChans)/million, "B/task")
			b.ReportMetric(float64(parked-base-slice)/million, "B/task+chan")
			for _, c := range chans {
				c.Send(1)
			}
			for done.Load() < million {
				time.Sleep(time.Millisecond)
			}
		}, rt.Workers(2))
	}
}

// cell is a minimal hand-written one-value channel, and cellRecv its
// receive future (8 bytes: a pointer): the executor's own cost per parked
// task, without rt/sync's wait-list node.
type cell struct {
	mu    sync.Mutex
	waker rt.Waker
	v     int
	set   bool
}

func (c *cell) send(v int) {
	c.mu.Lock()
	c.v, c.set = v, true
	w := c.waker
	c.waker = rt.Waker{}
	c.mu.Unlock()
	w.Wake()
}

type cellRecv struct{ c *cell }

func (f *cellRecv) Poll(cx *rt.Context) bool {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	if f.c.set {
		minimalDone.Add(1)
		return true
	}
	f.c.waker = cx.Waker()
	return false
}
func (f *cellRecv) Cancel() {}

var minimalDone atomic.Int64

// BenchmarkTargetParkedTaskMinimal: 1,000,000 tasks parked on a minimal
// hand-written receive (see cell).
func BenchmarkTargetParkedTaskMinimal(b *testing.B) {
	for b.Loop() {
		rt.Run(func() {
			minimalDone.Store(0)
			cells := make([]*cell, million)
			for i := range cells {
				cells[i] = &cell{}
			}
			withCells := heapAlloc()
			p0 := rt.Stats().Polls
			for i := range cells {
				rt.GoFuture(cellRecv{cells[i]})
			}
			for rt.Stats().Polls-p0 < million {
				time.Sleep(time.Millisecond)
			}
			parked := heapAlloc()
			b.ReportMetric(float64(parked-withCells)/million, "B/task")
			for _, c := range cells {
				c.send(1)
			}
			for minimalDone.Load() < million {
				time.Sleep(time.Millisecond)
			}
		}, rt.Workers(2))
	}
}

// BenchmarkTargetParkedGoroutine: the same with goroutines, each parked
// on a receive from its own Go channel.
func BenchmarkTargetParkedGoroutine(b *testing.B) {
	for b.Loop() {
		var wg sync.WaitGroup
		base := heapAlloc()
		chans := make([]chan int, million)
		for i := range chans {
			chans[i] = make(chan int)
		}
		withChans := heapAlloc()
		var stackBase runtime.MemStats
		runtime.ReadMemStats(&stackBase)
		wg.Add(million)
		for i := range chans {
			go func() {
				<-chans[i]
				wg.Done()
			}()
		}
		for runtime.NumGoroutine() < million {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // let every goroutine reach its receive
		parked := heapAlloc()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		// Goroutine stacks are not heap: count them too (StackInuse).
		stacks := ms.StackInuse - stackBase.StackInuse
		slice := uint64(million * 8)
		b.ReportMetric(float64(parked-withChans+stacks)/million, "B/task")
		b.ReportMetric(float64(parked-base-slice+stacks)/million, "B/task+chan")
		for _, c := range chans {
			c <- 1
		}
		wg.Wait()
	}
}

// unitTask completes at once with 1.
type unitTask struct{}

func (unitTask) Poll(*rt.Context) bool { return true }
func (unitTask) Result() int           { return 1 }
func (unitTask) Cancel()               {}

// spawnJoinAll is the root task: spawn n unitTasks, then join them all.
type spawnJoinAll struct {
	n, i, sum int
	hs        []*rt.JoinHandle[int]
}

func (f *spawnJoinAll) Poll(cx *rt.Context) bool {
	if f.hs == nil {
		f.hs = make([]*rt.JoinHandle[int], f.n)
		for i := range f.hs {
			f.hs[i] = rt.SpawnFuture[unitTask, int](unitTask{})
		}
	}
	for ; f.i < len(f.hs); f.i++ {
		if !f.hs[f.i].Poll(cx) {
			return false
		}
		f.sum += f.hs[f.i].Result()
	}
	return true
}
func (f *spawnJoinAll) Result() int { return f.sum }
func (f *spawnJoinAll) Cancel()     {}

// BenchmarkTargetSpawnJoinTasks: a task spawns 1,000,000 trivial tasks and
// joins them all, on 2 workers. Reports tasks per second.
func BenchmarkTargetSpawnJoinTasks(b *testing.B) {
	rt.Run(func() {
		c0 := cpuTime()
		for b.Loop() {
			h := rt.SpawnFuture[spawnJoinAll, int](spawnJoinAll{n: million})
			if rt.Await[int](h) != million {
				b.Fatal("wrong sum")
			}
		}
		b.ReportMetric(float64(b.N*million)/b.Elapsed().Seconds()/1e6, "Mtasks/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*million), "ns/task")
		b.ReportMetric(float64(cpuTime()-c0)/float64(b.N*million), "cpu-ns/task")
	}, rt.Workers(2))
}

// BenchmarkTargetSpawnJoinGoroutines: the same with goroutines: start
// 1,000,000 goroutines that each store a result, and wait for them all.
func BenchmarkTargetSpawnJoinGoroutines(b *testing.B) {
	c0 := cpuTime()
	for b.Loop() {
		res := make([]int, million)
		var wg sync.WaitGroup
		wg.Add(million)
		for i := range res {
			go func() {
				res[i] = 1
				wg.Done()
			}()
		}
		wg.Wait()
		sum := 0
		for _, v := range res {
			sum += v
		}
		if sum != million {
			b.Fatal("wrong sum")
		}
	}
	b.ReportMetric(float64(b.N*million)/b.Elapsed().Seconds()/1e6, "Mtasks/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*million), "ns/task")
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N*million), "cpu-ns/task")
}

// pinger sends on ping and receives from pong n times; ponger echoes.
type pinger struct {
	ping, pong *rtsync.Channel[int]
	n, i       int
	on         bool
	recv       rtsync.ChannelRecvFuture[int]
}

func (f *pinger) Poll(cx *rt.Context) bool {
	for f.i < f.n {
		if !f.on {
			f.ping.Send(f.i)
			f.recv = f.pong.RecvAsync()
			f.on = true
		}
		if !f.recv.Poll(cx) {
			return false
		}
		f.on = false
		f.i++
	}
	return true
}
func (f *pinger) Result() int { return f.i }
func (f *pinger) Cancel()     { f.recv.Cancel() }

type ponger struct {
	ping, pong *rtsync.Channel[int]
	n, i       int
	on         bool
	recv       rtsync.ChannelRecvFuture[int]
}

func (f *ponger) Poll(cx *rt.Context) bool {
	for f.i < f.n {
		if !f.on {
			f.recv = f.ping.RecvAsync()
			f.on = true
		}
		if !f.recv.Poll(cx) {
			return false
		}
		v, _ := f.recv.Result()
		f.on = false
		f.pong.Send(v)
		f.i++
	}
	return true
}
func (f *ponger) Result() int { return f.i }
func (f *ponger) Cancel()     { f.recv.Cancel() }

// BenchmarkTargetPingPongTasks: one op = a round trip between two tasks
// over rt/sync channels, on 2 workers.
func BenchmarkTargetPingPongTasks(b *testing.B) {
	rt.Run(func() {
		ping, pong := rtsync.NewChannel[int](), rtsync.NewChannel[int]()
		b.ResetTimer()
		h1 := rt.SpawnFuture[ponger, int](ponger{ping: ping, pong: pong, n: b.N})
		h0 := rt.SpawnFuture[pinger, int](pinger{ping: ping, pong: pong, n: b.N})
		rt.Await[int](h0)
		rt.Await[int](h1)
	}, rt.Workers(2))
}

// BenchmarkTargetPingPongGoroutines: the same between two goroutines over
// unbuffered Go channels.
func BenchmarkTargetPingPongGoroutines(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	for i := 0; i < b.N; i++ {
		ping <- i
		<-pong
	}
	close(ping)
}

// sleeper sleeps random intervals of 1-10 ms until stop is set.
type sleeper struct {
	rng   *rand.Rand
	stop  *atomic.Bool
	count *atomic.Int64
	on    bool
	sl    rt.SleepFuture
}

func (f *sleeper) Poll(cx *rt.Context) bool {
	for !f.stop.Load() {
		if !f.on {
			f.sl = rt.SleepAsync(time.Duration(1+f.rng.IntN(10)) * time.Millisecond)
			f.on = true
		}
		if !f.sl.Poll(cx) {
			return false
		}
		f.on = false
		f.count.Add(1)
	}
	return true
}
func (f *sleeper) Cancel() { f.sl.Cancel() }

const timerTasks = 100_000

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTargetTimersTasks: 100,000 tasks each sleeping random 1-10 ms
// intervals in a loop for a second; reports process CPU per timer event.
func BenchmarkTargetTimersTasks(b *testing.B) {
	for b.Loop() {
		rt.Run(func() {
			var stop atomic.Bool
			var count atomic.Int64
			for i := 0; i < timerTasks; i++ {
				rt.GoFuture(sleeper{rng: rand.New(rand.NewPCG(uint64(i), 1)), stop: &stop, count: &count})
			}
			time.Sleep(200 * time.Millisecond) // warm up
			c0, n0 := cpuTime(), count.Load()
			time.Sleep(time.Second)
			c1, n1 := cpuTime(), count.Load()
			stop.Store(true)
			b.ReportMetric(float64(c1-c0)/float64(n1-n0), "cpu-ns/timer")
			b.ReportMetric(float64(n1-n0), "timers/s")
		}, rt.Workers(2))
	}
}

// BenchmarkTargetTimersGoroutines: the same with goroutines and time.Sleep.
func BenchmarkTargetTimersGoroutines(b *testing.B) {
	for b.Loop() {
		var stop atomic.Bool
		var count atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < timerTasks; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				for !stop.Load() {
					time.Sleep(time.Duration(1+rng.IntN(10)) * time.Millisecond)
					count.Add(1)
				}
			}()
		}
		time.Sleep(200 * time.Millisecond)
		c0, n0 := cpuTime(), count.Load()
		time.Sleep(time.Second)
		c1, n1 := cpuTime(), count.Load()
		stop.Store(true)
		wg.Wait()
		b.ReportMetric(float64(c1-c0)/float64(n1-n0), "cpu-ns/timer")
		b.ReportMetric(float64(n1-n0), "timers/s")
	}
}
