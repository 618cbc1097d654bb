package rt

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestJoinFromTask(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			if got := Await[int](SpawnFuture[joinAll, int](joinAll{n: 1000})); got != 1000 {
				t.Errorf("sum of joined children = %d, want 1000", got)
			}
		}, Workers(2))
		var got int
		RunFuture(funcFuture{poll: func() func(*Context) bool {
			var f joinAll
			f.n = 300
			return func(cx *Context) bool {
				if !f.Poll(cx) {
					return false
				}
				got = f.Result()
				return true
			}
		}()}, SingleThreaded())
		if got != 300 {
			t.Errorf("single-threaded sum = %d, want 300", got)
		}
	})
}

func TestJoinFromGoroutines(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			mainExec := currentG().exec
			var hs []*JoinHandle[int]
			for i := 0; i < 100; i++ {
				hs = append(hs, SpawnFuture[funcFuture, int](funcFuture{res: i, poll: func(*Context) bool {
					if currentG().exec != mainExec || mainExec == nil {
						t.Error("task spawned by Run's main does not run on that runtime")
					}
					return true
				}}))
			}
			var wg sync.WaitGroup
			for i, h := range hs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if got := Await[int](h); got != i {
						t.Errorf("handle %d: %d", i, got)
					}
				}()
			}
			wg.Wait()
			for i, h := range hs { // awaiting twice is fine
				if got := Await[int](h); got != i || h.Err() != nil {
					t.Errorf("handle %d: %d, %v", i, got, h.Err())
				}
			}
		}, Workers(3))
	})
}

// Abort racing completion: the handle ends with exactly one outcome, and
// Cancel runs once, only when the outcome is "aborted", never concurrently
// with Poll.
func TestAbortRacingCompletion(t *testing.T) {
	var results, aborts int
	within(t, 60*time.Second, func() {
		Run(func() {
			for i := 0; i < 3000; i++ {
				g, p := &gate{}, &probe{}
				h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: p, v: 42})
				var wg sync.WaitGroup
				wg.Add(3)
				go func() { defer wg.Done(); g.Open() }()
				go func() { defer wg.Done(); h.Abort() }()
				go func() { defer wg.Done(); h.Abort() }()
				got := Await[int](h)
				wg.Wait()
				switch err := h.Err(); {
				case err == nil:
					results++
					if got != 42 || p.cancels.Load() != 0 {
						t.Fatalf("iteration %d: result %d with %d cancels", i, got, p.cancels.Load())
					}
				case err == ErrAborted:
					aborts++
					if got != 0 || p.cancels.Load() != 1 {
						t.Fatalf("iteration %d: aborted, result %d, %d cancels", i, got, p.cancels.Load())
					}
				default:
					t.Fatalf("iteration %d: Err() = %v", i, err)
				}
				if p.bad.Load() != 0 {
					t.Fatalf("iteration %d: Poll/Cancel overlapped or ran after completion", i)
				}
			}
		}, Workers(3))
	})
	t.Logf("%d results, %d aborts", results, aborts)
}

func TestAbortPendingAndIdempotent(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			g, p := &gate{}, &probe{}
			h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: p, v: 42})
			for p.polls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			h.Abort()
			h.Abort()
			if got := Await[int](h); got != 0 || h.Err() != ErrAborted {
				t.Errorf("after Abort: %d, %v", got, h.Err())
			}
			h.Abort()
			g.Open()
			if p.cancels.Load() != 1 || p.bad.Load() != 0 {
				t.Errorf("cancels = %d, bad = %d", p.cancels.Load(), p.bad.Load())
			}
			// Abort after completion keeps the result.
			h2 := SpawnFuture[readyFuture, int](readyFuture{v: 5})
			Await[int](h2)
			h2.Abort()
			if h2.Err() != nil || h2.Result() != 5 {
				t.Errorf("abort after completion: %v, %d", h2.Err(), h2.Result())
			}
		}, Workers(2))
	})
}

