package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// WaitGroup waits for a collection of tasks or goroutines to finish, like
// sync.WaitGroup, but its Wait suspends the calling task instead of
// blocking a worker. Add and Done never wait. The zero WaitGroup is ready
// to use. A WaitGroup must not be copied after first use.
//
// When the counter drops to zero, every Wait waiting at that moment
// completes, even if the counter goes up again (the WaitGroup is reused)
// before the waiter runs: the moment of reaching zero is handed to each
// waiter, not re-checked later. A Wait that starts while the counter is
// zero completes at once.
//
// Fairness: all waiters are released together.
//
// Cancel safety: Wait is cancel-safe: a cancelled Wait leaves the queue
// and affects nothing else.
type WaitGroup struct {
	mu      gosync.Mutex
	n       int64
	waiters waitList[struct{}]
}

var _ rt.Pollable = (*WaitGroupWaitFuture)(nil)

// Add adds delta, which may be negative, to the counter. When the counter
// becomes zero, every waiting Wait completes. It panics if the counter
// goes negative.
func (wg *WaitGroup) Add(delta int64) {
	wg.mu.Lock()
	wg.n += delta
	if wg.n < 0 {
		wg.n -= delta
		wg.mu.Unlock()
		panic("sync: negative WaitGroup counter")
	}
	if wg.n > 0 || wg.waiters.empty() {
		wg.mu.Unlock()
		return
	}
	var buf [wakeBatch]rt.Waker
	ws := wg.waiters.notifyAll(buf[:0])
	wg.mu.Unlock()
	wakeAll(ws)
}

// Done decrements the counter by one.
func (wg *WaitGroup) Done() { wg.Add(-1) }

// Go calls f in a new goroutine and adds that goroutine to the group: Add
// before it starts, Done when f returns.
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
}

// Count returns the current counter.
func (wg *WaitGroup) Count() int64 {
	wg.mu.Lock()
	defer wg.mu.Unlock()
	return wg.n
}

// Wait waits until the counter is zero.
//
//asyncgo:async
func (wg *WaitGroup) Wait() {
	f := wg.WaitAsync()
	rt.BlockOn(&f)
	f.Result()
}

// WaitAsync returns the future of Wait. It does nothing until polled.
func (wg *WaitGroup) WaitAsync() WaitGroupWaitFuture {
	return WaitGroupWaitFuture{wg: wg}
}

// WaitGroupWaitFuture is the future of WaitGroup.Wait. It embeds its
// wait-list node, so it must not be copied after its first Poll.
type WaitGroupWaitFuture struct {
	wg   *WaitGroup
	node waiter[struct{}]
	done bool
}

// Poll completes if the counter is zero or reached zero while the future
// was queued, and otherwise queues the future (or refreshes its waker)
// and returns false.
func (f *WaitGroupWaitFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	wg := f.wg
	wg.mu.Lock()
	defer wg.mu.Unlock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		return false
	default:
		if wg.n > 0 {
			f.node.register(cx)
			wg.waiters.pushBack(&f.node)
			return false
		}
	}
	f.done = true
	return true
}

// Result returns nothing; Wait has no results.
func (f *WaitGroupWaitFuture) Result() {}

// Cancel abandons the Wait: a queued future leaves the queue. Idempotent;
// a no-op after completion.
func (f *WaitGroupWaitFuture) Cancel() {
	if f.done {
		return
	}
	f.done = true
	wg := f.wg
	if wg == nil {
		return
	}
	wg.mu.Lock()
	if f.node.state == queued {
		wg.waiters.remove(&f.node)
	}
	f.node.state = idle
	wg.mu.Unlock()
}
