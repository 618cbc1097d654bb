package rt

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Pushing a deadline back leaves the wheel alone: one registration for
// any number of later moves; when the old tick comes the timer is
// re-queued, and it fires once, at the last deadline set.
func TestDeadlineMovesLater(t *testing.T) {
	clk := &virtualClock{}
	clk.set(1000 * tickNs)
	tw := newTimerWheel(clk, nil)
	var dl Deadline
	w := &recWaker{clk: clk}
	dl.set(tw, clk.now()+10*tickNs, clk.now())
	if dl.watch(NewWaker(w)) {
		t.Fatal("a deadline 10 ms away has expired")
	}
	for i := 1; i <= 5; i++ {
		clk.set(clk.now() + 4*tickNs)
		tw.advance(clk.now())
		dl.set(tw, clk.now()+10*tickNs, clk.now()) // always 10 ms ahead
	}
	if tw.registered != 1 {
		t.Fatalf("%d registrations for one deadline moved later five times, want 1", tw.registered)
	}
	last := clk.now() + 10*tickNs
	for clk.now() < last+tickNs {
		clk.set(clk.now() + tickNs)
		tw.advance(clk.now())
		if dl.Expired() != (clk.now() >= last) {
			t.Fatalf("at %d ms: Expired = %v, deadline %d ms", clk.now()/tickNs, dl.Expired(), last/tickNs)
		}
	}
	if n := w.n.Load(); n != 1 || w.firedAt != last {
		t.Fatalf("woken %d times, first at %d ms; want once at %d ms", n, w.firedAt/tickNs, last/tickNs)
	}
	if tw.live() != 0 {
		t.Fatalf("%d timers live after the deadline fired", tw.live())
	}
	// Expired stays true until Reset; a Reset re-arms the same entry.
	dl.set(tw, clk.now()+tickNs, clk.now())
	if dl.Expired() || tw.live() != 1 {
		t.Fatalf("after re-arming: Expired %v, live %d", dl.Expired(), tw.live())
	}
	dl.t.tw = tw
	dl.Stop()
	if tw.live() != 0 || dl.watch(NewWaker(w)) {
		t.Fatalf("after Stop: live %d, or the unset deadline reports expiry", tw.live())
	}
}

// The deadline against a model: random moves earlier and later, into the
// past, stops, and random clock jumps. A deadline expires exactly at the
// first advance at or after the last time it was set to, never before,
// and wakes its waiter once per expiry; a stopped one never expires.
func TestDeadlineModel(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		clk := &virtualClock{}
		clk.set(int64(rng.Uint64N(1<<40)) + tickNs)
		tw := newTimerWheel(clk, nil)
		const n = 200
		dls := make([]Deadline, n)
		ws := make([]recWaker, n)
		at := make([]int64, n) // model: the deadline set, 0 if stopped
		wakes := make([]int32, n)
		for step := 0; step < 400; step++ {
			for k := 0; k < 20; k++ {
				i := rng.IntN(n)
				switch r := rng.IntN(10); {
				case r == 0:
					dls[i].t.tw = tw
					dls[i].Stop()
					at[i] = 0
				default:
					var d int64
					switch rng.IntN(4) {
					case 0:
						d = -rng.Int64N(5 * tickNs) // already passed
					case 1:
						d = rng.Int64N(3 * tickNs)
					case 2:
						d = rng.Int64N(200 * tickNs)
					default:
						d = rng.Int64N(100000 * tickNs)
					}
					dls[i].set(tw, clk.now()+d, clk.now())
					at[i] = clk.now() + d
					if d <= 0 {
						at[i] = -1 // expired at once, without a wake
					}
				}
				ws[i] = recWaker{clk: clk}
				wakes[i] = 0
				dls[i].watch(NewWaker(&ws[i]))
			}
			clk.set(clk.now() + rng.Int64N(300*tickNs))
			now := clk.now()
			tw.advance(now)
			for i := range dls {
				exp := dls[i].Expired()
				switch {
				case at[i] == 0 && exp:
					t.Fatalf("seed %d: stopped deadline %d expired", seed, i)
				case at[i] == -1 && !exp:
					t.Fatalf("seed %d: deadline %d set in the past is not expired", seed, i)
				case at[i] > 0 && exp != (deadlineTick(at[i]) <= now/tickNs):
					t.Fatalf("seed %d step %d: deadline %d at %d, now %d: Expired = %v", seed, step, i, at[i], now, exp)
				case at[i] > 0 && exp && ws[i].n.Load() != 1:
					t.Fatalf("seed %d: deadline %d expired with %d wakes", seed, i, ws[i].n.Load())
				case !exp && ws[i].n.Load() != wakes[i]:
					t.Fatalf("seed %d: deadline %d not expired but woken", seed, i)
				}
			}
		}
		for i := range dls {
			dls[i].t.tw = tw
			dls[i].Stop()
		}
		if tw.live() != 0 {
			t.Fatalf("seed %d: %d timers live after every deadline stopped", seed, tw.live())
		}
	}
}

