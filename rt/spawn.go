package rt

// Spawning tasks and goroutines, and joining them.

import "unsafe"

// Spawn runs f in a new goroutine and returns a handle to its result. It
// is the plain-function form used by ordinary goroutine code (and by the
// asyncsrc build); inside async code asyncgen turns a spawn of an async
// closure into SpawnFuture. A panic in f is kept and re-raised in whoever
// awaits the handle. Abort on the handle can only detach: the goroutine
// keeps running, the handle completes at once as aborted (Err() ==
// ErrAborted, Result() is the zero T), and f's result is dropped; a panic
// in f after the abort crashes the process, as nobody can await it.
//
//asyncgo:lower SpawnFuture
func Spawn[T any](f func() T) *JoinHandle[T] {
	t := newGoTask[T]()
	go func() {
		ok := false
		defer func() {
			if ok {
				return
			}
			r := recover()
			if r == nil { // runtime.Goexit
				t.complete(stAborted)
				return
			}
			pe := newPanicError(r)
			t.jh.js.panic = pe
			if !t.complete(stPanicked) {
				panic(pe) // detached by Abort: crash like a goroutine
			}
		}()
		t.res = f()
		ok = true
		t.complete(0)
	}()
	return &t.jh
}

// SpawnFuture starts f as a task of the current runtime (see runtime.go:
// the runtime of the calling task or Run, else the default runtime) and
// returns a handle to its result. The task is one allocation (the future
// is stored by value in it, together with the handle). Call it with
// explicit type arguments: rt.SpawnFuture[FFuture, T](FAsync(x)).
//
// A panic in the task is kept and re-raised, as a *PanicError carrying the
// value and the task's stack, in whoever awaits the handle; if nobody
// does, it is lost, as with a dropped handle's result.
func SpawnFuture[F any, T any, PF FuturePtr[F, T]](f F) *JoinHandle[T] {
	t := newJoinTask[F, T, PF](f)
	spawn(&t.header)
	return &t.jh
}

// Go runs f in a new goroutine: rt's name for the go statement of
// ordinary code. When f is an async func literal, asyncgen calls GoFuture
// with the literal's future instead.
//
//asyncgo:lower GoFuture
func Go(f func()) {
	go f()
}

// GoFuture starts f as a detached task of the current runtime: what a go
// statement inside async code becomes. A panic in it crashes the process,
// like a panic in a goroutine.
func GoFuture[F any, PF PollablePtr[F]](f F) {
	t := newTask[F, PF](f)
	spawn(&t.header)
}

// JoinHandle is the handle of a spawned task or goroutine. It is a
// Future[T]: Await(h) waits for the task and returns its result.
// Dropping the handle detaches the task, which keeps running. The handle
// lives inside the task's allocation (it is the task's join state); only
// pointers to it are handed out, and it must not be copied (go vet's
// copylocks check reports copies).
type JoinHandle[T any] struct {
	js joinState
}

// hdr returns the header of the task that j is the join state of.
func (j *JoinHandle[T]) hdr() *header {
	return (*header)(unsafe.Add(unsafe.Pointer(j), -int(headerSize)))
}

// Poll reports whether the task has completed (normally, by panicking, or
// aborted); otherwise it registers cx's waker to be woken when it does.
// Only the waker of the latest Poll is kept.
func (j *JoinHandle[T]) Poll(cx *Context) bool {
	return j.hdr().pollJoin(cx.Waker()) && cx.Proceed()
}

// Result returns the task's result once Poll returned true. It returns
// the zero T if the task was aborted, and re-raises a panic of the task as
// a *PanicError (original value and the task's stack).
func (j *JoinHandle[T]) Result() T {
	s := j.hdr().state.Load()
	switch {
	case s&stComplete == 0:
		panic("rt: JoinHandle.Result called before the task completed")
	case s&stPanicked != 0:
		panic(j.js.panic)
	case s&stAborted != 0:
		var zero T
		return zero
	}
	return j.hdr().ops().(resulter[T]).resultOf()
}

// Cancel stops waiting for the task (the registered waker is dropped); the
// task itself keeps running. It is what a combinator calls when it
// abandons an await of the handle. Use Abort to cancel the task.
func (j *JoinHandle[T]) Cancel() {
	j.hdr().detachJoin()
}

// Abort cancels the task: unless it completes first, its future's Cancel
// is called once, by the executor, never concurrently with Poll (an
// in-flight child is cancelled, pending defers run, registrations are
// released), and the handle completes with Err() == ErrAborted and a zero
// Result. Abort is idempotent and may race completion safely: the handle
// ends with either the result or ErrAborted, never both. For a handle of
// plain-function Spawn, Abort only detaches (see Spawn).
func (j *JoinHandle[T]) Abort() {
	j.hdr().abort()
}

// Err returns nil while the task runs or if it completed normally,
// ErrAborted if it was aborted, and the *PanicError if it panicked.
func (j *JoinHandle[T]) Err() error {
	s := j.hdr().state.Load()
	switch {
	case s&stComplete == 0:
		return nil
	case s&stPanicked != 0:
		return j.js.panic
	case s&stAborted != 0:
		return ErrAborted
	}
	return nil
}
