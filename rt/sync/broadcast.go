package sync

import (
	"errors"
	"fmt"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// ErrLagged is the error a BroadcastReceiver's Recv returns (wrapped in a
// *LaggedError, which says how many values were missed) when the receiver
// fell so far behind that values it had not received were overwritten.
// Test for it with errors.Is(err, ErrLagged), or errors.As for the count.
var ErrLagged = errors.New("sync: broadcast receiver lagged")

// LaggedError is returned by BroadcastReceiver.Recv and TryRecv when the
// receiver missed values: Missed values were overwritten before it got to
// them. The receiver has moved on to the oldest value still retained,
// which the next Recv returns.
type LaggedError struct {
	// Missed is the number of values the receiver will never see.
	Missed uint64
}

// Error says how many values were missed.
func (e *LaggedError) Error() string {
	return fmt.Sprintf("sync: broadcast receiver lagged: %d values missed", e.Missed)
}

// Is reports whether target is ErrLagged.
func (e *LaggedError) Is(target error) bool { return target == ErrLagged }

// Broadcast is a bounded multi-producer multi-consumer channel where every
// value is delivered to every receiver: Send never waits; each
// BroadcastReceiver (made by Subscribe) sees every value sent after it
// subscribed, in order. The zero Broadcast is not usable: create one with
// NewBroadcast.
//
// Bound and lag: the Broadcast retains the last Cap values sent. Senders
// are never held back by slow receivers; instead a receiver that falls
// more than Cap values behind loses the oldest ones. Its next Recv returns
// a *LaggedError (errors.Is(err, ErrLagged)) saying how many values it
// missed, and the receiver continues from the oldest value still retained.
// Memory is therefore bounded by Cap values whatever the receivers do.
// Retained values stay referenced until overwritten (or until the
// Broadcast is garbage), even if every receiver has seen them.
//
// Fairness: there is no hand-off (every receiver gets every value), so
// there is no queue order to be fair about. Send wakes every waiting
// receiver; each then takes its own next value. Values sent by one
// goroutine or task are received in the order sent by every receiver.
//
// Cancel safety: Recv is cancel-safe. A cancelled Recv has not consumed
// anything: the value it was waiting for is returned by the receiver's next
// Recv (unless it lagged past it meanwhile, which is then reported).
//
// Close: after Close, Send fails with ErrClosed; each receiver first gets
// the values still retained for it, then ErrClosed at once. Close wakes
// every waiting receiver. BroadcastReceiver.Close unsubscribes a receiver.
type Broadcast[T any] struct {
	mu        gosync.Mutex
	buf       []T    // ring: the value with sequence s is buf[s%len(buf)]
	tail      uint64 // sequence number of the next value to be sent
	receivers int
	closed    bool
	recvq     waitList[struct{}] // receivers that have seen everything
}

var _ rt.Pollable = (*BroadcastReceiverRecvFuture[int])(nil)

// NewBroadcast returns a Broadcast that retains the last capacity values
// sent. It panics if capacity < 1.
func NewBroadcast[T any](capacity int) *Broadcast[T] {
	if capacity < 1 {
		panic("sync: NewBroadcast capacity must be at least 1")
	}
	return &Broadcast[T]{buf: make([]T, capacity)}
}

// Cap returns how many values the Broadcast retains.
func (b *Broadcast[T]) Cap() int { return len(b.buf) }

// Receivers returns the number of subscribed receivers that have not been
// closed.
func (b *Broadcast[T]) Receivers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.receivers
}

// Send delivers v to every current receiver and wakes those waiting. It
// never waits: if the ring is full, the oldest value is overwritten (and
// receivers that had not got it lag). It returns ErrClosed if the
// Broadcast is closed. A value sent while nobody is subscribed is not
// seen by later subscribers.
func (b *Broadcast[T]) Send(v T) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	b.buf[b.tail%uint64(len(b.buf))] = v
	b.tail++
	var buf [wakeBatch]rt.Waker
	ws := b.recvq.drain(buf[:0])
	b.mu.Unlock()
	wakeAll(ws)
	return nil
}

// Close closes the Broadcast: later sends fail, receivers get the values
// still retained for them and then ErrClosed, and every waiting receiver
// is woken. Closing twice is a no-op.
func (b *Broadcast[T]) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	ws := b.recvq.drain(nil)
	b.mu.Unlock()
	wakeAll(ws)
}

