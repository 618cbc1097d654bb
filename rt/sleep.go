package rt

// Sleeping, intervals and the clock of tasks. Timer futures embed their
// wheel entry (timerwheel.go): a sleeping task costs no allocation beyond
// the task itself, and cancelling a sleep is an O(1) unlink.

import (
	"sync/atomic"
	"time"
)

// Now returns the current time of the calling task's runtime. In a real
// runtime that is the process's monotonic clock, the clock every timer of
// the runtime runs on, as a time.Time: its monotonic reading is the
// clock's, and its wall reading is the wall time at which the package was
// initialised plus the monotonic time since. It reads the clock once
// (time.Now reads two), but its wall reading does not follow steps of the
// system clock made while the process runs, nor count time the machine
// was suspended: use time.Now for wall-clock times shown to people (a log
// line, an HTTP Date). In a deterministic runtime it is the virtual clock
// (which starts at 2000-01-01 00:00 UTC and only moves when every task
// waits for a timer). Use it, rather than time.Now, to compute deadlines
// for SleepUntil and TimeoutAt.
func Now() time.Time {
	if detRunning.Load() != 0 {
		if e := currentG().exec; e != nil && e.det != nil {
			return e.clk.toTime(e.clk.now())
		}
	}
	return processClock.toTime(processClock.now())
}

// detRunning counts the deterministic runtimes running in the process:
// while there are none, Now needs no look-up of the calling goroutine.
var detRunning atomic.Int32

// wheel returns the timer wheel of the runtime polling with cx.
func (cx *Context) wheel() *timerWheel {
	if cx.timers != nil {
		return cx.timers
	}
	return globalDriver().wheel
}

// timer is the core of the timer futures: a wheel entry and the wheel it
// was registered with.
type timer struct {
	entry timerEntry
	tw    *timerWheel
}

// arm registers the timer for clock time deadline (ns on tw's clock,
// whose current time is now); true if the deadline has already passed.
func (t *timer) arm(tw *timerWheel, deadline, now int64, w Waker) bool {
	t.tw = tw
	return !tw.register(&t.entry, deadline, now, w)
}

// poll reports whether the armed timer fired (and refreshes its waker).
func (t *timer) poll(w Waker) bool { return t.tw.poll(&t.entry, w) }

// fired reports whether the armed timer has fired, without locking.
func (t *timer) fired() bool { return atomic.LoadUint32(&t.entry.state) == timerFired }

// cancel unregisters the timer if it is armed and pending.
func (t *timer) cancel() {
	if t.tw != nil {
		t.tw.cancel(&t.entry)
	}
}

// reset makes a fired or cancelled timer armable again.
func (t *timer) reset() {
	t.cancel()
	atomic.StoreUint32(&t.entry.state, timerIdle)
	t.tw = nil
}

// Sleep suspends the calling task for at least d. A d <= 0 returns at
// once (without suspending). Called from ordinary goroutine code it blocks
// the goroutine, like time.Sleep. It never returns early; on an idle
// machine it returns within about 2 ms of the deadline (timers have a
// resolution of one millisecond).
//
//asyncgo:async
func Sleep(d time.Duration) {
	f := SleepAsync(d)
	BlockOn(&f)
	f.Result()
}

// SleepAsync returns the future of Sleep. The deadline is taken at its
// first Poll.
func SleepAsync(d time.Duration) SleepFuture { return SleepFuture{d: d} }

// SleepFuture is the future of Sleep. It embeds its timer entry, so it
// must not be copied after its first Poll.
type SleepFuture struct {
	t       timer
	d       time.Duration
	started bool
}

// Poll arms the timer on the first call and completes once it fired.
func (f *SleepFuture) Poll(cx *Context) bool {
	if !f.started {
		f.started = true
		if f.d <= 0 {
			return true
		}
		tw := cx.wheel()
		now := tw.clk.now()
		return f.t.arm(tw, now+int64(f.d), now, cx.Waker())
	}
	if f.t.tw == nil {
		return true
	}
	return f.t.poll(cx.Waker())
}

