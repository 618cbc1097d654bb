package sync

import (
	"errors"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// ErrTooLarge is returned by Semaphore.Acquire when asked for more permits
// than the semaphore has in total: such a request could never succeed.
var ErrTooLarge = errors.New("sync: acquire exceeds semaphore size")

// Semaphore is a weighted counting semaphore: it holds Size permits, and
// Acquire(n) waits until it can take n of them. Use it to bound
// concurrency or the total weight of work in flight (bytes buffered,
// connections open). The zero Semaphore is not usable: create one with
// NewSemaphore.
//
// Fairness: strictly FIFO. Permits go to waiters in arrival order, and a
// large request at the head of the queue is not overtaken by smaller ones
// behind it (nor by TryAcquire), so no request starves. While the head
// request waits, released permits are assigned to it as they come back
// (partial grants), until it has all it asked for.
//
// Cancel safety: Acquire is cancel-safe. A cancelled Acquire never holds
// permits: the partial grants of a queued request, or the whole grant of
// a request that completed just as it was cancelled, are released again
// (to the next waiter, or back into the semaphore), exactly as Release
// would.
//
// Close: after Close, Acquire and TryAcquire fail (with ErrClosed, and
// false); waiting requests are woken, fail, and their partial grants
// return to the semaphore. Release still works, so holders may return
// their permits after Close.
type Semaphore struct {
	mu      gosync.Mutex
	size    int64
	avail   int64             // free permits; 0 while anyone waits
	held    int64             // permits held by completed Acquires
	waiters waitList[semWant] // the head collects partial grants
	closed  bool
}

// semWant is the request carried by a waiting Acquire's node.
type semWant struct {
	n    int64 // permits asked for
	need int64 // permits still missing; n - need were granted
}

var _ rt.Future[error] = (*SemaphoreAcquireFuture)(nil)

// NewSemaphore returns a semaphore with size permits, all free. It panics
// if size < 0.
func NewSemaphore(size int64) *Semaphore {
	if size < 0 {
		panic("sync: NewSemaphore size must not be negative")
	}
	return &Semaphore{size: size, avail: size}
}

// Size returns the total number of permits.
func (s *Semaphore) Size() int64 { return s.size }

// Available returns the number of free permits (not counting partial
// grants held by a waiting request).
func (s *Semaphore) Available() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.avail
}

// TryAcquire takes n permits if they are free and nobody waits, and
// reports whether it did. It panics if n < 0.
func (s *Semaphore) TryAcquire(n int64) bool {
	if n < 0 {
		panic("sync: Semaphore.TryAcquire of a negative count")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || !s.waiters.empty() || s.avail < n {
		return false
	}
	s.avail -= n
	s.held += n
	return true
}

// Release returns n permits, assigning them to waiting requests in FIFO
// order. It panics if n < 0 or if more permits are released than are
// held.
func (s *Semaphore) Release(n int64) {
	if n < 0 {
		panic("sync: Semaphore.Release of a negative count")
	}
	s.mu.Lock()
	if n > s.held {
		s.mu.Unlock()
		panic("sync: Semaphore released more permits than held")
	}
	s.held -= n
	s.give(n) // unlocks s.mu
}

// give assigns n free permits to the waiters at the head of the queue,
// puts the rest back, releases s.mu and wakes the requests it completed.
// s.mu held.
func (s *Semaphore) give(n int64) {
	var buf [wakeBatch]rt.Waker
	ws := buf[:0]
	for w := s.waiters.head; w != nil && n > 0; w = s.waiters.head {
		g := min(n, w.val.need)
		w.val.need -= g
		n -= g
		if w.val.need > 0 {
			break
		}
		s.held += w.val.n
		s.waiters.remove(w)
		ws = append(ws, w.notify())
	}
	s.avail += n
	s.mu.Unlock()
	wakeAll(ws)
}

// Close makes every later Acquire fail with ErrClosed and wakes the
// waiting ones, which fail too; their partial grants return to the
// semaphore. Closing twice is a no-op.
func (s *Semaphore) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	var ws []rt.Waker
	for w := s.waiters.popFront(); w != nil; w = s.waiters.popFront() {
		s.avail += w.val.n - w.val.need
		w.val.need = w.val.n
		ws = append(ws, w.waker)
	}
	s.mu.Unlock()
	wakeAll(ws)
}

// Acquire takes n permits, waiting (in FIFO order) until they are
// available. It returns ErrTooLarge at once if n exceeds Size, and
// ErrClosed if the semaphore is or becomes closed before the permits were
// granted. Acquire(0) completes at once unless closed. It panics if n < 0.
//
//asyncgo:async
func (s *Semaphore) Acquire(n int64) error {
	if n >= 0 && s.TryAcquire(n) { // the bridge's fast path
		return nil
	}
	f := s.AcquireAsync(n)
	rt.BlockOn(&f)
	return f.Result()
}

// AcquireAsync returns the future of Acquire. It does nothing until
// polled.
func (s *Semaphore) AcquireAsync(n int64) SemaphoreAcquireFuture {
	return SemaphoreAcquireFuture{s: s, node: waiter[semWant]{val: semWant{n: n, need: n}}}
}

// SemaphoreAcquireFuture is the future of Semaphore.Acquire. It embeds its
// wait-list node, so it must not be copied after its first Poll.
type SemaphoreAcquireFuture struct {
	s    *Semaphore
	node waiter[semWant]
	err  error
	done bool
}

// Poll takes the permits if they are free and nobody waits (or they were
// all granted), completes with an error on a closed semaphore or a request
// that is too large, and otherwise queues the future, taking whatever is
// free as a partial grant, and returns false. Taking free permits first
// spends a unit of the task's cooperative budget (rt.Context.Proceed).
func (f *SemaphoreAcquireFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	n := f.node.val.n
	if n < 0 {
		panic("sync: Semaphore.Acquire of a negative count")
	}
	s := f.s
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		return false
	default:
		switch {
		case s.closed:
			f.err = ErrClosed
		case n > s.size:
			f.err = ErrTooLarge
		case n == 0 || s.waiters.empty() && s.avail >= n:
			// Free permits: spend a unit of the cooperative budget
			// first (rt.Context.Proceed).
			if !cx.Proceed() {
				return false
			}
			s.avail -= n
			s.held += n
		default:
			// Queue, taking what is free: a request joining an empty
			// queue becomes its head; otherwise avail is 0.
			g := s.avail
			s.avail = 0
			f.node.val.need = n - g
			f.node.register(cx)
			s.waiters.pushBack(&f.node)
			return false
		}
	}
	f.done = true
	return true
}

// Result returns nil once the permits are held, or ErrClosed, or
// ErrTooLarge.
func (f *SemaphoreAcquireFuture) Result() error { return f.err }

// Cancel abandons the Acquire: a queued request leaves the queue and its
// partial grants are released; permits already granted in full are
// released too. Idempotent; a no-op after completion (the permits then
// belong to the caller, who must Release them).
func (f *SemaphoreAcquireFuture) Cancel() {
	if f.done {
		return
	}
	f.done = true
	s := f.s
	if s == nil {
		return
	}
	s.mu.Lock()
	var n int64
	switch f.node.state {
	case queued:
		s.waiters.remove(&f.node)
		n = f.node.val.n - f.node.val.need
	case notified:
		f.node.state = idle
		n = f.node.val.n
		s.held -= n
	default:
		s.mu.Unlock()
		return
	}
	// give also serves the waiters behind a cancelled head that are now
	// first, even when n is 0 (they may fit in the free permits).
	s.give(n) // unlocks s.mu
}
