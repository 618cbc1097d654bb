//go:build linux

package net

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// This file is the one place where rt/net depends on facilities that
// belong in package rt: a timer (for connect timeouts, deadlines and the
// back-offs), built on rt.SleepUntil, and the pool for blocking calls
// (host-name resolution), rt.SpawnBlocking.

// timer wakes a task at a point in time. The zero timer is disarmed. Like
// every future holding an rt timer, it must not be copied once polled.
type timer struct {
	when  time.Time
	armed bool
	f     rt.SleepUntilFuture
}

// poll reports whether when has passed; otherwise it arranges for cx's
// waker to be woken at when (re-arming only if when changed).
func (t *timer) poll(cx *rt.Context, when time.Time) bool {
	if t.armed && !t.when.Equal(when) {
		t.f.Cancel()
		t.armed = false
	}
	if !t.armed {
		t.f = rt.SleepUntilAsync(when)
		t.when, t.armed = when, true
	}
	if t.f.Poll(cx) {
		t.armed = false
		return true
	}
	return false
}

// stop disarms the timer; idempotent.
func (t *timer) stop() {
	if t.armed {
		t.f.Cancel()
		t.armed = false
	}
}

// blockingCall runs a blocking function on rt's blocking pool
// (rt.SpawnBlocking: never on a worker) and wakes the waiting task when it
// returns.
type blockingCall[T any] struct {
	h *rt.JoinHandle[T]
}

// startBlocking submits fn to the blocking pool.
func startBlocking[T any](fn func() T) blockingCall[T] {
	return blockingCall[T]{rt.SpawnBlocking(fn)}
}

// poll reports whether fn has returned, with its result, or the error of
// a job that was aborted (the runtime shut down) or panicked; otherwise it
// stores cx's waker.
func (b *blockingCall[T]) poll(cx *rt.Context) (T, error, bool) {
	var zero T
	if !b.h.Poll(cx) {
		return zero, nil, false
	}
	if err := b.h.Err(); err != nil {
		return zero, err, true
	}
	return b.h.Result(), nil, true
}

// abandon stops waiting; a job that has not started yet is dropped, a
// running one runs to its end unobserved.
func (b *blockingCall[T]) abandon() {
	b.h.Cancel()
	b.h.Abort()
}

// Descriptor release notification, for the accept back-off under EMFILE:
// a listener that ran out of descriptors waits for a timer or for the
// next Close in this package, whichever comes first.
var fdWait struct {
	n  atomic.Int32 // len(ws), read without the lock by fdFreed
	mu sync.Mutex
	ws []rt.Waker
}

// fdFreed wakes the tasks waiting for a descriptor to be closed. It costs
// one atomic load when nobody waits.
func fdFreed() {
	if fdWait.n.Load() == 0 {
		return
	}
	fdWait.mu.Lock()
	ws := fdWait.ws
	fdWait.ws = nil
	fdWait.n.Store(0)
	fdWait.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// waitFDFreed registers w to be woken by the next fdFreed.
func waitFDFreed(w rt.Waker) {
	fdWait.mu.Lock()
	for _, x := range fdWait.ws {
		if x.WillWake(w) {
			fdWait.mu.Unlock()
			return
		}
	}
	fdWait.ws = append(fdWait.ws, w)
	fdWait.n.Store(int32(len(fdWait.ws)))
	fdWait.mu.Unlock()
}

// cancelFDFreed removes w from the waiters.
func cancelFDFreed(w rt.Waker) {
	if w.IsZero() || fdWait.n.Load() == 0 {
		return
	}
	fdWait.mu.Lock()
	kept := fdWait.ws[:0]
	for _, x := range fdWait.ws {
		if !x.WillWake(w) {
			kept = append(kept, x)
		}
	}
	clear(fdWait.ws[len(kept):])
	fdWait.ws = kept
	fdWait.n.Store(int32(len(kept)))
	fdWait.mu.Unlock()
}