// Result returns nothing; Sleep has no results.
func (f *SleepFuture) Result() {}

// Cancel unregisters the timer. Idempotent.
func (f *SleepFuture) Cancel() { f.t.cancel() }

// SleepUntil suspends the calling task until the runtime's clock (see Now)
// reaches t. A t in the past returns at once.
//
//asyncgo:async
func SleepUntil(t time.Time) {
	f := SleepUntilAsync(t)
	BlockOn(&f)
	f.Result()
}

// SleepUntilAsync returns the future of SleepUntil.
func SleepUntilAsync(t time.Time) SleepUntilFuture { return SleepUntilFuture{at: t} }

// SleepUntilFuture is the future of SleepUntil. It embeds its timer entry,
// so it must not be copied after its first Poll.
type SleepUntilFuture struct {
	t       timer
	at      time.Time
	started bool
}

// Poll arms the timer on the first call and completes once it fired.
func (f *SleepUntilFuture) Poll(cx *Context) bool {
	if !f.started {
		f.started = true
		tw := cx.wheel()
		return f.t.arm(tw, tw.clk.fromTime(f.at), tw.clk.now(), cx.Waker())
	}
	if f.t.tw == nil {
		return true
	}
	return f.t.poll(cx.Waker())
}

// Result returns nothing; SleepUntil has no results.
func (f *SleepUntilFuture) Result() {}

// Cancel unregisters the timer. Idempotent.
func (f *SleepUntilFuture) Cancel() { f.t.cancel() }

// Interval produces ticks every period, like time.Ticker, for one task at
// a time: call Tick in a loop. The first tick comes one period after the
// first call to Tick. If the caller falls behind by more than a period,
// the missed ticks are skipped (the next tick is the next multiple of the
// period after the current time), so a slow loop never sees a burst. An
// Interval holds its timer entry itself (no allocation per tick); it must
// not be copied and must not be ticked by two tasks at once.
type Interval struct {
	t      timer
	period int64 // ns
	next   int64 // clock time of the next tick; 0 before the first Tick
}

// NewInterval returns an Interval with the given period. It panics if
// period <= 0.
func NewInterval(period time.Duration) *Interval {
	if period <= 0 {
		panic("rt: NewInterval: non-positive period")
	}
	return &Interval{period: int64(period)}
}

// Tick waits for the next tick and returns its scheduled time (on the
// runtime's clock, see Now).
//
//asyncgo:async
func (iv *Interval) Tick() time.Time {
	f := iv.TickAsync()
	BlockOn(&f)
	return f.Result()
}

// TickAsync returns the future of Tick.
func (iv *Interval) TickAsync() IntervalTickFuture { return IntervalTickFuture{iv: iv} }

// IntervalTickFuture is the future of Interval.Tick.
type IntervalTickFuture struct {
	iv    *Interval
	armed bool
	at    time.Time
}

// Poll arms the Interval's timer for the next tick and completes when it
// fires.
func (f *IntervalTickFuture) Poll(cx *Context) bool {
	iv := f.iv
	if !f.armed {
		f.armed = true
		tw := cx.wheel()
		now := tw.clk.now()
		if iv.next == 0 {
			iv.next = now + iv.period
		} else if iv.next <= now-iv.period {
			// Fell behind: skip to the next multiple after now.
			iv.next += ((now-iv.next)/iv.period + 1) * iv.period
		}
		iv.t.reset()
		if !iv.t.arm(tw, iv.next, now, cx.Waker()) {
			return false
		}
	} else if !iv.t.poll(cx.Waker()) {
		return false
	}
	f.at = iv.t.tw.clk.toTime(iv.next)
	iv.next += iv.period
	return true
}

// Result returns the scheduled time of the tick.
func (f *IntervalTickFuture) Result() time.Time { return f.at }

// Cancel unregisters the tick's timer; the next Tick waits for the same
// tick again. Idempotent.
func (f *IntervalTickFuture) Cancel() {
	if f.armed {
		f.iv.t.cancel()
	}
}
