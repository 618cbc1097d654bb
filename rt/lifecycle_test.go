package rt

import (
	"errors"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// SpawnBlocking runs at most BlockingThreads jobs at once, returns their
// results, re-raises their panics, and an abort before start skips a job.
func TestSpawnBlocking(t *testing.T) {
	within(t, 20*time.Second, func() {
		Run(func() {
			var cur, peak atomic.Int32
			release := make(chan struct{})
			var hs []*JoinHandle[int]
			for i := 0; i < 10; i++ {
				hs = append(hs, SpawnBlocking(func() int {
					n := cur.Add(1)
					for {
						p := peak.Load()
						if n <= p || peak.CompareAndSwap(p, n) {
							break
						}
					}
					<-release
					cur.Add(-1)
					return i
				}))
			}
			ran := atomic.Bool{}
			skipped := SpawnBlocking(func() int { ran.Store(true); return -1 })
			skipped.Abort()
			time.Sleep(20 * time.Millisecond)
			if got := Stats().BlockingThreads; got != 2 {
				t.Errorf("blocking threads = %d, want 2", got)
			}
			close(release)
			for i, h := range hs {
				if v := Await[int](h); v != i {
					t.Errorf("job %d returned %d", i, v)
				}
			}
			if p := peak.Load(); p != 2 {
				t.Errorf("peak concurrency %d, want 2", p)
			}
			Await[int](skipped)
			if skipped.Err() != ErrAborted || ran.Load() {
				t.Errorf("aborted queued job: err %v, ran %v", skipped.Err(), ran.Load())
			}
			ph := SpawnBlocking(func() int { panic("blocking boom") })
			r := catch(func() { Await[int](ph) })
			var pe *PanicError
			if err, ok := r.(error); !ok || !errors.As(err, &pe) || pe.Value != "blocking boom" {
				t.Errorf("panic in a blocking job: %v", r)
			}
		}, Workers(2), BlockingThreads(2))
	})
}

// Run waits for running blocking jobs, but no longer than the grace
// period when one is set.
func TestShutdownGrace(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	Run(func() {
		started := make(chan struct{})
		SpawnBlocking(func() int { close(started); <-release; return 0 })
		<-started
		GoFuture(funcFuture{poll: func(cx *Context) bool { return false }}) // never completes
	}, Workers(2), ShutdownTimeout(50*time.Millisecond))
	if d := time.Since(start); d < 50*time.Millisecond || d > 5*time.Second {
		t.Errorf("Run with a stuck blocking job and a 50ms grace took %v", d)
	}
	var finished atomic.Bool
	start = time.Now()
	Run(func() {
		started := make(chan struct{})
		SpawnBlocking(func() int { close(started); time.Sleep(30 * time.Millisecond); finished.Store(true); return 0 })
		<-started
	}, Workers(2))
	if !finished.Load() {
		t.Errorf("Run returned before its blocking job finished (after %v)", time.Since(start))
	}
}

// Stats counts what happened.
func TestStats(t *testing.T) {
	within(t, 20*time.Second, func() {
		Run(func() {
			const n = 1000
			var hs []*JoinHandle[int]
			for i := 0; i < n; i++ {
				hs = append(hs, SpawnFuture[sleepSeq, int](sleepSeq{
					ds: []time.Duration{time.Millisecond, 0}, out: make(chan []time.Duration, 1)}))
			}
			for _, h := range hs {
				Await[int](h)
			}
			time.Sleep(10 * time.Millisecond) // let the workers park and publish
			st := Stats()
			if st.Workers != 2 || st.Spawned != n || st.LiveTasks != 0 {
				t.Errorf("workers %d spawned %d live %d", st.Workers, st.Spawned, st.LiveTasks)
			}
			if st.Polls < n+n/2 || st.TimersRegistered < n/2 || st.TimersFired < n/2 || st.Parks == 0 || st.Wakeups < n/2 {
				t.Errorf("implausible counters: %+v", st)
			}
			t.Logf("%+v", st)
		}, Workers(2))
	})
}

func countFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// After Run returns, no goroutine, fd or timer of the runtime is left,
// even when tasks were sleeping, blocking jobs ran and sockets were open.
func TestNoLeaksAfterRunWithTimers(t *testing.T) {
	globalDriver() // created once per process: part of the baseline
	runtime.GC()
	baseG := runtime.NumGoroutine()
	baseFD := countFDs(t)
	tw := globalDriver().wheel
	baseTimers := tw.live()
	within(t, 20*time.Second, func() {
		Run(func() {
			for i := 0; i < 100; i++ {
				GoFuture(SleepAsync(time.Hour)) // cancelled at shutdown
				SpawnFuture[readyFuture, int](readyFuture{})
			}
			h := SpawnBlocking(func() int { return 1 })
			Await[int](h)
			Sleep(time.Millisecond)
		}, Workers(3))
	})
	if got := tw.live(); got != baseTimers {
		t.Errorf("%d timers live after Run, %d before", got, baseTimers)
	}
	var n int
	for try := 0; try < 200; try++ {
		if n = runtime.NumGoroutine(); n <= baseG {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n > baseG {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d after Run, %d before\n%s", n, baseG, buf[:runtime.Stack(buf, true)])
	}
	if fd := countFDs(t); fd > baseFD {
		t.Errorf("fds: %d after Run, %d before", fd, baseFD)
	}
}

// Many tasks sleeping random short intervals while other goroutines wake
// gated tasks at random: idle workers park in the driver, timers and
// outside wakes interrupt it, and nothing is lost.
func TestTimersAndWakesStress(t *testing.T) {
	tasks := 2000
	if raceEnabled {
		tasks = 300
	}
	within(t, 60*time.Second, func() {
		Run(func() {
			var hs []*JoinHandle[int]
			for i := 0; i < tasks; i++ {
				ds := make([]time.Duration, 5)
				for k := range ds {
					ds[k] = time.Duration(rand.IntN(2000)) * time.Microsecond
				}
				hs = append(hs, SpawnFuture[sleepSeq, int](sleepSeq{ds: ds, out: make(chan []time.Duration, 1)}))
			}
			gates := make([]*gate, 200)
			var gh []*JoinHandle[int]
			for i := range gates {
				gates[i] = &gate{}
				gh = append(gh, SpawnFuture[gateFuture, int](gateFuture{g: gates[i], p: &probe{}, v: i}))
			}
			var wg sync.WaitGroup
			for k := 0; k < 4; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := k; i < len(gates); i += 4 {
						time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
						gates[i].Open()
					}
				}()
			}
			for _, h := range hs {
				if Await[int](h) != 5 {
					t.Error("sleeper did not finish its sleeps")
				}
			}
			for i, h := range gh {
				if Await[int](h) != i {
					t.Error("gated task wrong result")
				}
			}
			wg.Wait()
		}, Workers(4))
	})
}

// Aborting sleeping tasks releases their timers at once.
func TestAbortSleepingReleasesTimer(t *testing.T) {
	Run(func() {
		tw := currentExecutor().wheel
		base := tw.live()
		var hs []*JoinHandle[int]
		for i := 0; i < 500; i++ {
			hs = append(hs, SpawnFuture[sleepSeq, int](sleepSeq{ds: []time.Duration{time.Hour}, out: make(chan []time.Duration, 1)}))
		}
		for tw.live() < base+500 {
			time.Sleep(time.Millisecond)
		}
		for _, h := range hs {
			h.Abort()
		}
		for _, h := range hs {
			Await[int](h)
			if h.Err() != ErrAborted {
				t.Fatalf("Err = %v", h.Err())
			}
		}
		if got := tw.live(); got != base {
			t.Errorf("%d timers live after aborting the sleepers, want %d", got, base)
		}
	}, Workers(2))
}

// A worker parked in the driver (no timers: epoll_wait without timeout)
// is woken by an outside wake every time: the unparked/driving handshake
// loses nothing. 1 worker, so the only idle worker is the driver holder.
func TestWakeWhileDriving(t *testing.T) {
	rounds := 2000
	if raceEnabled {
		rounds = 300
	}
	within(t, 30*time.Second, func() {
		Run(func() {
			for i := 0; i < rounds; i++ {
				g := &gate{}
				h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: &probe{}, v: i})
				if i%2 == 0 {
					waitParked(g, 1)
				}
				g.Open()
				if Await[int](h) != i {
					t.Fatal("wrong result")
				}
			}
		}, Workers(1))
	})
}

