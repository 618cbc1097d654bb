package sync

import (
	"iter"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Ring is a bounded multi-producer multi-consumer FIFO queue of values of
// type T with a fixed capacity: Send waits while the ring is full
// (back-pressure), Recv waits while it is empty. The zero Ring is not
// usable: create one with NewRing.
//
// Capacity is exact: at no moment does the ring hold more than Cap values,
// counting both buffered values and values already handed to a waiting
// receiver that has not yet picked them up. A value moves from a waiting
// sender into the ring only when a slot is free.
//
// Fairness: both queues are FIFO. Waiting receivers are served in arrival
// order, and waiting senders enter the ring in arrival order: while any
// sender waits the ring is full, so a newly arriving sender cannot
// overtake it. Values are received in the order they entered the ring.
//
// Cancel safety: Recv is cancel-safe: cancelling a pending receive never
// loses a value (a value already handed to it goes to the next waiting
// receiver or back to the head of the ring). Send is cancel-safe in the
// sense that a cancelled send either delivered its value completely (it
// had already entered the ring when Cancel ran) or not at all; its place
// in the queue of senders is lost.
//
// Close: after Close, sends fail with ErrClosed (waiting senders are woken
// and fail too, their values are not delivered); receivers first drain the
// values in the ring, then get ErrClosed at once.
type Ring[T any] struct {
	mu       gosync.Mutex
	buf      deque[T]
	capacity int
	inflight int         // values handed to receivers not yet picked up
	recvq    waitList[T] // non-empty only while buf is empty
	sendq    waitList[T] // non-empty only while the ring is full
	closed   bool
}

var (
	_ rt.Future[error] = (*RingSendFuture[int])(nil)
	_ rt.Pollable      = (*RingRecvFuture[int])(nil)
)

// NewRing returns an empty ring that holds at most capacity values. It
// panics if capacity < 1.
func NewRing[T any](capacity int) *Ring[T] {
	if capacity < 1 {
		panic("sync: NewRing capacity must be at least 1")
	}
	return &Ring[T]{buf: deque[T]{buf: make([]T, capacity)}, capacity: capacity}
}

// full reports whether every slot is taken. Lock held.
func (r *Ring[T]) full() bool { return r.buf.len()+r.inflight >= r.capacity }

// put stores v, which must fit, into the ring: directly into the first
// waiting receiver's node, or into the buffer. It returns the waker to wake
// after unlocking (possibly zero). Lock held.
func (r *Ring[T]) put(v T) rt.Waker {
	if w := r.recvq.popFront(); w != nil {
		w.val = v
		r.inflight++
		return w.notify()
	}
	r.buf.pushBack(v)
	if r.buf.len()+r.inflight > r.capacity {
		panic("sync: Ring over capacity (internal error)")
	}
	return rt.Waker{}
}

// admit moves the first waiting sender's value into the ring if a slot is
// free; called after one slot was freed. It returns up to two wakers (the
// sender's and the receiver's the value went to). Lock held.
func (r *Ring[T]) admit() (rt.Waker, rt.Waker) {
	if r.full() {
		return rt.Waker{}, rt.Waker{}
	}
	s := r.sendq.popFront()
	if s == nil {
		return rt.Waker{}, rt.Waker{}
	}
	v := s.take()
	ws := s.notify()
	return ws, r.put(v)
}

// TrySend puts v into the ring without waiting. It returns ErrFull if the
// ring is at capacity and ErrClosed if it is closed.
func (r *Ring[T]) TrySend(v T) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	if r.full() {
		r.mu.Unlock()
		return ErrFull
	}
	wk := r.put(v)
	r.mu.Unlock()
	wk.Wake()
	return nil
}

// TryRecv takes a value without waiting. It returns ErrEmpty if the ring
// is open and has no value ready, ErrClosed if it is closed and drained.
func (r *Ring[T]) TryRecv() (T, error) {
	var zero T
	r.mu.Lock()
	if r.buf.len() > 0 {
		v := r.buf.popFront()
		w1, w2 := r.admit()
		r.mu.Unlock()
		w1.Wake()
		w2.Wake()
		return v, nil
	}
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return zero, ErrClosed
	}
	return zero, ErrEmpty
}

