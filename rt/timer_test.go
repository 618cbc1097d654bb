package rt

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// recWaker records when (on a virtual clock) and how often it was woken.
type recWaker struct {
	clk     *virtualClock
	n       atomic.Int32
	firedAt int64
}

func (r *recWaker) Wake() {
	if r.n.Add(1) == 1 && r.clk != nil {
		r.firedAt = r.clk.now()
	}
}

// The wheel against a model: random deadlines from 1 ms to beyond the
// wheel's range, random cancels, random clock jumps. Every live timer
// fires exactly once, never before its deadline and at the first advance
// at or after it; cancelled timers never fire.
func TestTimerWheelModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		clk := &virtualClock{}
		clk.set(int64(rng.Uint64N(1 << 50)))
		tw := newTimerWheel(clk, nil)
		const n = 2000
		es := make([]timerEntry, n)
		ws := make([]recWaker, n)
		dl := make([]int64, n)
		cancelled := make([]bool, n)
		for i := range es {
			ws[i].clk = clk
			var d int64
			switch rng.IntN(4) {
			case 0:
				d = rng.Int64N(64 * tickNs)
			case 1:
				d = rng.Int64N(5000 * tickNs)
			case 2:
				d = rng.Int64N(1 << 40)
			default:
				d = rng.Int64N(int64(wheelMax) * tickNs * 3) // beyond the top level
			}
			d++
			dl[i] = clk.now() + d
			if !tw.register(&es[i], dl[i], clk.now(), NewWaker(&ws[i])) {
				t.Fatalf("seed %d: timer %d due in %d ns reported as past", seed, i, d)
			}
		}
		for i := range es {
			if rng.IntN(2) == 0 {
				tw.cancel(&es[i])
				tw.cancel(&es[i]) // idempotent
				cancelled[i] = true
			}
		}
		order := make([]int64, 0, n)
		for i := range dl {
			if !cancelled[i] {
				order = append(order, dl[i])
			}
		}
		sort.Slice(order, func(a, b int) bool { return order[a] < order[b] })
		// Advance: sometimes exactly to a deadline, sometimes by random jumps.
		for tw.live() > 0 {
			next, ok := tw.nextDeadline()
			if !ok {
				t.Fatalf("seed %d: %d live timers but no next deadline", seed, tw.live())
			}
			if next < clk.now() {
				t.Fatalf("seed %d: next deadline %d before now %d", seed, next, clk.now())
			}
			switch rng.IntN(3) {
			case 0:
				clk.set(next)
			case 1:
				clk.set(next + rng.Int64N(10*tickNs))
			default:
				clk.set(clk.now() + rng.Int64N(next-clk.now()+1))
			}
			before := clk.now()
			tw.advance(clk.now())
			for i := range ws {
				if ws[i].n.Load() == 1 && ws[i].firedAt == before && dl[i] > before {
					t.Fatalf("seed %d: timer %d fired at %d, before its deadline %d", seed, i, before, dl[i])
				}
			}
			// Every timer due by now has fired.
			for i := range ws {
				if !cancelled[i] && dl[i] <= before-tickNs && ws[i].n.Load() == 0 {
					t.Fatalf("seed %d: timer %d due at %d not fired at %d", seed, i, dl[i], before)
				}
			}
		}
		for i := range ws {
			got := ws[i].n.Load()
			switch {
			case cancelled[i] && got != 0:
				t.Fatalf("seed %d: cancelled timer %d fired", seed, i)
			case !cancelled[i] && got != 1:
				t.Fatalf("seed %d: timer %d fired %d times", seed, i, got)
			case !cancelled[i] && ws[i].firedAt < dl[i]:
				t.Fatalf("seed %d: timer %d fired at %d < deadline %d", seed, i, ws[i].firedAt, dl[i])
			}
		}
	}
}