// Timers keep firing in single-threaded mode, where the Run goroutine is
// the only worker and the driver holder.
func TestSleepSingleThreaded(t *testing.T) {
	within(t, 10*time.Second, func() {
		RunFuture(sleepSeq{ds: []time.Duration{time.Millisecond, 2 * time.Millisecond, 0, 5 * time.Millisecond},
			out: make(chan []time.Duration, 1)}, SingleThreaded())
	})
}

// Abort racing the firing of a task's timer: each task ends exactly once,
// either completed (its sleep fired first) or aborted, and no timer is
// left in the wheel.
func TestAbortRacingTimer(t *testing.T) {
	n := 2000
	if raceEnabled {
		n = 400
	}
	within(t, 30*time.Second, func() {
		Run(func() {
			tw := currentExecutor().wheel
			base := tw.live()
			var hs []*JoinHandle[int]
			for i := 0; i < n; i++ {
				hs = append(hs, SpawnFuture[sleepSeq, int](sleepSeq{
					ds: []time.Duration{time.Duration(rand.IntN(1500)) * time.Microsecond}, out: make(chan []time.Duration, 1)}))
			}
			time.Sleep(time.Millisecond)
			for _, h := range hs {
				h.Abort()
			}
			var done, aborted int
			for _, h := range hs {
				v := Await[int](h)
				switch {
				case h.Err() == ErrAborted && v == 0:
					aborted++
				case h.Err() == nil && v == 1:
					done++
				default:
					t.Fatalf("outcome: result %d, err %v", v, h.Err())
				}
			}
			t.Logf("completed %d, aborted %d", done, aborted)
			if got := tw.live(); got > base {
				t.Errorf("%d timers left in the wheel (%d before)", got, base)
			}
		}, Workers(4))
	})
}

