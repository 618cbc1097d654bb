package sync

import (
	"runtime"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Mutex is a mutual exclusion lock whose Lock suspends the calling task (or
// blocks the calling goroutine, through the bridge) instead of blocking a
// worker thread. The zero Mutex is unlocked and ready to use. A Mutex must
// not be copied after first use.
//
// Lock returns a MutexGuard, so the usual pattern is
//
//	g := mu.Lock()
//	defer g.Unlock()
//
// and mu.Unlock() does the same as g.Unlock(). As with sync.Mutex, a
// locked Mutex is not tied to a task or goroutine: one may lock it and
// another unlock it.
//
// Fairness: strictly FIFO with direct hand-off. Unlock with waiters does
// not release the mutex: it makes the longest waiting Lock the owner and
// wakes it. TryLock and new Lock calls never barge in ahead of waiters, so
// no waiter starves. (This trades some throughput under heavy contention,
// where sync.Mutex lets a running goroutine barge, for bounded waiting.)
//
// Cancel safety: Lock is cancel-safe. A Lock cancelled while queued leaves
// the queue and never acquires the mutex. A Lock cancelled after the mutex
// was handed to it but before it observed that (the hand-off raced with
// the cancellation) passes the mutex on to the next waiter, or releases
// it, exactly as an Unlock would.
type Mutex struct {
	mu      gosync.Mutex
	locked  bool
	waiters waitList[struct{}] // non-empty only while locked
}

var _ rt.Future[MutexGuard] = (*MutexLockFuture)(nil)

// MutexGuard is returned by Mutex.Lock; its Unlock releases the mutex. It
// is a small value (a pointer to the mutex); the zero MutexGuard must not
// be used.
type MutexGuard struct {
	m *Mutex
}

// Unlock releases the mutex the guard was obtained from; see Mutex.Unlock.
func (g MutexGuard) Unlock() { g.m.Unlock() }

// Mutex returns the mutex the guard was obtained from.
func (g MutexGuard) Mutex() *Mutex { return g.m }

// TryLock acquires the mutex if it is unlocked and nobody waits for it,
// and reports whether it did.
func (m *Mutex) TryLock() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locked {
		return false
	}
	m.locked = true
	return true
}

// Unlock releases the mutex, handing it to the longest waiting Lock if
// there is one. It panics if the mutex is not locked.
func (m *Mutex) Unlock() {
	m.mu.Lock()
	if !m.locked {
		m.mu.Unlock()
		panic("sync: unlock of unlocked Mutex")
	}
	m.release()
}

// release hands the locked mutex to the first waiter, or unlocks it, then
// releases m.mu and wakes the new owner. m.mu held, m.locked true.
func (m *Mutex) release() {
	w := m.waiters.popFront()
	if w == nil {
		m.locked = false
		m.mu.Unlock()
		return
	}
	wk := w.notify() // ownership passes to w; m.locked stays true
	m.mu.Unlock()
	wk.Wake()
}

// lockSpins is the number of yields of Lock's goroutine bridge before it
// queues.
const lockSpins = 2

// Lock acquires the mutex, waiting (in FIFO order) while it is held, and
// returns a guard whose Unlock releases it.
//
//asyncgo:async
func (m *Mutex) Lock() MutexGuard {
	if m.TryLock() { // the bridge's fast path: nothing to wait for
		return MutexGuard{m}
	}
	// A short spin before queueing. Unlock hands the mutex straight to the
	// first waiter (FIFO, no barging), so a goroutine that queues at once
	// tends to form a convoy: every Unlock then passes the mutex to a
	// parked goroutine and the unlocker, finding it taken, parks in turn.
	// Yielding a few times first lets a holder that is about to unlock do
	// so while nobody waits; TryLock still never takes the mutex from a
	// waiter.
	for i := 0; i < lockSpins; i++ {
		runtime.Gosched()
		if m.TryLock() {
			return MutexGuard{m}
		}
	}
	f := m.LockAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// LockAsync returns the future of Lock. It does nothing until polled.
func (m *Mutex) LockAsync() MutexLockFuture {
	return MutexLockFuture{m: m}
}

// MutexLockFuture is the future of Mutex.Lock. It embeds its wait-list
// node, so it must not be copied after its first Poll. It is a pointer and
// the node (48 bytes): whether it completed is a byte of the node.
type MutexLockFuture struct {
	m    *Mutex
	node waiter[struct{}]
}

// Poll acquires the mutex if it is free or was handed over, and otherwise
// queues the future (or refreshes its waker) and returns false. Taking a
// free mutex first spends a unit of the task's cooperative budget
// (rt.Context.Proceed): when it is used up, Poll returns false and the
// task is polled again after the others had a turn.
func (f *MutexLockFuture) Poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	m := f.m
	m.mu.Lock()
	defer m.mu.Unlock()
	switch f.node.state {
	case notified: // handed over by Unlock
		f.node.state = idle
	case queued:
		f.node.register(cx)
		return false
	default:
		if m.locked {
			f.node.register(cx)
			m.waiters.pushBack(&f.node)
			return false
		}
		if !cx.Proceed() {
			return false
		}
		m.locked = true
	}
	f.node.out = outDone
	return true
}

// Result returns the guard of the acquired mutex.
func (f *MutexLockFuture) Result() MutexGuard { return MutexGuard{f.m} }

// Cancel abandons the Lock: a queued future leaves the queue; a mutex
// already handed to it passes to the next waiter or is released.
// Idempotent; a no-op after completion (the mutex then stays locked: the
// completed Lock owns it).
func (f *MutexLockFuture) Cancel() {
	if f.node.out != outPending {
		return
	}
	f.node.out = outCancelled
	m := f.m
	if m == nil {
		return
	}
	m.mu.Lock()
	switch f.node.state {
	case queued:
		m.waiters.remove(&f.node)
	case notified:
		f.node.state = idle
		m.release() // unlocks m.mu
		return
	}
	m.mu.Unlock()
}