// One million live timers: insert, cancel half, fire the rest. Insert
// and cancel are O(1): the whole test takes well under a second.
func TestTimerWheelMillion(t *testing.T) {
	n := 1_000_000
	if raceEnabled {
		n = 200_000
	}
	clk := &virtualClock{}
	tw := newTimerWheel(clk, nil)
	es := make([]timerEntry, n)
	ws := make([]recWaker, n)
	rng := rand.New(rand.NewPCG(1, 2))
	dl := make([]int64, n)
	start := time.Now()
	for i := range es {
		ws[i].clk = clk
		dl[i] = 1 + rng.Int64N(int64(time.Hour))
		tw.register(&es[i], dl[i], clk.now(), NewWaker(&ws[i]))
	}
	if got := tw.live(); got != n {
		t.Fatalf("live = %d, want %d", got, n)
	}
	insert := time.Since(start)
	start = time.Now()
	for i := 0; i < n; i += 2 {
		tw.cancel(&es[i])
	}
	cancel := time.Since(start)
	if got := tw.live(); got != n/2 {
		t.Fatalf("live after cancelling half = %d, want %d", got, n/2)
	}
	start = time.Now()
	fired := 0
	for step := 0; tw.live() > 0; step++ {
		next, _ := tw.nextDeadline()
		clk.set(next + rng.Int64N(int64(time.Second)))
		fired += tw.advance(clk.now())
	}
	fire := time.Since(start)
	if fired != n/2 {
		t.Fatalf("fired %d, want %d", fired, n/2)
	}
	for i := range ws {
		want := int32(i % 2)
		if ws[i].n.Load() != want {
			t.Fatalf("timer %d woken %d times, want %d", i, ws[i].n.Load(), want)
		}
		if want == 1 && ws[i].firedAt < dl[i] {
			t.Fatalf("timer %d fired early", i)
		}
	}
	t.Logf("%d timers: insert %v (%v/op), cancel half %v, fire half %v",
		n, insert, insert/time.Duration(n), cancel, fire)
}

// Sleep never returns early and, on an idle machine, is at most a few ms
// late: from a plain goroutine (the fallback poller drives the timers)
// and from tasks (idle workers drive them).
func TestSleepAccuracy(t *testing.T) {
	check := func(t *testing.T, name string, sleep func(time.Duration)) {
		var lates []time.Duration
		for _, d := range []time.Duration{time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond} {
			for k := 0; k < 5; k++ {
				start := time.Now()
				sleep(d)
				got := time.Since(start)
				if got < d {
					t.Errorf("%s: Sleep(%v) returned after %v: early", name, d, got)
				}
				lates = append(lates, got-d)
			}
		}
		sort.Slice(lates, func(i, j int) bool { return lates[i] < lates[j] })
		med := lates[len(lates)/2]
		t.Logf("%s: lateness median %v, max %v", name, med, lates[len(lates)-1])
		// Generous: the machine is shared. The design bound is ~2 ms.
		if med > 15*time.Millisecond {
			t.Errorf("%s: median lateness %v", name, med)
		}
	}
	check(t, "goroutine", Sleep)
	Run(func() {
		ch := make(chan []time.Duration, 1)
		h := SpawnFuture[sleepSeq, int](sleepSeq{ds: []time.Duration{
			time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond,
			time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond,
		}, out: ch})
		Await[int](h)
		var lates []time.Duration
		for i, got := range <-ch {
			d := (*joinTask[sleepSeq, int, *sleepSeq])(unsafe.Pointer(h.hdr())).fut.ds[i]
			if got < d {
				t.Errorf("task: Sleep(%v) returned after %v: early", d, got)
			}
			lates = append(lates, got-d)
		}
		sort.Slice(lates, func(i, j int) bool { return lates[i] < lates[j] })
		t.Logf("task: lateness median %v, max %v", lates[len(lates)/2], lates[len(lates)-1])
		if lates[len(lates)/2] > 15*time.Millisecond {
			t.Errorf("task: median lateness %v", lates[len(lates)/2])
		}
	}, Workers(2))
}

// sleepSeq sleeps each duration in turn (as a task) and reports how long
// each sleep really took.
type sleepSeq struct {
	ds    []time.Duration
	i     int
	start time.Time
	got   []time.Duration
	cur   SleepFuture
	out   chan []time.Duration
}

func (f *sleepSeq) Poll(cx *Context) bool {
	for f.i < len(f.ds) {
		if f.start.IsZero() {
			f.start = time.Now()
			f.cur = SleepAsync(f.ds[f.i])
		}
		if !f.cur.Poll(cx) {
			return false
		}
		f.got = append(f.got, time.Since(f.start))
		f.start = time.Time{}
		f.i++
	}
	f.out <- f.got
	return true
}
func (f *sleepSeq) Result() int { return len(f.got) }
func (f *sleepSeq) Cancel()     { f.cur.Cancel() }