// Close closes the ring and wakes every waiting sender and receiver.
// Closing a closed ring is a no-op.
func (r *Ring[T]) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	wakers := r.recvq.drain(nil)
	wakers = r.sendq.drain(wakers)
	r.mu.Unlock()
	wakeAll(wakers)
}

// Len returns the number of values in the ring: buffered, or handed to a
// receiver that has not picked them up yet. It never exceeds Cap.
func (r *Ring[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.len() + r.inflight
}

// Cap returns the capacity of the ring.
func (r *Ring[T]) Cap() int { return r.capacity }

// Send puts v into the ring, waiting while the ring is full. It returns
// ErrClosed if the ring is or becomes closed before v entered it.
//
//asyncgo:async
func (r *Ring[T]) Send(v T) error {
	if err := r.TrySend(v); err != ErrFull { // the bridge's fast path
		return err
	}
	f := r.SendAsync(v)
	rt.BlockOn(&f)
	return f.Result()
}

// SendAsync returns the future of Send. It does nothing until polled.
func (r *Ring[T]) SendAsync(v T) RingSendFuture[T] {
	return RingSendFuture[T]{r: r, node: waiter[T]{val: v}}
}

// RingSendFuture is the future of Ring.Send. It embeds its wait-list node
// (which carries the value while waiting), so it must not be copied after
// its first Poll.
type RingSendFuture[T any] struct {
	r    *Ring[T]
	node waiter[T] // node.out: the outcome (done, ErrClosed, cancelled)
}

// Poll puts the value into the ring if there is room, completes with
// ErrClosed on a closed ring, and otherwise queues the future (or
// refreshes its waker) and returns false. A send that could complete
// without waiting first spends a unit of the task's cooperative budget
// (rt.Context.Proceed): when it is used up, Poll returns false and the
// task is polled again after the others had a turn.
func (f *RingSendFuture[T]) Poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	r := f.r
	r.mu.Lock()
	switch f.node.state {
	case notified: // a receiver moved our value into the ring
		f.node.state = idle
		f.node.out = outDone
	case queued:
		f.node.register(cx)
		r.mu.Unlock()
		return false
	default:
		if !r.closed && r.full() {
			f.node.register(cx)
			r.sendq.pushBack(&f.node)
			r.mu.Unlock()
			return false
		}
		if !cx.Proceed() {
			r.mu.Unlock()
			return false
		}
		if r.closed {
			f.node.take()
			f.node.out = outClosed
			break
		}
		wk := r.put(f.node.take())
		f.node.out = outDone
		r.mu.Unlock()
		wk.Wake()
		return true
	}
	r.mu.Unlock()
	return true
}

// Result returns nil once the value entered the ring, or ErrClosed.
func (f *RingSendFuture[T]) Result() error {
	if f.node.out == outClosed {
		return ErrClosed
	}
	return nil
}

// Cancel abandons the send: a queued sender leaves the queue and its value
// is dropped; a send whose value already entered the ring stays done.
// Idempotent; a no-op after completion.
func (f *RingSendFuture[T]) Cancel() {
	if f.node.out != outPending {
		return
	}
	f.node.out = outCancelled
	r := f.r
	if r == nil {
		return
	}
	r.mu.Lock()
	if f.node.state == queued {
		r.sendq.remove(&f.node)
	}
	f.node.take()
	f.node.state = idle
	r.mu.Unlock()
}

// Recv takes the next value, waiting while the ring is empty. On a closed
// ring it returns the remaining values, then the zero value and ErrClosed.
//
//asyncgo:async
func (r *Ring[T]) Recv() (T, error) {
	if v, err := r.TryRecv(); err != ErrEmpty { // the bridge's fast path
		return v, err
	}
	f := r.RecvAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv. It does nothing until polled.
func (r *Ring[T]) RecvAsync() RingRecvFuture[T] {
	return RingRecvFuture[T]{r: r}
}

// RingRecvFuture is the future of Ring.Recv. It embeds its wait-list node,
// so it must not be copied after its first Poll.
type RingRecvFuture[T any] struct {
	r    *Ring[T]
	node waiter[T] // node.val: the received value; node.out: the outcome
}

// Poll takes a value if one is ready (or was handed over), completes with
// ErrClosed on a closed and drained ring, and otherwise queues the future
// (or refreshes its waker) and returns false. A receive that could
// complete without waiting first spends a unit of the task's cooperative
// budget (rt.Context.Proceed): when it is used up, Poll returns false and
// the task is polled again after the others had a turn.
func (f *RingRecvFuture[T]) Poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	r := f.r
	r.mu.Lock()
	switch f.node.state {
	case notified: // the value is in our node
		f.node.state = idle
		r.inflight--
	case queued:
		f.node.register(cx)
		r.mu.Unlock()
		return false
	default:
		switch {
		case r.buf.len() > 0:
			if !cx.Proceed() {
				r.mu.Unlock()
				return false
			}
			f.node.val = r.buf.popFront()
		case r.closed:
			if !cx.Proceed() {
				r.mu.Unlock()
				return false
			}
			f.node.out = outClosed
			r.mu.Unlock()
			return true
		default:
			f.node.register(cx)
			r.recvq.pushBack(&f.node)
			r.mu.Unlock()
			return false
		}
	}
	// A slot was freed: let the first waiting sender in.
	w1, w2 := r.admit()
	f.node.out = outDone
	r.mu.Unlock()
	w1.Wake()
	w2.Wake()
	return true
}

