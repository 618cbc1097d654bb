package rt

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many tasks on many workers, woken at random (and often twice at once) by
// other goroutines: every task completes, exactly once, never polled
// concurrently or after completion.
func TestManyTasksRandomWakes(t *testing.T) {
	const tasks, steps, wakers = 500, 20, 4
	within(t, 30*time.Second, func() {
		Run(func() {
			steppers := make([]*stepper, tasks)
			probes := make([]*probe, tasks)
			hs := make([]*JoinHandle[int], tasks)
			for i := range hs {
				steppers[i], probes[i] = &stepper{}, &probe{}
				hs[i] = SpawnFuture[stepFuture, int](stepFuture{s: steppers[i], p: probes[i], want: steps})
			}
			var wg sync.WaitGroup
			for k := 0; k < wakers; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(k), 7))
					for _, i := range r.Perm(tasks * steps / wakers) {
						s := steppers[i%tasks]
						s.grant()
						if r.IntN(3) == 0 {
							s.mu.Lock()
							w := s.waker
							s.mu.Unlock()
							w.Wake() // a spurious second wake
						}
					}
				}()
			}
			wg.Wait()
			for i, h := range hs {
				if got := Await[int](h); got < steps {
					t.Errorf("task %d: completed with %d permits, want >= %d", i, got, steps)
				}
				if probes[i].bad.Load() != 0 {
					t.Errorf("task %d: polled concurrently or after completion", i)
				}
			}
		}, Workers(4))
	})
}

// A wake that arrives while the task is being polled causes exactly one
// more poll.
func TestWakeDuringPoll(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			var polls atomic.Int32
			second := make(chan struct{})
			var saved Waker
			var mu sync.Mutex
			finish := atomic.Bool{}
			h := SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
				switch polls.Add(1) {
				case 1:
					// Wake from another goroutine, twice, and wait for it:
					// the task is running meanwhile.
					done := make(chan struct{})
					go func() {
						cx.Waker().Wake()
						cx.Waker().Wake()
						close(done)
					}()
					<-done
					return false
				case 2:
					mu.Lock()
					saved = cx.Waker()
					mu.Unlock()
					close(second)
					return false
				default:
					return finish.Load()
				}
			}})
			<-second
			time.Sleep(20 * time.Millisecond) // absence check: no third poll
			if n := polls.Load(); n != 2 {
				t.Errorf("polls after a wake during poll = %d, want 2", n)
			}
			finish.Store(true)
			mu.Lock()
			saved.Wake()
			mu.Unlock()
			Await[int](h)
			if n := polls.Load(); n != 3 {
				t.Errorf("polls = %d, want 3", n)
			}
		}, Workers(2))
	})
}

// A future that wakes itself before returning Pending (the waker fired
// before the executor saw the registration) is polled again.
func TestWakeBeforeRegistration(t *testing.T) {
	for _, opt := range []Option{Workers(1), Workers(3), SingleThreaded()} {
		within(t, 10*time.Second, func() {
			var got int
			RunFuture(counterFuture{n: 1000}, opt)
			Run(func() {
				got = Await[int](SpawnFuture[counterFuture, int](counterFuture{n: 1000}))
			}, opt)
			if got != 1001 {
				t.Errorf("counter = %d, want 1001", got)
			}
		})
	}
}

// Two wakes of an idle task, from two goroutines at once, queue it once
// and cause one poll. (A task queued twice would trip the executor's
// internal check in startRun.)
func TestDoubleWake(t *testing.T) {
	within(t, 20*time.Second, func() {
		Run(func() {
			for i := 0; i < 100; i++ {
				g, p := &gate{}, &probe{}
				h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: p, v: 1})
				waitParked(g, 1)
				// Occupy the only worker while the wakes arrive.
				started, release := make(chan struct{}), make(chan struct{})
				blocker := SpawnFuture[funcFuture, int](funcFuture{poll: func(*Context) bool {
					close(started)
					<-release
					return true
				}})
				<-started
				g.mu.Lock()
				w := g.wakers[0]
				g.mu.Unlock()
				var wg sync.WaitGroup
				for k := 0; k < 2; k++ {
					wg.Add(1)
					go func() { defer wg.Done(); w.Wake() }()
				}
				wg.Wait()
				close(release)
				Await[int](blocker)
				// FIFO: a task spawned now runs after the woken one.
				Await[int](SpawnFuture[readyFuture, int](readyFuture{}))
				if n := p.polls.Load(); n != 2 {
					t.Fatalf("polls after a double wake = %d, want 2", n)
				}
				g.Open()
				Await[int](h)
				if n := p.polls.Load(); n != 3 || p.bad.Load() != 0 {
					t.Fatalf("polls = %d (want 3), bad = %d", n, p.bad.Load())
				}
			}
		}, Workers(1))
	})
}

