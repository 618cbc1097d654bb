package rt

import (
	"sync/atomic"
	"time"
)

// Deadline is a point in time that waits can be bounded by, and that can
// be moved: the timer behind a connection's idle or read timeout. Where
// Timeout arms a timer for one wait and removes it after, a Deadline stays
// armed across waits, and pushing it back (Reset to a later time, as a
// server does after every request) costs a clock read and one atomic
// instruction: the timer wheel is not touched until the old deadline
// comes, and then only to re-queue the timer at the new one.
//
// Bound a wait with WithDeadline:
//
//	var idle rt.Deadline
//	defer idle.Stop()
//	for {
//		idle.Reset(time.Minute)
//		_, err := rt.WithDeadline(&idle, func() error { return conn.WaitReadable() })
//		if err == rt.ErrTimeout {
//			return // idle for a minute
//		}
//		...
//	}
//
// The zero Deadline is not set: waits bounded by it do not time out. A
// Deadline belongs to one task at a time: only that task may Reset, Stop or
// wait on it (the timer wakes a single waiter). It must not be copied after
// its first Reset. Stop it when done with it: until then a set Deadline
// stays in the timer wheel, and keeps the memory it is part of (usually
// the task's) alive until it expires.
//
// The deadline is on the runtime's clock (see Now): the process's
// monotonic clock, or the virtual clock of a deterministic runtime. Like
// every timer it has a resolution of one millisecond and never expires
// early.
type Deadline struct {
	t timer
}

// Reset sets the deadline to d from now (d <= 0: it has expired). It
// replaces any earlier setting, earlier or later, expired or not.
func (dl *Deadline) Reset(d time.Duration) {
	tw := dl.wheel()
	now := tw.clk.now()
	dl.set(tw, now+int64(d), now)
}

// ResetAt sets the deadline to t, a time on the runtime's clock (see Now).
func (dl *Deadline) ResetAt(t time.Time) {
	tw := dl.wheel()
	dl.set(tw, tw.clk.fromTime(t), tw.clk.now())
}

// wheel returns the timer wheel the deadline is on, or, for a Deadline
// not set yet, the wheel of the calling task's runtime.
func (dl *Deadline) wheel() *timerWheel {
	if dl.t.tw != nil {
		return dl.t.tw
	}
	if detRunning.Load() != 0 {
		if e := currentG().exec; e != nil && e.det != nil {
			return e.wheel
		}
	}
	return globalDriver().wheel
}

// set moves the deadline to clock time deadline (ns on tw's clock, whose
// current time is now): without the wheel's lock when it moves later,
// else through rearm.
func (dl *Deadline) set(tw *timerWheel, deadline, now int64) {
	if deadline > now && dl.t.tw == tw && moveLater(&dl.t.entry, deadlineTick(deadline)) {
		return
	}
	dl.t.tw = tw
	tw.rearm(&dl.t.entry, deadline, now)
}

// Stop unsets the deadline: waits bounded by it no longer time out, and
// the timer leaves the wheel. Idempotent.
func (dl *Deadline) Stop() {
	if tw := dl.t.tw; tw != nil {
		tw.stop(&dl.t.entry)
		dl.t.tw = nil
	}
}

// Expired reports whether the deadline has passed: its timer fired and it
// was not Reset since. (The timer fires when the runtime's driver next
// looks at the clock after the deadline, within about a millisecond on an
// idle runtime.)
func (dl *Deadline) Expired() bool {
	return atomic.LoadInt64(&dl.t.entry.want) == wantFired
}

// watch reports whether the deadline has expired; if it is set and has
// not, the expiry will wake w. Only the owner calls it, and only the owner
// writes the entry's waker (under the wheel's lock), so the waker is
// compared without the lock: a wait by the same task as the last costs no
// lock at all.
func (dl *Deadline) watch(w Waker) bool {
	e := &dl.t.entry
	switch atomic.LoadInt64(&e.want) {
	case wantFired:
		return true
	case wantIdle:
		return false
	}
	if e.waker.WillWake(w) {
		return false
	}
	return dl.t.tw.watch(e, w)
}

