package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Once runs a function exactly once, like sync.Once, but a Do that finds
// the function running in another task suspends (instead of blocking a
// worker) until it has finished. The zero Once is ready to use. A Once
// must not be copied after first use.
//
// The function is a plain func, run inside the Poll of the first Do (or
// on the goroutine calling the bridge): it must not block, so when Do is
// called from a task it must not call async functions through their
// bridges. For an initialisation that itself has to wait (dial, read a
// file through rt), make the first caller do it under a Mutex, or run it
// in a task and publish the result with a Watch or a Oneshot; this keeps
// Once as simple as sync.Once, which is the choice made here.
//
// As with sync.Once, if f panics Do considers it done: later calls do not
// run f, waiting calls complete, and the panic propagates from the Do that
// ran f.
//
// Fairness: all Do calls waiting for f are released together when it
// returns.
//
// Cancel safety: Do is cancel-safe: a Do cancelled while waiting for
// another's f leaves the queue; f itself runs within a single Poll and
// cannot be interrupted.
type Once struct {
	mu      gosync.Mutex
	state   onceState
	waiters waitList[struct{}]
}

type onceState uint8

const (
	onceNew onceState = iota
	onceRunning
	onceDone
)

var _ rt.Pollable = (*OnceDoFuture)(nil)

// Done reports whether a Do has finished running its function.
func (o *Once) Done() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.state == onceDone
}

// Do calls f if and only if Do is being called for the first time on this
// Once, and in every case returns only after that first call's f has
// returned.
//
//asyncgo:async
func (o *Once) Do(f func()) {
	fut := o.DoAsync(f)
	rt.BlockOn(&fut)
	fut.Result()
}

// DoAsync returns the future of Do. It does nothing until polled.
func (o *Once) DoAsync(f func()) OnceDoFuture {
	return OnceDoFuture{o: o, f: f}
}

// OnceDoFuture is the future of Once.Do. It embeds its wait-list node, so
// it must not be copied after its first Poll.
type OnceDoFuture struct {
	o    *Once
	f    func()
	node waiter[struct{}]
	done bool
}

// Poll runs f if nobody has yet, completes if f has finished, and
// otherwise queues the future (or refreshes its waker) and returns false.
func (f *OnceDoFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	o := f.o
	o.mu.Lock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		o.mu.Unlock()
		return false
	default:
		switch o.state {
		case onceRunning:
			f.node.register(cx)
			o.waiters.pushBack(&f.node)
			o.mu.Unlock()
			return false
		case onceNew:
			o.state = onceRunning
			o.mu.Unlock()
			f.done = true
			defer o.finish()
			fn := f.f
			f.f = nil
			fn()
			return true
		}
	}
	f.done = true
	o.mu.Unlock()
	return true
}

// finish marks the Once done and releases the waiting Do calls; deferred,
// so that it also runs when f panics.
func (o *Once) finish() {
	o.mu.Lock()
	o.state = onceDone
	var buf [wakeBatch]rt.Waker
	ws := o.waiters.notifyAll(buf[:0])
	o.mu.Unlock()
	wakeAll(ws)
}

// Result returns nothing; Do has no results.
func (f *OnceDoFuture) Result() {}

// Cancel abandons the Do: one waiting for another's f leaves the queue.
// Idempotent; a no-op after completion.
func (f *OnceDoFuture) Cancel() {
	if f.done {
		return
	}
	f.done = true
	o := f.o
	if o == nil {
		return
	}
	o.mu.Lock()
	if f.node.state == queued {
		o.waiters.remove(&f.node)
	}
	f.node.state = idle
	o.mu.Unlock()
}
