package rt

import (
	"errors"
	"time"
)

// ErrTimeout is returned by Timeout, TimeoutOf, TimeoutAt and TimeoutAtOf
// when the deadline passed before the work completed.
var ErrTimeout = errors.New("rt: timeout")

// Timeout runs f and returns its result, or ErrTimeout if f has not
// returned after d. This plain form runs f in a goroutine of its own
// (Spawn); on expiry Timeout returns while f KEEPS RUNNING (a goroutine
// cannot be stopped): f's result is then dropped, and a panic in it
// crashes the process. Before expiry, a panic in f is re-raised in the
// caller as a *PanicError. It is what the reference (asyncsrc) build and
// ordinary code call, and what async code calls with a plain closure (the
// task suspends while the goroutine runs). Inside async code, asyncgen
// lowers a call with an async literal to TimeoutOf instead, which cancels
// the timed-out work (its deferred calls run, its registrations are
// released).
//
//asyncgo:async
//asyncgo:lower TimeoutOf
func Timeout[T any](d time.Duration, f func() T) (T, error) {
	tf := TimeoutAsync(d, f)
	BlockOn(&tf)
	return tf.Result()
}

// TimeoutAsync returns the future of Timeout. f is started (in a
// goroutine) at the first Poll.
func TimeoutAsync[T any](d time.Duration, f func() T) TimeoutFuture[T] {
	tf := TimeoutFuture[T]{}
	tf.f, tf.inner = f, TimeoutOfFuture[handleRef[T], T, *handleRef[T]]{d: int64(d)}
	return tf
}

// TimeoutAt is Timeout with an absolute deadline (on the runtime's clock,
// see Now).
//
//asyncgo:async
//asyncgo:lower TimeoutAtOf
func TimeoutAt[T any](deadline time.Time, f func() T) (T, error) {
	tf := TimeoutAtAsync(deadline, f)
	BlockOn(&tf)
	return tf.Result()
}

// TimeoutAtAsync returns the future of TimeoutAt.
func TimeoutAtAsync[T any](deadline time.Time, f func() T) TimeoutAtFuture[T] {
	tf := TimeoutFuture[T]{}
	tf.f, tf.inner = f, TimeoutOfFuture[handleRef[T], T, *handleRef[T]]{at: deadline, abs: true}
	return tf
}

// TimeoutFuture is the future of Timeout (and TimeoutAt): f's goroutine
// handle under a TimeoutOfFuture.
type TimeoutFuture[T any] struct {
	goWait[T, TimeoutOfFuture[handleRef[T], T, *handleRef[T]], *TimeoutOfFuture[handleRef[T], T, *handleRef[T]]]
}

// TimeoutAtFuture is the future of TimeoutAt.
type TimeoutAtFuture[T any] = TimeoutFuture[T]

// goWait is the plain form of a bounded wait (Timeout, TimeoutAt,
// WithDeadline): f runs in a goroutine of its own (Spawn), started at the
// first Poll, and inner, the companion future over f's handle, decides
// when the wait ends. A goroutine cannot be stopped: when the wait ends
// without f's result, f is detached.
type goWait[T any, I any, PI interface {
	*I
	Poll(cx *Context) bool
	Result() (T, error)
	Cancel()
	setFuture(handleRef[T])
}] struct {
	f     func() T
	h     *JoinHandle[T]
	inner I
}

// Poll starts f on the first call, then completes with its result or
// with ErrTimeout (detaching f's goroutine).
func (w *goWait[T, I, PI]) Poll(cx *Context) bool {
	if w.h == nil {
		w.h = Spawn(w.f)
		PI(&w.inner).setFuture(handleRef[T]{w.h})
	}
	if !PI(&w.inner).Poll(cx) {
		return false
	}
	if _, err := PI(&w.inner).Result(); err != nil {
		w.h.Abort() // detach: a later panic in f crashes, as documented
	}
	return true
}

// Result returns f's result and nil, or the zero T and ErrTimeout.
func (w *goWait[T, I, PI]) Result() (T, error) { return PI(&w.inner).Result() }

// Cancel stops waiting; f's goroutine keeps running, detached.
// Idempotent.
func (w *goWait[T, I, PI]) Cancel() {
	PI(&w.inner).Cancel()
	if w.h != nil {
		w.h.Abort()
	}
}

