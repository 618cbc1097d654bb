package sync

import (
	"runtime/debug"

	"github.com/asyncgo/asyncgo/rt"
)

// Lift turns an ordinary function into a future for the combinators: on
// its first Poll it starts f in a new goroutine (rt.Spawn), and it
// completes when f returns, with f's result. A panic in f is re-raised by
// the future's Poll as a *rt.PanicError, as the Poll of a compiled async
// literal would raise it. Cancel stops waiting; the goroutine cannot be
// stopped and runs on, its result (or panic) dropped.
//
// The plain forms Race, Select, JoinAll and Join are their companions
// applied to lifted functions. asyncgen uses Lift for a branch that is
// not an async literal (a func value, or a literal without suspension
// points) when it lowers a call whose other branches are async literals.
func Lift[T any](f func() T) rt.Future[T] {
	return &lifted[T]{f: f}
}

// LiftFunc is Lift for a function without a result.
func LiftFunc(f func()) rt.Pollable {
	return &lifted[struct{}]{f: func() struct{} { f(); return struct{}{} }}
}

// lifted is the future returned by Lift.
type lifted[T any] struct {
	f func() T
	h *rt.JoinHandle[T]
}

func (l *lifted[T]) Poll(cx *rt.Context) bool {
	if l.h == nil {
		l.h = rt.Spawn(l.f)
		l.f = nil
	}
	if !l.h.Poll(cx) {
		return false
	}
	if pe, ok := l.h.Err().(*rt.PanicError); ok {
		panic(pe)
	}
	return true
}

func (l *lifted[T]) Result() T { return l.h.Result() }

func (l *lifted[T]) Cancel() {
	if l.h != nil {
		l.h.Cancel()
	}
	l.f = nil
}

// liftAll lifts every function of fs.
func liftAll[T any](fs []func() T) []rt.Future[T] {
	ls := make([]lifted[T], len(fs))
	out := make([]rt.Future[T], len(fs))
	for i, f := range fs {
		ls[i].f = f
		out[i] = &ls[i]
	}
	return out
}

// liftFuncs lifts every function of fs.
func liftFuncs(fs []func()) []rt.Pollable {
	ls := make([]lifted[struct{}], len(fs))
	out := make([]rt.Pollable, len(fs))
	for i, f := range fs {
		ls[i].f = func() struct{} { f(); return struct{}{} }
		out[i] = &ls[i]
	}
	return out
}

// branchPanic is the value a combinator re-raises when a branch panicked
// with r: r itself if it is already a *rt.PanicError (a lifted function,
// a join handle), else r wrapped with the current stack, which still
// holds the branch's frames since it is taken in the deferred recover.
func branchPanic(r any) *rt.PanicError {
	if pe, ok := r.(*rt.PanicError); ok {
		return pe
	}
	return &rt.PanicError{Value: r, Stack: debug.Stack()}
}
