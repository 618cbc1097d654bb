package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Barrier makes a fixed number of tasks or goroutines wait for each
// other: each calls Wait, and the first n-1 wait until the n-th arrives;
// then all n return and the barrier is ready for the next round. The zero
// Barrier is not usable: create one with NewBarrier.
//
// Exactly one Wait of each round reports that it is the leader (the one
// that arrived last), so that one participant can do per-round work.
//
// Fairness: every waiter of a round is released together.
//
// Cancel safety: Wait is cancel-safe in the sense that a Wait cancelled
// while waiting withdraws its arrival: the round then needs another
// arrival to complete. A Wait cancelled after its round completed (it was
// released but had not observed it) stays counted: the round happened.
type Barrier struct {
	mu      gosync.Mutex
	n       int // participants per round
	arrived int // arrivals in the current round
	waiters waitList[struct{}]
}

var _ rt.Future[bool] = (*BarrierWaitFuture)(nil)

// NewBarrier returns a barrier for rounds of n participants. It panics if
// n < 1.
func NewBarrier(n int) *Barrier {
	if n < 1 {
		panic("sync: NewBarrier needs at least one participant")
	}
	return &Barrier{n: n}
}

// Wait arrives at the barrier and waits until n participants have arrived
// in this round. It returns true in exactly one participant per round, the
// last to arrive.
//
//asyncgo:async
func (b *Barrier) Wait() bool {
	f := b.WaitAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// WaitAsync returns the future of Wait. It does nothing until polled (in
// particular, it has not arrived yet).
func (b *Barrier) WaitAsync() BarrierWaitFuture {
	return BarrierWaitFuture{b: b}
}

// BarrierWaitFuture is the future of Barrier.Wait. It embeds its wait-list
// node, so it must not be copied after its first Poll.
type BarrierWaitFuture struct {
	b      *Barrier
	node   waiter[struct{}]
	leader bool
	done   bool
}

// Poll arrives on the first call: the n-th arrival completes at once as
// the leader and releases the others; earlier arrivals queue (or refresh
// their waker) and return false until released.
func (f *BarrierWaitFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	b := f.b
	b.mu.Lock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		b.mu.Unlock()
		return false
	default:
		b.arrived++
		if b.arrived < b.n {
			f.node.register(cx)
			b.waiters.pushBack(&f.node)
			b.mu.Unlock()
			return false
		}
		b.arrived = 0
		f.leader = true
		f.done = true
		var buf [wakeBatch]rt.Waker
		ws := b.waiters.notifyAll(buf[:0])
		b.mu.Unlock()
		wakeAll(ws)
		return true
	}
	f.done = true
	b.mu.Unlock()
	return true
}

// Result reports whether this Wait was the round's leader.
func (f *BarrierWaitFuture) Result() bool { return f.leader }

// Cancel abandons the Wait: a queued future leaves the queue and its
// arrival is withdrawn. Idempotent; a no-op after completion.
func (f *BarrierWaitFuture) Cancel() {
	if f.done {
		return
	}
	f.done = true
	b := f.b
	if b == nil {
		return
	}
	b.mu.Lock()
	if f.node.state == queued {
		b.waiters.remove(&f.node)
		b.arrived--
	}
	f.node.state = idle
	b.mu.Unlock()
}