// chaosTask runs steps of random kinds: yield, sleep, wait for a gate
// opened by an outside goroutine. It checks that Poll and Cancel never
// overlap (probe) and counts its completed steps.
type chaosTask struct {
	p     *probe
	kinds []int
	gates []*gate
	i     int
	on    bool
	y     YieldFuture
	s     SleepFuture
	g     gateFuture
}

func (f *chaosTask) Poll(cx *Context) bool {
	f.p.enter()
	defer f.p.leave()
	for f.i < len(f.kinds) {
		k := f.kinds[f.i]
		if !f.on {
			f.on = true
			switch k {
			case 0:
				f.y = YieldAsync()
			case 1:
				f.s = SleepAsync(time.Duration(rand.IntN(800)) * time.Microsecond)
			default:
				f.g = gateFuture{g: f.gates[f.i], p: &probe{}}
			}
		}
		var done bool
		switch k {
		case 0:
			done = f.y.Poll(cx)
		case 1:
			done = f.s.Poll(cx)
		default:
			done = f.g.Poll(cx)
		}
		if !done {
			return false
		}
		f.on = false
		f.i++
	}
	f.p.done.Store(true)
	return true
}
func (f *chaosTask) Result() int { return f.i }
func (f *chaosTask) Cancel() {
	f.p.enter()
	defer f.p.leave()
	f.p.cancels.Add(1)
	f.s.Cancel()
	f.p.done.Store(true)
}

