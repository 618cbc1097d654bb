package sync

import (
	"runtime"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// RWMutex is a reader/writer mutual exclusion lock whose Lock and RLock
// suspend the calling task (or block the calling goroutine, through the
// bridge): any number of readers or one writer hold it. The zero RWMutex
// is unlocked and ready to use. An RWMutex must not be copied after first
// use.
//
// Lock returns an RWMutexGuard and RLock an RWMutexReadGuard; both have an
// Unlock method, so the pattern is the same for both:
//
//	g := rw.RLock()
//	defer g.Unlock()
//
// Fairness: one FIFO queue for readers and writers, with direct hand-off.
// A reader gets the lock at once only if no writer holds it and nobody
// waits; otherwise it queues, so a waiting writer is never starved by a
// stream of new readers. When the lock is released, the waiters at the
// head of the queue get it: one writer, or every reader up to the next
// waiting writer, all at once. Neither TryLock nor TryRLock barges in
// ahead of waiters.
//
// Cancel safety: Lock and RLock are cancel-safe. A waiter cancelled in the
// queue leaves it and never gets the lock; if it was a writer blocking the
// readers behind it, they get the lock at once. A lock handed to a waiter
// cancelled at that moment is released again, exactly as an Unlock (or
// RUnlock) would, passing it on to the next waiters.
type RWMutex struct {
	mu      gosync.Mutex
	readers int            // readers holding the lock
	writer  bool           // a writer holds the lock
	waiters waitList[bool] // val: true for a writer; non-empty only while held
}

var (
	_ rt.Future[RWMutexGuard]     = (*RWMutexLockFuture)(nil)
	_ rt.Future[RWMutexReadGuard] = (*RWMutexRLockFuture)(nil)
)

// RWMutexGuard is returned by RWMutex.Lock; its Unlock releases the write
// lock. The zero RWMutexGuard must not be used.
type RWMutexGuard struct {
	m *RWMutex
}

// Unlock releases the write lock; see RWMutex.Unlock.
func (g RWMutexGuard) Unlock() { g.m.Unlock() }

// RWMutexReadGuard is returned by RWMutex.RLock; its Unlock releases one
// read lock. The zero RWMutexReadGuard must not be used.
type RWMutexReadGuard struct {
	m *RWMutex
}

// Unlock releases the read lock; see RWMutex.RUnlock.
func (g RWMutexReadGuard) Unlock() { g.m.RUnlock() }

// TryLock acquires the write lock if nobody holds the lock and nobody
// waits, and reports whether it did.
func (m *RWMutex) TryLock() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writer || m.readers > 0 || !m.waiters.empty() {
		return false
	}
	m.writer = true
	return true
}

// TryRLock acquires a read lock if no writer holds the lock and nobody
// waits, and reports whether it did.
func (m *RWMutex) TryRLock() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writer || !m.waiters.empty() {
		return false
	}
	m.readers++
	return true
}

// Unlock releases the write lock, handing the lock to the waiters at the
// head of the queue. It panics if no writer holds the lock.
func (m *RWMutex) Unlock() {
	m.mu.Lock()
	if !m.writer {
		m.mu.Unlock()
		panic("sync: Unlock of unlocked RWMutex")
	}
	m.writer = false
	m.release()
}

// RUnlock releases one read lock; the last reader to leave hands the lock
// to the waiter at the head of the queue. It panics if no reader holds the
// lock.
func (m *RWMutex) RUnlock() {
	m.mu.Lock()
	if m.readers == 0 {
		m.mu.Unlock()
		panic("sync: RUnlock of unlocked RWMutex")
	}
	m.readers--
	m.release()
}

// release hands the lock to the waiters at the head of the queue as far as
// the lock's state allows, then releases m.mu and wakes them. m.mu held.
func (m *RWMutex) release() {
	var buf [wakeBatch]rt.Waker
	ws := buf[:0]
	for w := m.waiters.head; w != nil && !m.writer; w = m.waiters.head {
		if w.val { // a writer
			if m.readers > 0 {
				break
			}
			m.writer = true
		} else {
			m.readers++
		}
		m.waiters.remove(w)
		ws = append(ws, w.notify())
	}
	m.mu.Unlock()
	wakeAll(ws)
}