// A task that aborts itself during its poll is cancelled right after the
// poll, unless that poll completed it.
func TestAbortDuringPoll(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			for _, complete := range []bool{false, true} {
				var self atomic.Pointer[JoinHandle[int]]
				ready := make(chan struct{})
				var polls, cancels atomic.Int32
				h := SpawnFuture[funcFuture, int](funcFuture{res: 9,
					poll: func(*Context) bool {
						<-ready
						polls.Add(1)
						self.Load().Abort()
						return complete
					},
					cancel: func() { cancels.Add(1) },
				})
				self.Store(h)
				close(ready)
				got := Await[int](h)
				if complete && (got != 9 || h.Err() != nil || cancels.Load() != 0) {
					t.Errorf("completed: %d, %v, %d cancels", got, h.Err(), cancels.Load())
				}
				if !complete && (got != 0 || h.Err() != ErrAborted || cancels.Load() != 1) {
					t.Errorf("pending: %d, %v, %d cancels", got, h.Err(), cancels.Load())
				}
				if polls.Load() != 1 {
					t.Errorf("polls = %d", polls.Load())
				}
			}
		}, Workers(2))
	})
}

// A panic in a task is re-raised, wrapped with the task's stack, in the
// goroutine or task that awaits it.
func TestPanicAwaited(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			boom := func() *JoinHandle[int] {
				return SpawnFuture[funcFuture, int](funcFuture{poll: func(*Context) bool { panicInTask(); return true }})
			}
			h := boom()
			BlockOn(h)
			r := catch(func() { h.Result() })
			pe, ok := r.(*PanicError)
			if !ok || pe.Value != "task boom" || !strings.Contains(string(pe.Stack), "panicInTask") {
				t.Errorf("awaited from a goroutine: %#v", r)
			}
			if err := h.Err(); err != error(pe) {
				t.Errorf("Err() = %v", err)
			}
			// Awaited from a task: the awaiting task panics in turn.
			var child *JoinHandle[int]
			parent := SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
				if child == nil {
					child = boom()
				}
				if !child.Poll(cx) {
					return false
				}
				child.Result()
				return true
			}})
			BlockOn(parent)
			outer, ok := parent.Err().(*PanicError)
			if !ok {
				t.Fatalf("parent Err() = %v", parent.Err())
			}
			inner, ok := outer.Value.(*PanicError)
			if !ok || inner.Value != "task boom" {
				t.Errorf("parent panicked with %#v", outer.Value)
			}
		}, Workers(2))
	})
}

func panicInTask() { panic("task boom") }

// Outside any Run, spawning uses the process-wide default runtime.
func TestSpawnOutsideRun(t *testing.T) {
	within(t, 10*time.Second, func() {
		h := SpawnFuture[counterFuture, int](counterFuture{n: 10})
		if got := Await[int](h); got != 11 {
			t.Errorf("counter = %d", got)
		}
		if currentExecutor() != defaultExecutor() {
			t.Error("current runtime outside Run is not the default runtime")
		}
		done := make(chan struct{})
		GoFuture(funcFuture{poll: func(*Context) bool { close(done); return true }})
		<-done
	})
}

// Plain-function Spawn: a goroutine behind the same handle.
func TestSpawnGoroutine(t *testing.T) {
	within(t, 10*time.Second, func() {
		h := Spawn(func() int { return 7 })
		if got := Await[int](h); got != 7 || h.Err() != nil {
			t.Errorf("Spawn: %d, %v", got, h.Err())
		}
		hp := Spawn(func() int { panic("goroutine boom") })
		BlockOn(hp)
		if pe, ok := catch(func() { hp.Result() }).(*PanicError); !ok || pe.Value != "goroutine boom" {
			t.Errorf("Spawn panic: %v", hp.Err())
		}
		release := make(chan struct{})
		finished := make(chan struct{})
		ha := Spawn(func() int { <-release; close(finished); return 1 })
		ha.Abort()
		if got := Await[int](ha); got != 0 || !errors.Is(ha.Err(), ErrAborted) {
			t.Errorf("aborted Spawn: %d, %v", got, ha.Err())
		}
		close(release)
		<-finished
		if ha.Err() != ErrAborted || ha.Result() != 0 {
			t.Error("result of a detached goroutine leaked into the handle")
		}
		// Inside a task, the handle is awaited by polling.
		Run(func() {
			hs := Spawn(func() int { return 3 })
			var got int
			Await[int](SpawnFuture[funcFuture, int](funcFuture{poll: func(cx *Context) bool {
				if !hs.Poll(cx) {
					return false
				}
				got = hs.Result()
				return true
			}}))
			if got != 3 {
				t.Errorf("goroutine handle awaited by a task: %d", got)
			}
		}, Workers(2))
	})
}