// waitParked waits until n wakers are registered on g.
func waitParked(g *gate, n int) {
	for {
		g.mu.Lock()
		k := len(g.wakers)
		g.mu.Unlock()
		if k >= n {
			return
		}
		runtime.Gosched()
	}
}

// Yield lets the other runnable tasks go first: two yielding tasks on one
// worker interleave.
func TestYieldFairness(t *testing.T) {
	for name, opt := range map[string]Option{"workers1": Workers(1), "single": SingleThreaded()} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var log []byte
			loop := func(name byte) funcFuture {
				i := 0
				var y YieldFuture
				return funcFuture{poll: func(cx *Context) bool {
					for i < 50 {
						if !y.Poll(cx) {
							return false
						}
						y = YieldFuture{}
						mu.Lock()
						log = append(log, name)
						mu.Unlock()
						i++
					}
					return true
				}}
			}
			within(t, 10*time.Second, func() {
				var a, b *JoinHandle[int]
				main := funcFuture{poll: func(cx *Context) bool {
					if a == nil {
						a = SpawnFuture[funcFuture, int](loop('a'))
						b = SpawnFuture[funcFuture, int](loop('b'))
					}
					return a.Poll(cx) && b.Poll(cx)
				}}
				RunFuture(main, opt)
			})
			run, longest := 1, 1
			for i := 1; i < len(log); i++ {
				if log[i] == log[i-1] {
					run++
					longest = max(longest, run)
				} else {
					run = 1
				}
			}
			if len(log) != 100 || longest > 2 {
				t.Errorf("yield order %s: longest run %d, want interleaving", log, longest)
			}
		})
	}
}

// In single-threaded mode every task is polled on the goroutine that
// called RunFuture (or Run).
func TestSingleThreaded(t *testing.T) {
	within(t, 10*time.Second, func() {
		me := getg()
		var other atomic.Int32
		check := func() {
			if getg() != me {
				other.Add(1)
			}
		}
		spawnCheck := func() *JoinHandle[int] {
			k := 0
			return SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
				check()
				if k++; k < 3 {
					cx.Waker().Wake()
					return false
				}
				return true
			}})
		}
		var hs []*JoinHandle[int]
		RunFuture(funcFuture{poll: func(cx *Context) bool {
			check()
			if hs == nil {
				for i := 0; i < 20; i++ {
					hs = append(hs, spawnCheck())
				}
			}
			for _, h := range hs {
				if !h.Poll(cx) {
					return false
				}
			}
			return true
		}}, SingleThreaded())
		Run(func() {
			if getg() == me {
				t.Error("Run's main function runs on the calling goroutine in single-threaded mode")
			}
			for i := 0; i < 20; i++ {
				Await[int](spawnCheck())
			}
		}, SingleThreaded())
		if n := other.Load(); n != 0 {
			t.Errorf("%d polls on another goroutine", n)
		}
	})
}

// BlockOn on a worker panics with a message naming the async function.
func TestBlockOnWorkerPanics(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			if onWorker() {
				t.Error("Run's main goroutine reported as a worker")
			}
			var msg any
			h := SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
				if !onWorker() {
					t.Error("onWorker() false inside a task")
				}
				msg = catch(func() { Yield() })
				return true
			}})
			Await[int](h)
			s, _ := msg.(string)
			if !strings.Contains(s, "blocking call to async rt.Yield on a runtime worker") {
				t.Errorf("BlockOn on a worker: panic %v", msg)
			}
		}, Workers(2))
		if onWorker() {
			t.Error("onWorker() true outside any runtime")
		}
	})
}

