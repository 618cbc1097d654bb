package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Watch holds a single value that changes over time: Send replaces it,
// and each WatchReceiver (made by Subscribe) can wait for a value it has
// not seen yet. Intermediate values may be skipped: a receiver always gets
// the latest value, never a queue of them. Typical uses are configuration
// and status (shutdown flags, health, the current leader). The zero Watch
// is not usable: create one with NewWatch.
//
// Each send gives the value a new version. A receiver remembers the
// version it last received; its Recv returns at once if the Watch holds a
// newer version, and otherwise waits for the next Send. A new receiver has
// seen the value current when it subscribed.
//
// Fairness: there is no hand-off; Send wakes every waiting receiver, and
// each reads the latest value when it runs. No wake-up is lost: a Send
// that happens between a receiver's check and its wait is seen, because
// both are done under the Watch's lock.
//
// Cancel safety: Recv is cancel-safe. A cancelled Recv has not marked
// anything seen: the next Recv returns the unseen value.
//
// Close: after Close, Send fails with ErrClosed; a receiver first gets a
// value it has not seen yet (if any), then ErrClosed at once. Load keeps
// returning the last value.
type Watch[T any] struct {
	mu      gosync.Mutex
	v       T
	version uint64
	closed  bool
	recvq   waitList[struct{}] // receivers that have seen version
}

var _ rt.Pollable = (*WatchReceiverRecvFuture[int])(nil)

// NewWatch returns a Watch holding initial.
func NewWatch[T any](initial T) *Watch[T] {
	return &Watch[T]{v: initial}
}

// Send replaces the value with v and wakes every waiting receiver. It
// never waits. It returns ErrClosed if the Watch is closed (v is then
// dropped).
func (w *Watch[T]) Send(v T) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.v = v
	w.version++
	var buf [wakeBatch]rt.Waker
	ws := w.recvq.drain(buf[:0])
	w.mu.Unlock()
	wakeAll(ws)
	return nil
}

// Load returns the current value.
func (w *Watch[T]) Load() T {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.v
}

// Close closes the Watch: later sends fail, and waiting receivers are
// woken and get ErrClosed (after a value they have not seen, if any).
// Closing twice is a no-op.
func (w *Watch[T]) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	ws := w.recvq.drain(nil)
	w.mu.Unlock()
	wakeAll(ws)
}

// Subscribe returns a receiver that has seen the current value: its
// first Recv waits for the next Send.
func (w *Watch[T]) Subscribe() *WatchReceiver[T] {
	w.mu.Lock()
	defer w.mu.Unlock()
	return &WatchReceiver[T]{w: w, seen: w.version}
}

// WatchReceiver follows a Watch; see Watch. It is meant to be used by one
// task or goroutine at a time.
type WatchReceiver[T any] struct {
	w    *Watch[T]
	seen uint64 // version of the last value received
}

// Load returns the current value without marking it seen.
func (r *WatchReceiver[T]) Load() T { return r.w.Load() }

// Changed reports whether the Watch holds a value the receiver has not
// received yet.
func (r *WatchReceiver[T]) Changed() bool {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	return r.w.version != r.seen
}

// mutex, queue and recv make the receiver a recvSource for its Recv future.
func (r *WatchReceiver[T]) mutex() *gosync.Mutex       { return &r.w.mu }
func (r *WatchReceiver[T]) queue() *waitList[struct{}] { return &r.w.recvq }

// recv returns the current value and marks it seen if the receiver has
// not seen it; ok is false when the receiver must wait. w.mu held.
func (r *WatchReceiver[T]) recv() (v T, ok bool, err error) {
	w := r.w
	switch {
	case w.version != r.seen:
		r.seen = w.version
		return w.v, true, nil
	case w.closed:
		return v, true, ErrClosed
	}
	return v, false, nil
}

// Recv waits until the Watch holds a value the receiver has not seen,
// marks it seen and returns it. Values sent in between are skipped. It
// returns ErrClosed once the Watch is closed and its last value was seen.
//
//asyncgo:async
func (r *WatchReceiver[T]) Recv() (T, error) {
	f := r.RecvAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv. It does nothing until polled.
func (r *WatchReceiver[T]) RecvAsync() WatchReceiverRecvFuture[T] {
	return WatchReceiverRecvFuture[T]{q: queuedRecv[T, *WatchReceiver[T]]{r: r}}
}

// WatchReceiverRecvFuture is the future of WatchReceiver.Recv. It embeds
// its wait-list node, so it must not be copied after its first Poll.
type WatchReceiverRecvFuture[T any] struct {
	q queuedRecv[T, *WatchReceiver[T]]
}

// Poll takes an unseen value (or ErrClosed) if there is one, and
// otherwise queues the future (or refreshes its waker) and returns false.
func (f *WatchReceiverRecvFuture[T]) Poll(cx *rt.Context) bool { return f.q.poll(cx) }

// Result returns the received value, or ErrClosed.
func (f *WatchReceiverRecvFuture[T]) Result() (T, error) { return f.q.v, f.q.err }

// Cancel abandons the receive: a queued future leaves the queue; nothing
// is marked seen. Idempotent; a no-op after completion.
func (f *WatchReceiverRecvFuture[T]) Cancel() { f.q.cancel() }