// Subscribe returns a new receiver that will see every value sent after
// this call. A receiver of a closed Broadcast gets ErrClosed at once.
func (b *Broadcast[T]) Subscribe() *BroadcastReceiver[T] {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.receivers++
	return &BroadcastReceiver[T]{b: b, next: b.tail}
}

// BroadcastReceiver is one subscription to a Broadcast; see Broadcast. It
// is meant to be used by one task or goroutine at a time.
type BroadcastReceiver[T any] struct {
	b      *Broadcast[T]
	next   uint64 // sequence number of the next value to receive
	closed bool
}

// mutex, queue and recv make the receiver a recvSource for its Recv future.
func (r *BroadcastReceiver[T]) mutex() *gosync.Mutex       { return &r.b.mu }
func (r *BroadcastReceiver[T]) queue() *waitList[struct{}] { return &r.b.recvq }

// recv takes the receiver's next value if there is one. ok is false when
// the receiver must wait. b.mu held.
func (r *BroadcastReceiver[T]) recv() (v T, ok bool, err error) {
	b := r.b
	if r.closed {
		return v, true, ErrClosed
	}
	if n := uint64(len(b.buf)); b.tail > n && r.next < b.tail-n {
		oldest := b.tail - n
		missed := oldest - r.next
		r.next = oldest
		return v, true, &LaggedError{Missed: missed}
	}
	if r.next < b.tail {
		v = b.buf[r.next%uint64(len(b.buf))]
		r.next++
		return v, true, nil
	}
	if b.closed {
		return v, true, ErrClosed
	}
	return v, false, nil
}

// TryRecv receives the receiver's next value without waiting. It returns
// ErrEmpty if the receiver has seen every value sent so far, a
// *LaggedError if it missed values, and ErrClosed once the Broadcast is
// closed and the receiver has got every retained value (or the receiver
// itself is closed).
func (r *BroadcastReceiver[T]) TryRecv() (T, error) {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	v, ok, err := r.recv()
	if !ok {
		return v, ErrEmpty
	}
	return v, err
}

// Len returns the number of retained values the receiver has not received
// yet (at most Cap; a lagging receiver has more pending than it will get).
func (r *BroadcastReceiver[T]) Len() int {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.closed {
		return 0
	}
	return int(min(b.tail-r.next, uint64(len(b.buf))))
}

// Close unsubscribes the receiver: later receives return ErrClosed, and
// it no longer counts in Receivers. A Recv of this receiver that is
// waiting must be cancelled by its owner. Closing twice is a no-op.
func (r *BroadcastReceiver[T]) Close() {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if !r.closed {
		r.closed = true
		b.receivers--
	}
}

// Recv receives the receiver's next value, waiting until one is sent. It
// returns a *LaggedError if the receiver missed values (the next Recv
// continues with the oldest retained one), and ErrClosed once the
// Broadcast is closed and every retained value has been received.
//
//asyncgo:async
func (r *BroadcastReceiver[T]) Recv() (T, error) {
	if v, err := r.TryRecv(); err != ErrEmpty { // the bridge's fast path
		return v, err
	}
	f := r.RecvAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv. It does nothing until polled.
func (r *BroadcastReceiver[T]) RecvAsync() BroadcastReceiverRecvFuture[T] {
	return BroadcastReceiverRecvFuture[T]{q: queuedRecv[T, *BroadcastReceiver[T]]{r: r}}
}

// BroadcastReceiverRecvFuture is the future of BroadcastReceiver.Recv. It
// embeds its wait-list node, so it must not be copied after its first
// Poll.
type BroadcastReceiverRecvFuture[T any] struct {
	q queuedRecv[T, *BroadcastReceiver[T]]
}

// Poll takes the receiver's next value (or the lag or close error) if
// there is one, and otherwise queues the future (or refreshes its waker)
// and returns false.
func (f *BroadcastReceiverRecvFuture[T]) Poll(cx *rt.Context) bool { return f.q.poll(cx) }

// Result returns the received value, or a *LaggedError, or ErrClosed.
func (f *BroadcastReceiverRecvFuture[T]) Result() (T, error) { return f.q.v, f.q.err }

// Cancel abandons the receive: a queued future leaves the queue. Nothing
// was consumed. Idempotent; a no-op after completion.
func (f *BroadcastReceiverRecvFuture[T]) Cancel() { f.q.cancel() }