// After Run returns, every worker goroutine has exited, and tasks left
// pending were cancelled exactly once.
func TestNoGoroutineLeakAfterRun(t *testing.T) {
	base := runtime.NumGoroutine()
	g := &gate{}
	probes := make([]*probe, 100)
	var hs []*JoinHandle[int]
	within(t, 10*time.Second, func() {
		Run(func() {
			for i := range probes {
				probes[i] = &probe{}
				hs = append(hs, SpawnFuture[gateFuture, int](gateFuture{g: g, p: probes[i]}))
			}
			GoFuture(gateFuture{g: g, p: &probe{}})
			Yield()
		}, Workers(4))
	})
	for i, p := range probes {
		if p.cancels.Load() != 1 || p.bad.Load() != 0 {
			t.Errorf("task %d: cancels = %d, bad = %d", i, p.cancels.Load(), p.bad.Load())
		}
		if hs[i].Err() != ErrAborted {
			t.Errorf("task %d: Err() = %v after shutdown, want ErrAborted", i, hs[i].Err())
		}
	}
	var n int
	for try := 0; try < 200; try++ {
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("goroutines: %d after Run, %d before\n%s", n, base, buf[:runtime.Stack(buf, true)])
}

// A panic in the main task comes out of RunFuture; a panic in Run's main
// function comes out of Run.
func TestPanicInMain(t *testing.T) {
	within(t, 10*time.Second, func() {
		r := catch(func() {
			RunFuture(funcFuture{poll: func(*Context) bool { panic("main boom") }}, Workers(2))
		})
		pe, ok := r.(*PanicError)
		if !ok || pe.Value != "main boom" || !strings.Contains(string(pe.Stack), "TestPanicInMain") {
			t.Errorf("RunFuture panicked with %#v", r)
		}
		r = catch(func() {
			RunFuture(funcFuture{poll: func(*Context) bool { panic("main boom") }}, SingleThreaded())
		})
		if pe, ok := r.(*PanicError); !ok || pe.Value != "main boom" {
			t.Errorf("RunFuture single-threaded panicked with %#v", r)
		}
		r = catch(func() { Run(func() { panic("plain boom") }, Workers(2)) })
		if r != "plain boom" {
			t.Errorf("Run panicked with %#v", r)
		}
		r = catch(func() { Run(func() { panic("plain boom") }, SingleThreaded()) })
		if pe, ok := r.(*PanicError); !ok || pe.Value != "plain boom" {
			t.Errorf("Run single-threaded panicked with %#v", r)
		}
	})
}

// A panic in a detached task crashes the process (checked in a child
// process).
func TestDetachedPanicCrashes(t *testing.T) {
	if mode := os.Getenv("RT_TEST_CRASH"); mode != "" {
		opt := Workers(2)
		if mode == "single" {
			opt = SingleThreaded()
		}
		Run(func() {
			GoFuture(funcFuture{poll: func(*Context) bool { panic("detached boom") }})
			time.Sleep(20 * time.Second)
		}, opt)
		return
	}
	for _, mode := range []string{"multi", "single"} {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDetachedPanicCrashes$")
		cmd.Env = append(os.Environ(), "RT_TEST_CRASH="+mode)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "detached boom") {
			t.Errorf("%s: child exited with %v, output:\n%s", mode, err, out)
		}
		// The report names the task's future and the panic's position.
		if !strings.Contains(string(out), "in task rt.funcFuture at ") ||
			!strings.Contains(string(out), "executor_test.go:") {
			t.Errorf("%s: crash report lacks the task or its position:\n%s", mode, out)
		}
	}
}

// A Run nested in Run's main function has its own runtime; afterwards the
// main function spawns into the outer one again.
func TestNestedRun(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			outer := currentExecutor()
			for _, opt := range []Option{Workers(2), SingleThreaded()} {
				Run(func() {
					if currentExecutor() == outer {
						t.Error("nested Run spawns into the outer runtime")
					}
					Await[int](SpawnFuture[counterFuture, int](counterFuture{n: 5}))
				}, opt)
				if currentExecutor() != outer {
					t.Error("after a nested Run, spawns do not go to the outer runtime")
				}
			}
			Await[int](SpawnFuture[counterFuture, int](counterFuture{n: 5}))
		}, Workers(2))
	})
}