// Cancel racing the firing of the timer: the waker is called at most
// once, a cancelled-before-firing timer never wakes, and the wheel ends
// empty.
func TestTimerCancelRacingFire(t *testing.T) {
	tw := globalDriver().wheel
	base := tw.live()
	var wg sync.WaitGroup
	var fired, cancelledFirst atomic.Int32
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for i := 0; i < 200; i++ {
				w := &recWaker{}
				cx := NewContext(NewWaker(w))
				f := SleepAsync(time.Duration(rng.IntN(1500)) * time.Microsecond)
				done := f.Poll(cx)
				time.Sleep(time.Duration(rng.IntN(1500)) * time.Microsecond)
				f.Cancel()
				state := atomic.LoadUint32(&f.t.entry.state)
				time.Sleep(3 * time.Millisecond) // a wake after Cancel would land here
				n := w.n.Load()
				switch {
				case n > 1:
					t.Errorf("woken %d times", n)
				case state == timerIdle && n != 0:
					t.Errorf("cancelled before firing, yet woken")
				case state == timerFired && !done && n != 1:
					t.Errorf("fired but woken %d times", n)
				}
				if state == timerFired {
					fired.Add(1)
				} else {
					cancelledFirst.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := tw.live(); got > base {
		t.Errorf("wheel holds %d timers after all were cancelled or fired (base %d)", got, base)
	}
	t.Logf("fired first: %d, cancelled first: %d", fired.Load(), cancelledFirst.Load())
	if fired.Load() == 0 || cancelledFirst.Load() == 0 {
		t.Errorf("the race was not exercised both ways")
	}
}

// TimeoutOf cancels the timed-out future (its Cancel runs, once) and
// returns ErrTimeout; a future that completes in time returns its result.
func TestTimeoutOf(t *testing.T) {
	g := &gate{}
	p := &probe{}
	v, err := TimeoutOf[gateFuture, int](5*time.Millisecond, gateFuture{g: g, p: p, v: 1})
	if err != ErrTimeout || v != 0 {
		t.Fatalf("TimeoutOf on a pending future = %v, %v; want 0, ErrTimeout", v, err)
	}
	if p.cancels.Load() != 1 {
		t.Fatalf("timed-out future cancelled %d times, want 1", p.cancels.Load())
	}
	v, err = TimeoutOf[readyFuture, int](time.Hour, readyFuture{v: 42})
	if v != 42 || err != nil {
		t.Fatalf("TimeoutOf on a ready future = %v, %v", v, err)
	}
	if live := globalDriver().wheel.live(); live != 0 && !testing.Short() {
		t.Logf("note: %d timers live (other tests)", live)
	}
	// In a task, with a sleeping child: the child's timer is released.
	Run(func() {
		h := SpawnFuture[timeoutSleep, error](timeoutSleep{
			TimeoutOfAsync[sleepUnit, struct{}](2*time.Millisecond, sleepUnit(SleepAsync(time.Hour)))})
		if err := Await[error](h); err != ErrTimeout {
			t.Errorf("Timeout of an hour-long sleep: err = %v", err)
		}
		tf := (*joinTask[timeoutSleep, error, *timeoutSleep])(unsafe.Pointer(h.hdr()))
		if st := atomic.LoadUint32(&tf.fut.f.fut.t.entry.state); st != timerIdle {
			t.Errorf("timed-out sleep's timer in state %d, want released", st)
		}
	}, Workers(2))
	// TimeoutAt with a deadline in the past times out at once.
	if _, err := TimeoutAtOf[gateFuture, int](Now().Add(-time.Second), gateFuture{g: g, p: &probe{}}); err != ErrTimeout {
		t.Errorf("TimeoutAtOf in the past: %v", err)
	}
}

// timeoutSleep adapts TimeoutOfFuture (two results) to a Future[error].
type timeoutSleep struct {
	f TimeoutOfFuture[sleepUnit, struct{}, *sleepUnit]
}

func (s *timeoutSleep) Poll(cx *Context) bool { return s.f.Poll(cx) }
func (s *timeoutSleep) Result() error {
	_, err := s.f.Result()
	return err
}
func (s *timeoutSleep) Cancel() { s.f.Cancel() }

// sleepUnit adapts SleepFuture (no result) to a Future[struct{}].
type sleepUnit SleepFuture

func (s *sleepUnit) Poll(cx *Context) bool { return (*SleepFuture)(s).Poll(cx) }
func (s *sleepUnit) Result() struct{}      { return struct{}{} }
func (s *sleepUnit) Cancel()               { (*SleepFuture)(s).Cancel() }

// The plain Timeout leaves f running and returns ErrTimeout; a result in
// time comes back; a panic before expiry is re-raised.
func TestTimeoutPlain(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	_, err := Timeout(5*time.Millisecond, func() int {
		<-release
		close(finished)
		return 1
	})
	if err != ErrTimeout {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	close(release)
	select {
	case <-finished: // f kept running after the timeout
	case <-time.After(5 * time.Second):
		t.Fatal("f did not keep running")
	}
	v, err := Timeout(time.Second, func() int { return 7 })
	if v != 7 || err != nil {
		t.Fatalf("Timeout = %v, %v", v, err)
	}
	r := catch(func() { Timeout(time.Second, func() int { panic("boom") }) })
	var pe *PanicError
	if e, ok := r.(error); !ok || !errors.As(e, &pe) || pe.Value != "boom" {
		t.Fatalf("panic in f: recovered %v", r)
	}
	v, err = TimeoutAt(Now().Add(time.Second), func() int { return 8 })
	if v != 8 || err != nil {
		t.Fatalf("TimeoutAt = %v, %v", v, err)
	}
}

// Interval ticks are spaced by the period, scheduled on the period grid,
// and skipped (not bunched) when the caller falls behind.
func TestInterval(t *testing.T) {
	iv := NewInterval(4 * time.Millisecond)
	t0 := iv.Tick()
	t1 := iv.Tick()
	// 4ms apart, or a multiple if this goroutine was descheduled for
	// more than a period (a loaded machine): ticks stay on the grid.
	if d := t1.Sub(t0); d%(4*time.Millisecond) != 0 || d < 4*time.Millisecond {
		t.Fatalf("ticks %v apart, want 4ms (or a multiple)", d)
	}
	time.Sleep(20 * time.Millisecond)
	t2 := iv.Tick()
	if d := t2.Sub(t1); d%(4*time.Millisecond) != 0 || d < 20*time.Millisecond {
		t.Fatalf("after falling behind, next tick %v after the previous one", d)
	}
	if time.Now().Before(t2) {
		t.Fatalf("tick returned before its time")
	}
}

func TestSleepZeroAndPast(t *testing.T) {
	f := SleepAsync(0)
	if !f.Poll(NewContext(Waker{})) {
		t.Fatal("Sleep(0) pending")
	}
	u := SleepUntilAsync(time.Now().Add(-time.Hour))
	if !u.Poll(NewContext(Waker{})) {
		t.Fatal("SleepUntil(past) pending")
	}
	runtime.Gosched()
}

// timeoutPlainTask adapts TimeoutFuture (two results) to a Future[error].
type timeoutPlainTask struct{ f TimeoutFuture[int] }

func (s *timeoutPlainTask) Poll(cx *Context) bool { return s.f.Poll(cx) }
func (s *timeoutPlainTask) Result() error {
	_, err := s.f.Result()
	return err
}
func (s *timeoutPlainTask) Cancel() { s.f.Cancel() }

// In async code, Timeout with a plain closure suspends the task (not the
// worker) while the closure runs in a goroutine.
func TestTimeoutAsyncPlainClosure(t *testing.T) {
	within(t, 10*time.Second, func() {
		Run(func() {
			release := make(chan struct{})
			h := SpawnFuture[timeoutPlainTask, error](timeoutPlainTask{TimeoutAsync(5*time.Millisecond, func() int {
				<-release
				return 1
			})})
			// The single worker stays free while the closure blocks.
			h2 := SpawnFuture[readyFuture, int](readyFuture{v: 3})
			if Await[int](h2) != 3 {
				t.Error("worker blocked")
			}
			if err := Await[error](h); err != ErrTimeout {
				t.Errorf("err = %v, want ErrTimeout", err)
			}
			close(release)
			h3 := SpawnFuture[timeoutPlainTask, error](timeoutPlainTask{TimeoutAsync(time.Second, func() int { return 2 })})
			if err := Await[error](h3); err != nil {
				t.Errorf("err = %v", err)
			}
		}, Workers(1))
	})
}

// TestNowIsTheProcessClock checks Now outside a deterministic runtime: the
// monotonic clock the timers run on, never going back, and with a wall
// reading that agrees with time.Now while the system clock is not stepped.
func TestNowIsTheProcessClock(t *testing.T) {
	prev := Now()
	for range 1000 {
		n := Now()
		if n.Before(prev) {
			t.Fatalf("Now went back: %v after %v", n, prev)
		}
		prev = n
	}
	n, wall := Now(), time.Now()
	if d := wall.Sub(n); d < 0 || d > time.Second {
		t.Fatalf("time.Now() - Now() = %v on the monotonic clock, want within [0, 1s]", d)
	}
	if d := wall.Round(0).Sub(n.Round(0)); d < -time.Second || d > time.Second {
		t.Fatalf("wall readings differ by %v", d)
	}
	if got, want := processClock.fromTime(n), processClock.now(); got > want || want-got > int64(time.Second) {
		t.Fatalf("Now is %d on the timers' clock, which reads %d", got, want)
	}
	if detRunning.Load() != 0 {
		t.Fatalf("detRunning = %d with no deterministic runtime", detRunning.Load())
	}
}