// WithDeadline runs f and returns its result, or ErrTimeout if dl expires
// first (or has expired: f then still gets to run once, and its result
// wins if it is ready at once). dl stays as it is: Reset it to allow more
// time for the next wait. This plain form runs f in a goroutine of its own,
// like Timeout, and on expiry returns while f keeps running. Inside async
// code, asyncgen lowers a call with an async literal to WithDeadlineOf,
// which cancels the timed-out work.
//
//asyncgo:async
//asyncgo:lower WithDeadlineOf
func WithDeadline[T any](dl *Deadline, f func() T) (T, error) {
	wf := WithDeadlineAsync(dl, f)
	BlockOn(&wf)
	return wf.Result()
}

// WithDeadlineAsync returns the future of WithDeadline. f is started (in a
// goroutine) at the first Poll.
func WithDeadlineAsync[T any](dl *Deadline, f func() T) WithDeadlineFuture[T] {
	wf := WithDeadlineFuture[T]{}
	wf.f, wf.inner = f, WithDeadlineOfFuture[handleRef[T], T, *handleRef[T]]{dl: dl}
	return wf
}

// WithDeadlineFuture is the future of WithDeadline: f's goroutine handle
// under a WithDeadlineOfFuture.
type WithDeadlineFuture[T any] struct {
	goWait[T, WithDeadlineOfFuture[handleRef[T], T, *handleRef[T]], *WithDeadlineOfFuture[handleRef[T], T, *handleRef[T]]]
}

// WithDeadlineOf polls the future f (held by value in its own future) and
// returns its result, or cancels it and returns ErrTimeout once dl has
// expired. f is polled before the deadline is checked, so work that
// completes in the same poll as the deadline passes wins. dl is neither
// moved nor stopped. Call it with explicit type arguments where inference
// fails: rt.WithDeadlineOf[FFuture, T](dl, FAsync(x)).
//
//asyncgo:async
func WithDeadlineOf[F any, T any, PF FuturePtr[F, T]](dl *Deadline, f F) (T, error) {
	wf := WithDeadlineOfAsync[F, T, PF](dl, f)
	BlockOn(&wf)
	return wf.Result()
}

// WithDeadlineOfAsync returns the future of WithDeadlineOf.
func WithDeadlineOfAsync[F any, T any, PF FuturePtr[F, T]](dl *Deadline, f F) WithDeadlineOfFuture[F, T, PF] {
	return WithDeadlineOfFuture[F, T, PF]{fut: f, dl: dl}
}

// WithDeadlineOfFuture is the future of WithDeadlineOf: the wrapped future
// by value and the Deadline it is bounded by. It holds no timer of its
// own. It must not be copied after its first Poll.
type WithDeadlineOfFuture[F any, T any, PF FuturePtr[F, T]] struct {
	fut  F
	dl   *Deadline
	done bool
	res  T
	err  error
}

// Poll polls the wrapped future; if it is not complete and the deadline
// has expired, it cancels it and completes with ErrTimeout.
func (f *WithDeadlineOfFuture[F, T, PF]) Poll(cx *Context) bool {
	if f.done {
		return true
	}
	if PF(&f.fut).Poll(cx) {
		f.done = true
		f.res = PF(&f.fut).Result()
		return true
	}
	if !f.dl.watch(cx.Waker()) {
		return false
	}
	f.done = true
	PF(&f.fut).Cancel()
	f.err = ErrTimeout
	return true
}

// Result returns the wrapped future's result and nil, or the zero T and
// ErrTimeout.
func (f *WithDeadlineOfFuture[F, T, PF]) Result() (T, error) { return f.res, f.err }

// setFuture sets the wrapped future before the first Poll (goWait).
func (f *WithDeadlineOfFuture[F, T, PF]) setFuture(fut F) { f.fut = fut }

// Cancel cancels the wrapped future. Idempotent.
func (f *WithDeadlineOfFuture[F, T, PF]) Cancel() {
	if f.done {
		return
	}
	f.done = true
	PF(&f.fut).Cancel()
}