// ringShared is a token passed around a ring of tasks.
type ringShared struct {
	mu     sync.Mutex
	holder int
	wakers []Waker
}

// ringFuture holds the token rounds times, passing it on each time.
type ringFuture struct {
	s               *ringShared
	p               *probe
	me, rounds, got int
}

func (f *ringFuture) Poll(cx *Context) bool {
	f.p.enter()
	defer f.p.leave()
	for {
		f.s.mu.Lock()
		if f.s.holder != f.me {
			f.s.wakers[f.me] = cx.Waker()
			f.s.mu.Unlock()
			return false
		}
		f.got++
		next := (f.me + 1) % len(f.s.wakers)
		f.s.holder = next
		w := f.s.wakers[next]
		f.s.mu.Unlock()
		w.Wake()
		if f.got == f.rounds {
			f.p.done.Store(true)
			return true
		}
	}
}
func (f *ringFuture) Result() int { return f.got }
func (f *ringFuture) Cancel()     {}

// Task-to-task wakes (the LIFO path) around a ring, with spurious wakes
// from another goroutine mixed in.
func TestTaskToTaskWakes(t *testing.T) {
	const n, rounds = 64, 200
	for _, opt := range []Option{Workers(4), Workers(2), SingleThreaded()} {
		within(t, 30*time.Second, func() {
			Run(func() {
				s := &ringShared{wakers: make([]Waker, n)}
				probes := make([]*probe, n)
				hs := make([]*JoinHandle[int], n)
				for i := range hs {
					probes[i] = &probe{}
					hs[i] = SpawnFuture[ringFuture, int](ringFuture{s: s, p: probes[i], me: i, rounds: rounds})
				}
				stop := make(chan struct{})
				noise := make(chan struct{})
				go func() {
					defer close(noise)
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						s.mu.Lock()
						w := s.wakers[i%n]
						s.mu.Unlock()
						w.Wake()
					}
				}()
				for i, h := range hs {
					if got := Await[int](h); got != rounds || probes[i].bad.Load() != 0 {
						t.Errorf("task %d: %d rounds, bad %d", i, got, probes[i].bad.Load())
					}
				}
				close(stop)
				<-noise
			}, opt)
		})
	}
}

// waitAllIdle waits until every worker of e is parked.
func waitAllIdle(e *executor) {
	for e.numIdle.Load() != int32(len(e.workers)) {
		time.Sleep(time.Millisecond)
	}
}

// Idle workers park (no spinning), and one wake from outside unparks one
// worker, not all of them.
func TestIdleWorkersParkAndWakeOne(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			e := currentExecutor()
			waitIdle := func() { waitAllIdle(e) }
			Await[int](SpawnFuture[joinAll, int](joinAll{n: 100}))
			waitIdle()
			for i := 0; i < 20; i++ {
				g, p := &gate{}, &probe{}
				h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: p})
				waitParked(g, 1)
				waitIdle()
				before := e.unparks.Load()
				g.Open()
				Await[int](h)
				waitIdle()
				if n := e.unparks.Load() - before; n != 1 {
					t.Fatalf("one wake unparked %d workers", n)
				}
			}
		}, Workers(4))
	})
}

// A task whose operations all complete at once is preempted after the
// cooperative budget: Proceed fails, the task is rescheduled behind the
// other runnable task, and continues after it.
func TestCooperativeBudget(t *testing.T) {
	var order []string
	Run(func() {
		n := 0
		h := SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
			if n == 0 { // spawned from the task: runnable on this worker
				GoFuture(funcFuture{poll: func(*Context) bool { order = append(order, "other"); return true }})
			}
			for cx.Proceed() {
				n++
			}
			order = append(order, "hog")
			return n >= 3*coopBudget
		}})
		Await[int](h)
	}, SingleThreaded())
	if got := strings.Join(order, ","); got != "hog,other,hog,hog" {
		t.Fatalf("order %s: want the hog preempted after each %d operations, the other task in between", got, coopBudget)
	}
	if f := NewContext(Waker{}); !f.Proceed() {
		t.Fatal("Proceed without a budget returned false")
	}
}