// Many workers, many tasks, random wakes from outside, timers and aborts
// racing completion: every task ends exactly once (completed all its
// steps, or aborted and cancelled once), Poll and Cancel never overlap,
// and no timer is left behind.
func TestStressManyWorkers(t *testing.T) {
	tasks := 3000
	if raceEnabled {
		tasks = 400
	}
	within(t, 60*time.Second, func() {
		Run(func() {
			tw := currentExecutor().wheel
			base := tw.live()
			var all []*gate
			var hs []*JoinHandle[int]
			var ps []*probe
			for i := 0; i < tasks; i++ {
				n := 1 + rand.IntN(6)
				f := chaosTask{p: &probe{}, kinds: make([]int, n), gates: make([]*gate, n)}
				for k := range f.kinds {
					f.kinds[k] = rand.IntN(3)
					if f.kinds[k] == 2 {
						f.gates[k] = &gate{}
						all = append(all, f.gates[k])
					}
				}
				ps = append(ps, f.p)
				hs = append(hs, SpawnFuture[chaosTask, int](f))
			}
			rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			var wg sync.WaitGroup
			for k := 0; k < 4; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := k; i < len(all); i += 4 {
						if i%16 == 0 {
							time.Sleep(50 * time.Microsecond)
						}
						all[i].Open()
					}
				}()
			}
			for i, h := range hs {
				if i%7 == 0 {
					h.Abort()
				}
			}
			for i, h := range hs {
				v := Await[int](h)
				p := ps[i]
				if p.bad.Load() != 0 {
					t.Fatalf("task %d: Poll/Cancel overlapped or ran after the end", i)
				}
				switch h.Err() {
				case nil:
					if p.cancels.Load() != 0 || v == 0 {
						t.Fatalf("task %d completed (%d steps) but cancelled %d times", i, v, p.cancels.Load())
					}
				case ErrAborted:
					if p.cancels.Load() != 1 {
						t.Fatalf("task %d aborted, cancelled %d times", i, p.cancels.Load())
					}
				default:
					t.Fatalf("task %d: %v", i, h.Err())
				}
			}
			wg.Wait()
			if got := tw.live(); got > base {
				t.Errorf("%d timers left (%d before)", got, base)
			}
		}, Workers(8))
	})
}

// Tasks still queued (never polled) when the main function returns are
// cancelled exactly once by the shutdown, wherever they wait: the
// injection queue, a local queue, a LIFO slot, or the list of parked
// tasks; a task bound after the shutdown is cancelled at once.
func TestShutdownCancelsQueuedTasks(t *testing.T) {
	for round := 0; round < 20; round++ {
		var hs []*JoinHandle[int]
		var ps []*probe
		g := &gate{}
		var e *executor
		Run(func() {
			e = currentExecutor()
			for i := 0; i < 300; i++ {
				p := &probe{}
				ps = append(ps, p)
				hs = append(hs, SpawnFuture[gateFuture, int](gateFuture{g: g, p: p}))
			}
			// Some spawned from a task (LIFO slot and local queue).
			h := SpawnFuture[funcFuture, int](funcFuture{poll: func(*Context) bool {
				for i := 0; i < 300; i++ {
					SpawnFuture[funcFuture, int](funcFuture{poll: func(*Context) bool { return false }})
				}
				return true
			}})
			Await[int](h)
		}, Workers(2))
		for i, h := range hs {
			if h.Err() != ErrAborted || ps[i].cancels.Load() != 1 || ps[i].bad.Load() != 0 {
				t.Fatalf("round %d task %d: err %v, cancels %d", round, i, h.Err(), ps[i].cancels.Load())
			}
		}
		if st := e.snapshot(); st.LiveTasks != 0 {
			t.Fatalf("round %d: %d live tasks after Run", round, st.LiveTasks)
		}
		p := &probe{}
		late := newJoinTask[gateFuture, int, *gateFuture](gateFuture{g: g, p: p})
		e.bind(&late.header)
		if late.jh.Err() != ErrAborted || p.cancels.Load() != 1 {
			t.Fatalf("task bound after shutdown: err %v, cancels %d", late.jh.Err(), p.cancels.Load())
		}
	}
}