type execCountWaker struct{ n atomic.Int32 }

func (c *execCountWaker) Wake() { c.n.Add(1) }

// JoinHandle.Cancel only stops waiting: the task keeps running and the
// dropped waker is not woken.
func TestJoinHandleCancelDetaches(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			g, p := &gate{}, &probe{}
			h := SpawnFuture[gateFuture, int](gateFuture{g: g, p: p, v: 4})
			cw := &execCountWaker{}
			if h.Poll(NewContext(NewWaker(cw))) {
				t.Fatal("complete before the gate opened")
			}
			h.Cancel()
			g.Open()
			for !h.Poll(NewContext(Waker{})) {
				time.Sleep(time.Millisecond)
			}
			if cw.n.Load() != 0 || h.Result() != 4 || p.cancels.Load() != 0 {
				t.Errorf("wakes of the detached waker %d, result %d, cancels %d", cw.n.Load(), h.Result(), p.cancels.Load())
			}
		}, Workers(2))
	})
}

// The join waker protocol under races: completion from one goroutine while
// the joiner re-registers different wakers and detaches at random. The
// last registered waker is always woken (or the completion seen), so no
// join hangs.
func TestJoinWakerRaces(t *testing.T) {
	n := 3000
	if raceEnabled {
		n = 500
	}
	within(t, 30*time.Second, func() {
		Run(func() {
			for i := 0; i < n; i++ {
				s := &stepper{}
				h := SpawnFuture[stepFuture, int](stepFuture{s: s, p: &probe{}, want: 1})
				a, b := newCountWaker(), newCountWaker()
				go func() {
					if i%3 == 0 {
						time.Sleep(time.Duration(i%50) * time.Microsecond)
					}
					s.grant()
				}()
				for k := 0; ; k++ {
					w := a
					if k%2 == 1 {
						w = b
					}
					if k%5 == 4 {
						h.Cancel() // detach, then poll again
					}
					if h.Poll(NewContext(NewWaker(w))) {
						break
					}
					if k < 6 {
						continue
					}
					select {
					case <-w.ch:
					case <-time.After(5 * time.Second):
						t.Fatalf("task %d: join waker never woken", i)
					}
				}
				if h.Result() != 1 {
					t.Fatalf("task %d: result %d", i, h.Result())
				}
			}
		}, Workers(2))
	})
}

// Panics are recovered once per worker loop, not per poll: a worker whose
// task panicked goes on running the others. Many tasks panic (every third,
// some after suspending), on two workers and in deterministic mode; every
// panic reaches its handle with its stack, every other task completes
// with its value, and the runtime still runs tasks afterwards.
func TestPanicsKeepWorkersRunning(t *testing.T) {
	for _, opt := range []Option{Workers(2), Deterministic(5)} {
		within(t, 10*time.Second, func() {
			Run(func() {
				const n = 300
				hs := make([]*JoinHandle[int], n)
				for i := range hs {
					polls := 0
					hs[i] = SpawnFuture[funcFuture, int](funcFuture{
						poll: func(cx *Context) bool {
							polls++
							if polls <= i%2 { // some suspend once first
								cx.Waker().Wake()
								return false
							}
							if i%3 == 0 {
								panicInTask()
							}
							return true
						},
						res: i,
					})
				}
				for i, h := range hs {
					BlockOn(h) // Await would re-raise the panic
					pe, panicked := h.Err().(*PanicError)
					switch {
					case i%3 == 0 && (!panicked || !strings.Contains(string(pe.Stack), "panicInTask")):
						t.Errorf("task %d: Err() = %v, want its panic with the stack", i, h.Err())
					case i%3 != 0 && (h.Err() != nil || h.Result() != i):
						t.Errorf("task %d: %v, %v; want %d", i, h.Result(), h.Err(), i)
					}
				}
				after := SpawnFuture[readyFuture, int](readyFuture{v: 7})
				if v := Await[int](after); v != 7 {
					t.Errorf("a task after the panics: %d", v)
				}
			}, opt)
		})
	}
}