// TimeoutOf polls the future f (held by value in its own future) and
// returns its result, or cancels it and returns ErrTimeout if it has not
// completed after d. f is polled before the timer is checked, so work that
// completes in the same poll as the deadline passes wins. Call it with
// explicit type arguments where inference fails:
// rt.TimeoutOf[FFuture, T](d, FAsync(x)).
//
//asyncgo:async
func TimeoutOf[F any, T any, PF FuturePtr[F, T]](d time.Duration, f F) (T, error) {
	tf := TimeoutOfAsync[F, T, PF](d, f)
	BlockOn(&tf)
	return tf.Result()
}

// TimeoutOfAsync returns the future of TimeoutOf. The deadline is taken at
// its first Poll.
func TimeoutOfAsync[F any, T any, PF FuturePtr[F, T]](d time.Duration, f F) TimeoutOfFuture[F, T, PF] {
	return TimeoutOfFuture[F, T, PF]{fut: f, d: int64(d)}
}

// TimeoutAtOf is TimeoutOf with an absolute deadline (on the runtime's
// clock, see Now).
//
//asyncgo:async
func TimeoutAtOf[F any, T any, PF FuturePtr[F, T]](deadline time.Time, f F) (T, error) {
	tf := TimeoutAtOfAsync[F, T, PF](deadline, f)
	BlockOn(&tf)
	return tf.Result()
}

// TimeoutAtOfAsync returns the future of TimeoutAtOf.
func TimeoutAtOfAsync[F any, T any, PF FuturePtr[F, T]](deadline time.Time, f F) TimeoutAtOfFuture[F, T, PF] {
	return TimeoutOfFuture[F, T, PF]{fut: f, at: deadline, abs: true}
}

// TimeoutAtOfFuture is the future of TimeoutAtOf: the same state machine
// as TimeoutOfFuture, with an absolute deadline.
type TimeoutAtOfFuture[F any, T any, PF FuturePtr[F, T]] = TimeoutOfFuture[F, T, PF]

// TimeoutOfFuture is the future of TimeoutOf and TimeoutAtOf: the wrapped
// future by value, and a timer entry. It must not be copied after its
// first Poll.
type TimeoutOfFuture[F any, T any, PF FuturePtr[F, T]] struct {
	fut     F
	t       timer
	d       int64
	at      time.Time
	abs     bool
	started bool
	done    bool
	res     T
	err     error
}

// Poll polls the wrapped future; if it is not complete and the deadline
// has passed, it cancels it and completes with ErrTimeout.
func (f *TimeoutOfFuture[F, T, PF]) Poll(cx *Context) bool {
	if f.done {
		return true
	}
	if PF(&f.fut).Poll(cx) {
		f.done = true
		f.res = PF(&f.fut).Result()
		f.t.cancel()
		return true
	}
	var expired bool
	if !f.started {
		f.started = true
		tw := cx.wheel()
		now := tw.clk.now()
		deadline := now + f.d
		if f.abs {
			deadline = tw.clk.fromTime(f.at)
		}
		expired = f.t.arm(tw, deadline, now, cx.Waker())
	} else {
		expired = f.t.poll(cx.Waker())
	}
	if !expired {
		return false
	}
	f.done = true
	PF(&f.fut).Cancel()
	f.err = ErrTimeout
	return true
}

// Result returns the wrapped future's result and nil, or the zero T and
// ErrTimeout.
func (f *TimeoutOfFuture[F, T, PF]) Result() (T, error) { return f.res, f.err }

// setFuture sets the wrapped future before the first Poll (goWait).
func (f *TimeoutOfFuture[F, T, PF]) setFuture(fut F) { f.fut = fut }

// Cancel cancels the wrapped future and the timer. Idempotent.
func (f *TimeoutOfFuture[F, T, PF]) Cancel() {
	if f.done {
		return
	}
	f.done = true
	PF(&f.fut).Cancel()
	f.t.cancel()
}

// handleRef is a JoinHandle held by pointer as a future value (a
// JoinHandle itself lives inside its task and is never copied).
type handleRef[T any] struct{ h *JoinHandle[T] }

// Poll polls the handle.
func (r *handleRef[T]) Poll(cx *Context) bool { return r.h.Poll(cx) }

// Result returns the handle's result.
func (r *handleRef[T]) Result() T { return r.h.Result() }

// Cancel stops waiting (the goroutine keeps running).
func (r *handleRef[T]) Cancel() { r.h.Cancel() }
