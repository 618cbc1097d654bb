package rt

// Pollable is the part of the future ABI that does not depend on the result
// type: what an executor needs to drive a future and to abandon it.
type Pollable interface {
	// Poll advances the future. It returns true when the future has
	// completed; otherwise it has arranged for cx.Waker() to be woken when
	// polling again may make progress. Poll must not block, and must not be
	// called again after it returned true or after Cancel.
	Poll(cx *Context) bool
	// Cancel abandons the future: an in-flight child is cancelled first,
	// then pending deferred calls run, and every registration the future
	// holds (reactor interest, a place in a wait queue, a timer) is
	// released. Cancel is idempotent, and a no-op on a completed future.
	Cancel()
}

// Future is an async computation producing a T. Generated state structs of
// async functions with exactly one result implement Future (through a
// pointer); JoinHandle implements it; Await accepts it.
type Future[T any] interface {
	Pollable
	// Result returns the value of a completed future. It may be called only
	// after Poll returned true.
	Result() T
}

// PollablePtr constrains a type parameter to a pointer to the concrete
// future type F. It lets rt store futures by value (one allocation per
// task, static calls instead of interface calls) while calling their
// pointer methods.
type PollablePtr[F any] interface {
	*F
	Pollable
}

// FuturePtr is PollablePtr for futures with a single result of type T.
type FuturePtr[F, T any] interface {
	*F
	Future[T]
}

// Context is passed to every Poll call. It carries the waker of the task
// being polled. A Context is only valid for the duration of the Poll call
// it was passed to; keep the Waker, not the Context.
type Context struct {
	waker Waker
	// timers is the timer wheel of the runtime polling the task (nil:
	// the process's real-time wheel). Not part of the ABI.
	timers *timerWheel
	// budget is the cooperative budget left in this poll (see Proceed);
	// budgeted is false for contexts without one (BlockOn, NewContext).
	budget   int32
	budgeted bool
}

// coopBudget is the number of operations a task may complete in one
// poll before Proceed makes it yield.
const coopBudget = 128

// Proceed spends one unit of the polled task's cooperative budget and
// reports whether the operation may complete now. When the budget of this
// poll is used up it wakes the task and returns false: the primitive must
// then return pending without side effects, and the task resumes after the
// other runnable tasks had a turn. Primitives that can complete without
// waiting (a receive from a non-empty channel, a read of buffered data, a
// join of a finished task) call it first, so that a task whose awaits all
// complete at once cannot starve the others: it is preempted at its next
// suspension point, after coopBudget operations. Outside a runtime
// (BlockOn) there is no budget and Proceed always returns true.
func (cx *Context) Proceed() bool {
	if cx.budget > 0 { // kept this small so that it is inlined
		cx.budget--
		return true
	}
	return cx.outOfBudget()
}

// outOfBudget is Proceed once the budget is spent (or for a context
// without one): the task is woken to be polled again after the others.
//
//go:noinline
func (cx *Context) outOfBudget() bool {
	if !cx.budgeted {
		return true
	}
	cx.waker.Wake()
	return false
}

// NewContext returns a Context whose Waker is w. Executors and tests that
// drive futures by hand use it.
func NewContext(w Waker) *Context { return &Context{waker: w} }

// Waker returns the waker of the task being polled. Store it, and call
// Wake when the future can make progress.
func (cx *Context) Waker() Waker { return cx.waker }

// Waker wakes a suspended task so that it is polled again. It is a small
// value (a pointer to the task, in an interface); copying and waking never
// allocate. The zero Waker wakes nothing.
type Waker struct {
	target Wakeable
}

// Wakeable is what a Waker points at: a task of the executor, a goroutine
// blocked in BlockOn, or any custom waiter. Wake must be safe to call from
// any goroutine, any number of times, including while the target is being
// polled; a wake during a poll must lead to one more poll.
type Wakeable interface {
	Wake()
}

// NewWaker returns a Waker that calls w.Wake.
func NewWaker(w Wakeable) Waker { return Waker{target: w} }

// Wake schedules the task for polling. It is safe to call from any
// goroutine, and a no-op on the zero Waker.
func (w Waker) Wake() {
	if w.target != nil {
		w.target.Wake()
	}
}

// IsZero reports whether w is the zero Waker.
func (w Waker) IsZero() bool { return w.target == nil }

// WillWake reports whether w and other wake the same task. Futures use it
// to skip re-registering an unchanged waker.
func (w Waker) WillWake(other Waker) bool {
	// A task is the common target: comparing two *header directly avoids
	// the runtime's generic interface comparison (a call) on every
	// registration.
	if h, ok := w.target.(*header); ok {
		o, ok := other.target.(*header)
		return ok && h == o
	}
	return w.target == other.target
}