// Lock acquires the write lock, waiting (in FIFO order with the readers)
// while anyone holds it, and returns a guard whose Unlock releases it.
//
//asyncgo:async
func (m *RWMutex) Lock() RWMutexGuard {
	if m.TryLock() { // the bridge's fast path: nothing to wait for
		return RWMutexGuard{m}
	}
	for i := 0; i < lockSpins; i++ { // see Mutex.Lock: avoid convoys
		runtime.Gosched()
		if m.TryLock() {
			return RWMutexGuard{m}
		}
	}
	f := m.LockAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// LockAsync returns the future of Lock. It does nothing until polled.
func (m *RWMutex) LockAsync() RWMutexLockFuture {
	return RWMutexLockFuture{rwLock{m: m, node: waiter[bool]{val: true}}}
}

// RLock acquires a read lock, waiting (in FIFO order with the writers)
// while a writer holds the lock or anyone waits for it, and returns a
// guard whose Unlock releases it.
//
//asyncgo:async
func (m *RWMutex) RLock() RWMutexReadGuard {
	if m.TryRLock() { // the bridge's fast path: nothing to wait for
		return RWMutexReadGuard{m}
	}
	for i := 0; i < lockSpins; i++ { // see Mutex.Lock: avoid convoys
		runtime.Gosched()
		if m.TryRLock() {
			return RWMutexReadGuard{m}
		}
	}
	f := m.RLockAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RLockAsync returns the future of RLock. It does nothing until polled.
func (m *RWMutex) RLockAsync() RWMutexRLockFuture {
	return RWMutexRLockFuture{rwLock{m: m}}
}

// rwLock is the state shared by the Lock and RLock futures.
type rwLock struct {
	m    *RWMutex
	node waiter[bool] // val: true for Lock; out: the outcome
}

// poll acquires the lock (write if node.val) if the state allows and
// nobody waits, or was handed over; otherwise it queues the waiter. Taking
// a free lock first spends a unit of the cooperative budget
// (rt.Context.Proceed).
func (f *rwLock) poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	m := f.m
	m.mu.Lock()
	defer m.mu.Unlock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		return false
	default:
		switch {
		case !m.waiters.empty() || m.writer || (f.node.val && m.readers > 0):
			f.node.register(cx)
			m.waiters.pushBack(&f.node)
			return false
		case !cx.Proceed():
			return false
		case f.node.val:
			m.writer = true
		default:
			m.readers++
		}
	}
	f.node.out = outDone
	return true
}

func (f *rwLock) cancel() {
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
		// If it was a writer at the head, the readers behind it may go.
		m.waiters.remove(&f.node)
	case notified:
		f.node.state = idle
		if f.node.val {
			m.writer = false
		} else {
			m.readers--
		}
	default:
		m.mu.Unlock()
		return
	}
	m.release() // unlocks m.mu
}

// RWMutexLockFuture is the future of RWMutex.Lock. It embeds its wait-list
// node, so it must not be copied after its first Poll.
type RWMutexLockFuture struct{ l rwLock }

// Poll acquires the write lock if it is free and nobody waits (or it was
// handed over), and otherwise queues the future (or refreshes its waker)
// and returns false.
func (f *RWMutexLockFuture) Poll(cx *rt.Context) bool { return f.l.poll(cx) }

// Result returns the guard of the acquired write lock.
func (f *RWMutexLockFuture) Result() RWMutexGuard { return RWMutexGuard{f.l.m} }

// Cancel abandons the Lock: a queued future leaves the queue (readers
// queued behind it may then get the lock); a lock already handed to it is
// released and passed on. Idempotent; a no-op after completion.
func (f *RWMutexLockFuture) Cancel() { f.l.cancel() }

// RWMutexRLockFuture is the future of RWMutex.RLock. It embeds its
// wait-list node, so it must not be copied after its first Poll.
type RWMutexRLockFuture struct{ l rwLock }

// Poll acquires a read lock if no writer holds the lock and nobody waits
// (or it was handed over), and otherwise queues the future (or refreshes
// its waker) and returns false.
func (f *RWMutexRLockFuture) Poll(cx *rt.Context) bool { return f.l.poll(cx) }

// Result returns the guard of the acquired read lock.
func (f *RWMutexRLockFuture) Result() RWMutexReadGuard { return RWMutexReadGuard{f.l.m} }

// Cancel abandons the RLock: a queued future leaves the queue; a read lock
// already handed to it is released (the last reader out passes the lock
// on). Idempotent; a no-op after completion.
func (f *RWMutexRLockFuture) Cancel() { f.l.cancel() }