// Moves racing the firing on the real clock (run it with -race): a
// deadline never expires before the time it was last set to, a move
// that loses to the firing re-arms the timer, and the wheel ends empty.
func TestDeadlineMoveRacingFire(t *testing.T) {
	tw := globalDriver().wheel
	base := tw.live()
	var wg sync.WaitGroup
	var early, expired, moves atomic.Int32
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 5))
			var dl Deadline
			defer dl.Stop()
			var set int64
			for i := 0; i < 300; i++ {
				d := time.Duration(rng.IntN(2000)) * time.Microsecond
				if i%4 == 0 {
					d = 50 * time.Millisecond // outlives the sleep even on a loaded machine
				}
				now := tw.clk.now()
				dl.Reset(d)
				set = now + int64(d)
				moves.Add(1)
				time.Sleep(time.Duration(rng.IntN(1500)) * time.Microsecond)
				if dl.Expired() {
					expired.Add(1)
					if tw.clk.now() < set {
						early.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	if early.Load() != 0 {
		t.Errorf("%d of %d deadlines expired early", early.Load(), expired.Load())
	}
	if got := tw.live(); got > base {
		t.Errorf("wheel holds %d timers after every deadline stopped (base %d)", got, base)
	}
	t.Logf("%d moves, %d observed expired", moves.Load(), expired.Load())
	if expired.Load() == 0 || expired.Load() == moves.Load() {
		t.Errorf("the race was not exercised both ways")
	}
}

// WithDeadlineOf: work that completes returns its result; work still
// pending when the deadline expires is cancelled, once, and ErrTimeout
// returned; an unset deadline does not time out; an expired one times
// out at once, after giving ready work its one poll.
func TestWithDeadlineOf(t *testing.T) {
	within(t, 10*time.Second, func() { withDeadlineOf(t) })
}

func withDeadlineOf(t *testing.T) {
	var dl Deadline
	defer dl.Stop()
	dl.Reset(time.Hour)
	if v, err := WithDeadlineOf[readyFuture, int](&dl, readyFuture{v: 42}); v != 42 || err != nil {
		t.Fatalf("ready work: %v, %v", v, err)
	}
	g, p := &gate{}, &probe{}
	t0 := time.Now() // before the Reset: the deadline is 5ms after its clock read
	dl.Reset(5 * time.Millisecond)
	if v, err := WithDeadlineOf[gateFuture, int](&dl, gateFuture{g: g, p: p, v: 1}); err != ErrTimeout || v != 0 {
		t.Fatalf("pending work: %v, %v; want 0, ErrTimeout", v, err)
	}
	if e := time.Since(t0); e < 5*time.Millisecond {
		t.Fatalf("timed out after %v, before the 5ms deadline", e)
	}
	if p.cancels.Load() != 1 || p.bad.Load() != 0 {
		t.Fatalf("timed-out work cancelled %d times (bad %d), want once", p.cancels.Load(), p.bad.Load())
	}
	// Expired, and not Reset: the next wait times out at once, unless its
	// work is ready.
	if _, err := WithDeadlineOf[gateFuture, int](&dl, gateFuture{g: &gate{}, p: &probe{}}); err != ErrTimeout {
		t.Fatalf("wait on an expired deadline: %v", err)
	}
	if v, err := WithDeadlineOf[readyFuture, int](&dl, readyFuture{v: 7}); v != 7 || err != nil {
		t.Fatalf("ready work on an expired deadline: %v, %v", v, err)
	}
	// Unset: no timeout.
	dl.Stop()
	g2 := &gate{}
	time.AfterFunc(20*time.Millisecond, g2.Open)
	if v, err := WithDeadlineOf[gateFuture, int](&dl, gateFuture{g: g2, p: &probe{}, v: 3}); v != 3 || err != nil {
		t.Fatalf("wait without a deadline: %v, %v", v, err)
	}
	// The plain form.
	dl.Reset(time.Hour)
	if v, err := WithDeadline(&dl, func() int { return 9 }); v != 9 || err != nil {
		t.Fatalf("WithDeadline: %v, %v", v, err)
	}
	release := make(chan struct{})
	dl.Reset(2 * time.Millisecond)
	if _, err := WithDeadline(&dl, func() int { <-release; return 1 }); err != ErrTimeout {
		t.Fatalf("WithDeadline on blocked work: %v", err)
	}
	close(release)
}

// A task reusing one deadline across many waits, as a connection does:
// one timer registration in all, the waits wake on their work (no lost
// wake-up), and the deadline fires on the virtual clock exactly when it
// was last pushed to.
func TestDeadlineAcrossWaits(t *testing.T) {
	Run(func() {
		var dl Deadline
		defer dl.Stop()
		before := Stats().TimersRegistered
		const waits = 200
		for i := 0; i < waits; i++ {
			dl.Reset(time.Minute)
			g := &gate{}
			h := SpawnFuture[sleepOpen, struct{}](sleepOpen{s: SleepAsync(time.Second), g: g})
			if v, err := WithDeadlineOf[gateFuture, int](&dl, gateFuture{g: g, p: &probe{}, v: i}); v != i || err != nil {
				t.Fatalf("wait %d: %v, %v", i, v, err)
			}
			Await[struct{}](h)
		}
		// Each wait's helper sleep registered a timer; the deadline one.
		if got := Stats().TimersRegistered - before; got != waits+1 {
			t.Errorf("%d timer registrations for %d waits with sleeps, want %d", got, waits, waits+1)
		}
		start := Now()
		dl.Reset(time.Minute)
		if _, err := WithDeadlineOf[gateFuture, int](&dl, gateFuture{g: &gate{}, p: &probe{}}); err != ErrTimeout {
			t.Fatalf("pending wait: %v", err)
		}
		if d := Now().Sub(start); d != time.Minute {
			t.Errorf("deadline fired after %v of virtual time, want 1m", d)
		}
	}, Deterministic(3))
}

// sleepOpen sleeps, then opens its gate.
type sleepOpen struct {
	s SleepFuture
	g *gate
}

func (f *sleepOpen) Poll(cx *Context) bool {
	if !f.s.Poll(cx) {
		return false
	}
	f.g.Open()
	return true
}
func (f *sleepOpen) Result() struct{} { return struct{}{} }
func (f *sleepOpen) Cancel()          { f.s.Cancel() }

// Cancelling a task in the middle of a bounded wait cancels the work, and
// the deadline's deferred Stop leaves the wheel as it was.
func TestDeadlineWaitCancelled(t *testing.T) {
	base := globalDriver().wheel.live()
	p := &probe{}
	Run(func() {
		h := SpawnFuture[deadlineWait, error](deadlineWait{g: &gate{}, p: p})
		Sleep(5 * time.Millisecond)
		h.Abort()
		if Await[error](h); h.Err() != ErrAborted {
			t.Errorf("aborted task: Err() = %v", h.Err())
		}
	}, Workers(2))
	if p.cancels.Load() != 1 || p.bad.Load() != 0 {
		t.Errorf("the bounded work was cancelled %d times (bad %d), want once", p.cancels.Load(), p.bad.Load())
	}
	if got := globalDriver().wheel.live(); got > base {
		t.Errorf("%d timers live after the task was cancelled (base %d)", got, base)
	}
}

// deadlineWait waits for a gate within an hour-long deadline, and stops
// the deadline when it ends or is cancelled (what a deferred Stop does in
// async code).
type deadlineWait struct {
	dl      Deadline
	started bool
	w       WithDeadlineOfFuture[gateFuture, int, *gateFuture]
	g       *gate
	p       *probe
}

func (f *deadlineWait) Poll(cx *Context) bool {
	if !f.started {
		f.started = true
		f.dl.Reset(time.Hour)
		f.w = WithDeadlineOfAsync[gateFuture, int](&f.dl, gateFuture{g: f.g, p: f.p})
	}
	if !f.w.Poll(cx) {
		return false
	}
	f.dl.Stop()
	return true
}
func (f *deadlineWait) Result() error {
	_, err := f.w.Result()
	return err
}
func (f *deadlineWait) Cancel() {
	f.w.Cancel()
	f.dl.Stop()
}
