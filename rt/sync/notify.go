package sync

import (
	gosync "sync"
	"sync/atomic"

	"github.com/asyncgo/asyncgo/rt"
)

// Notify wakes tasks waiting for an event, without carrying data: a
// building block for hand-written primitives and for "something changed,
// look again" signals. The zero Notify is ready to use. A Notify must not
// be copied after first use.
//
// NotifyOne wakes the longest waiting Notified; if nobody waits, it stores
// a permit (at most one: several NotifyOne calls in a row store one), and
// the next Notified consumes it and completes at once. So a notification
// sent just before the receiver starts waiting is never lost.
//
// NotifyWaiters wakes every Notified waiting at that moment, and also
// every Notified future created (by NotifiedAsync) before the call but not
// yet polled; it stores no permit. Creating the future first, then
// checking a condition, then awaiting the future, therefore cannot miss a
// NotifyWaiters issued after the check:
//
//	f := n.NotifiedAsync()
//	if !ready() {
//		rt.BlockOn(&f) // or, in a hand-written future, poll f to completion
//	} else {
//		f.Cancel()
//	}
//
// Fairness: NotifyOne serves waiters in FIFO order, by direct hand-off.
//
// Cancel safety: Notified is cancel-safe. A Notified cancelled while
// queued leaves the queue. One cancelled after NotifyOne chose it passes
// the notification on to the next waiter, or stores it as the permit, so
// it is not lost; one cancelled after NotifyWaiters woke it passes nothing
// on (that broadcast had no permit to lose).
type Notify struct {
	mu      gosync.Mutex
	gen     atomic.Uint64 // count of NotifyWaiters calls; written under mu
	permit  bool
	waiters waitList[bool] // val: true when completed by NotifyOne
}

var _ rt.Pollable = (*NotifyNotifiedFuture)(nil)

// NotifyOne wakes the longest waiting Notified, or stores the permit if
// nobody waits.
func (n *Notify) NotifyOne() {
	n.mu.Lock()
	n.notifyOne() // unlocks
}

// notifyOne hands the notification to the first waiter, or stores the
// permit, then releases n.mu and wakes the waiter. n.mu held.
func (n *Notify) notifyOne() {
	w := n.waiters.popFront()
	if w == nil {
		n.permit = true
		n.mu.Unlock()
		return
	}
	w.val = true
	wk := w.notify()
	n.mu.Unlock()
	wk.Wake()
}

// NotifyWaiters wakes every Notified that is waiting, or was created
// before this call and not yet polled. It stores no permit.
func (n *Notify) NotifyWaiters() {
	n.mu.Lock()
	n.gen.Add(1)
	var buf [wakeBatch]rt.Waker
	ws := n.waiters.notifyAll(buf[:0])
	n.mu.Unlock()
	wakeAll(ws)
}

// Notified waits for a notification: it consumes the stored permit and
// returns at once if there is one, and otherwise waits for NotifyOne or
// NotifyWaiters.
//
//asyncgo:async
func (n *Notify) Notified() {
	f := n.NotifiedAsync()
	rt.BlockOn(&f)
	f.Result()
}

// NotifiedAsync returns the future of Notified. It does nothing until
// polled, except remember how many NotifyWaiters calls happened so far: a
// later one completes the future even before its first Poll.
func (n *Notify) NotifiedAsync() NotifyNotifiedFuture {
	return NotifyNotifiedFuture{n: n, gen: n.gen.Load()}
}

// NotifyNotifiedFuture is the future of Notify.Notified. It embeds its
// wait-list node, so it must not be copied after its first Poll.
type NotifyNotifiedFuture struct {
	n    *Notify
	gen  uint64
	node waiter[bool]
	done bool
}

// Poll completes if a NotifyWaiters happened since the future was created,
// if the permit is stored (consuming it), or if the future was notified
// while queued; otherwise it queues the future (or refreshes its waker)
// and returns false.
func (f *NotifyNotifiedFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	switch f.node.state {
	case notified:
		f.node.state = idle
	case queued:
		f.node.register(cx)
		return false
	default:
		switch {
		case (n.gen.Load() != f.gen || n.permit) && !cx.Proceed():
			return false // budget used up (rt.Context.Proceed)
		case n.gen.Load() != f.gen:
		case n.permit:
			n.permit = false
		default:
			f.node.val = false
			f.node.register(cx)
			n.waiters.pushBack(&f.node)
			return false
		}
	}
	f.done = true
	return true
}

// Result returns nothing; Notified has no results.
func (f *NotifyNotifiedFuture) Result() {}

// Cancel abandons the wait: a queued future leaves the queue; a
// notification NotifyOne already handed to it passes to the next waiter or
// becomes the stored permit. Idempotent; a no-op after completion.
func (f *NotifyNotifiedFuture) Cancel() {
	if f.done {
		return
	}
	f.done = true
	n := f.n
	if n == nil {
		return
	}
	n.mu.Lock()
	switch f.node.state {
	case queued:
		n.waiters.remove(&f.node)
	case notified:
		f.node.state = idle
		if f.node.val {
			n.notifyOne() // unlocks
			return
		}
	}
	n.mu.Unlock()
}