// timerTask sleeps until at, then busy-polls for spin, recording when it
// started and ended running (ns since the test's epoch).
type timerTask struct {
	at         time.Time
	spin       time.Duration
	epoch      time.Time
	sleep      SleepUntilFuture
	armed      bool
	start, end *atomic.Int64
	parked     *atomic.Int32 // counts tasks waiting for their timer; may be nil
}

func (f *timerTask) Poll(cx *Context) bool {
	if !f.armed {
		f.armed = true
		f.sleep = SleepUntilAsync(f.at)
		if !f.sleep.Poll(cx) {
			if f.parked != nil {
				f.parked.Add(1)
			}
			return false
		}
	} else if !f.sleep.Poll(cx) {
		return false
	}
	f.start.Store(int64(time.Since(f.epoch)))
	for t0 := time.Now(); time.Since(t0) < f.spin; {
	}
	f.end.Store(int64(time.Since(f.epoch)))
	return true
}
func (f *timerTask) Result() int { return 0 }
func (f *timerTask) Cancel()     { f.sleep.Cancel() }

// Two tasks woken by the same driver turn, the first of which polls for a
// long time: the worker that ran the turn defers waking a helper (see
// "Waking helpers" in executor.go), but the second task must not wait for
// the whole of the first one's poll while another worker is idle: the
// fallback poller's watch unparks a helper, which steals it.
func TestLongPollAfterTurnGetsHelp(t *testing.T) {
	const spin = 300 * time.Millisecond
	within(t, 30*time.Second, func() {
		Run(func() {
			epoch := time.Now()
			at := epoch.Add(30 * time.Millisecond)
			var s1, e1, s2, e2 atomic.Int64
			h1 := SpawnFuture[timerTask, int](timerTask{at: at, spin: spin, epoch: epoch, start: &s1, end: &e1})
			h2 := SpawnFuture[timerTask, int](timerTask{at: at, spin: spin, epoch: epoch, start: &s2, end: &e2})
			Await[int](h1)
			Await[int](h2)
			// Whichever ran first, the other must have started while it
			// was still running.
			first, firstEnd, second := s1.Load(), e1.Load(), s2.Load()
			if s2.Load() < first {
				first, firstEnd, second = s2.Load(), e2.Load(), s1.Load()
			}
			if second >= firstEnd {
				t.Errorf("the second task started at %v, after the first one's %v poll ended (%v): no helper came",
					time.Duration(second), spin, time.Duration(firstEnd))
			}
		}, Workers(2))
	})
}

// A few short tasks that one driver turn wakes are run by the worker that
// ran the turn: no helper is unparked for them (most of the time; a
// preempted thread can let helpDelay pass, hence the majority rule).
func TestShortTasksAfterTurnNeedNoHelper(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector slows polls past helpDelay")
	}
	within(t, 30*time.Second, func() {
		Run(func() {
			e := currentExecutor()
			waitIdle := func() { waitAllIdle(e) }
			const rounds = 20
			helped := 0
			for range rounds {
				epoch := time.Now()
				at := epoch.Add(5 * time.Millisecond)
				var s, en atomic.Int64
				var parked atomic.Int32
				h1 := SpawnFuture[timerTask, int](timerTask{at: at, epoch: epoch, start: &s, end: &en, parked: &parked})
				h2 := SpawnFuture[timerTask, int](timerTask{at: at, epoch: epoch, start: &s, end: &en, parked: &parked})
				for parked.Load() < 2 {
					time.Sleep(100 * time.Microsecond)
				}
				waitIdle()
				before := e.unparks.Load()
				Await[int](h1)
				Await[int](h2)
				waitIdle()
				if e.unparks.Load() != before {
					helped++
				}
			}
			if helped > rounds/2 {
				t.Errorf("%d of %d turns that woke two short tasks unparked a helper", helped, rounds)
			}
		}, Workers(2))
	})
}