// Result returns the received value, or ErrClosed.
func (f *RingRecvFuture[T]) Result() (T, error) {
	if f.node.out == outClosed {
		var zero T
		return zero, ErrClosed
	}
	return f.node.val, nil
}

// Cancel abandons the receive: a queued receiver leaves the queue; a value
// already handed to it goes to the next waiting receiver or back to the
// head of the ring (its slot was reserved, so the capacity still holds).
// Idempotent; a no-op after completion.
func (f *RingRecvFuture[T]) Cancel() {
	if f.node.out != outPending {
		return
	}
	f.node.out = outCancelled
	r := f.r
	if r == nil {
		return
	}
	r.mu.Lock()
	switch f.node.state {
	case queued:
		r.recvq.remove(&f.node)
	case notified:
		v := f.node.take()
		f.node.state = idle
		if w := r.recvq.popFront(); w != nil {
			w.val = v // the reserved slot passes to w
			wk := w.notify()
			r.mu.Unlock()
			wk.Wake()
			return
		}
		r.inflight--
		r.buf.pushFront(v)
	}
	r.mu.Unlock()
}

// RecvNext takes the next value like Recv and reports whether there was
// one: it returns the zero value and false once the ring is closed and
// drained. It is the step of range over All in async code.
//
//asyncgo:async
func (r *Ring[T]) RecvNext() (T, bool) {
	v, err := r.Recv()
	return v, err == nil
}

// RecvNextAsync returns the future of RecvNext. It does nothing until
// polled.
func (r *Ring[T]) RecvNextAsync() RingRecvNextFuture[T] {
	return RingRecvNextFuture[T]{recv: r.RecvAsync()}
}

// RingRecvNextFuture is the future of Ring.RecvNext: a receive
// (RingRecvFuture, with the same cancel safety) whose result is
// (value, true) or (zero, false) at the end. It must not be copied after
// its first Poll.
type RingRecvNextFuture[T any] struct {
	recv RingRecvFuture[T]
}

// Poll polls the receive.
func (f *RingRecvNextFuture[T]) Poll(cx *rt.Context) bool { return f.recv.Poll(cx) }

// Result returns the received value and true, or the zero value and false
// if the ring was closed and drained.
func (f *RingRecvNextFuture[T]) Result() (T, bool) {
	v, err := f.recv.Result()
	return v, err == nil
}

// Cancel abandons the receive; a value already handed to it is passed on
// (see RingRecvFuture.Cancel), so none is lost.
func (f *RingRecvNextFuture[T]) Cancel() { f.recv.Cancel() }

// All returns an iterator over the values taken from r, in order, until r
// is closed and drained:
//
//	for v := range ring.All() { ... }
//
// Each value taken frees a slot, so a sender waiting on a full ring
// proceeds while the loop body runs. In ordinary code (and in the
// goroutine build) each step is a blocking receive; in async code
// asyncgen lowers the loop (directive //asyncgo:range RecvNext) to
//
//	for { v, ok := ring.RecvNext(); if !ok { break }; ... }
//
// so that each step is a suspension point; cancelling a task parked in
// the loop cancels the pending receive, which loses no value.
//
//asyncgo:range RecvNext
func (r *Ring[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := r.RecvNext()
			if !ok || !yield(v) {
				return
			}
		}
	}
}
