package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Oneshot carries a single value from one sender to one receiver: Send
// stores it (never waiting), Recv waits for it. Close, on the sending
// side, says that no value will come: a Recv that has not got a value then
// returns ErrClosed instead of waiting forever. The zero Oneshot is not
// usable: create one with NewOneshot.
//
// Exactly one Recv gets the value. If several receives wait, they are
// served in FIFO order: the first gets the value and, once it has picked
// it up, the others complete with ErrClosed.
//
// Cancel safety: Recv is cancel-safe. A receive cancelled after the value
// was handed to it passes the value on to the next waiting receive, or
// keeps it in the Oneshot for a later Recv.
type Oneshot[T any] struct {
	mu     gosync.Mutex
	state  oneshotState
	v      T
	recvq  waitList[T]
	handed bool // the value sits in a waiter's node, not yet picked up
}

type oneshotState uint8

const (
	oneshotEmpty  oneshotState = iota // no value yet
	oneshotFull                       // value stored in v
	oneshotClosed                     // value taken, or closed without one
)

var _ rt.Pollable = (*OneshotRecvFuture[int])(nil)

// NewOneshot returns an empty Oneshot.
func NewOneshot[T any]() *Oneshot[T] {
	return &Oneshot[T]{}
}

// Send delivers v: to the first waiting receive, or stored for a later
// one. It never waits. It returns ErrClosed if a value was already sent or
// the Oneshot was closed (v is then dropped).
func (o *Oneshot[T]) Send(v T) error {
	o.mu.Lock()
	if o.state != oneshotEmpty || o.handed {
		o.mu.Unlock()
		return ErrClosed
	}
	if w := o.recvq.popFront(); w != nil {
		w.val = v
		o.handed = true
		wk := w.notify()
		o.mu.Unlock()
		wk.Wake()
		return nil
	}
	o.v = v
	o.state = oneshotFull
	o.mu.Unlock()
	return nil
}

// Close marks the sending side done without (another) value: waiting and
// later receives get ErrClosed, unless a value was sent and not yet
// received, which is still delivered. Closing twice is a no-op.
func (o *Oneshot[T]) Close() {
	o.mu.Lock()
	if o.state != oneshotEmpty || o.handed {
		o.mu.Unlock()
		return
	}
	o.state = oneshotClosed
	wakers := o.recvq.drain(nil)
	o.mu.Unlock()
	wakeAll(wakers)
}

// TryRecv takes the value without waiting. It returns ErrEmpty if no value
// is available yet and ErrClosed if none will be.
func (o *Oneshot[T]) TryRecv() (T, error) {
	var zero T
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.state == oneshotFull:
		v := o.v
		o.v = zero
		o.state = oneshotClosed
		return v, nil
	case o.state == oneshotClosed:
		return zero, ErrClosed
	}
	return zero, ErrEmpty
}

// Recv waits for the value. It returns ErrClosed if the Oneshot was closed
// without a value, or another receive took it.
//
//asyncgo:async
func (o *Oneshot[T]) Recv() (T, error) {
	f := o.RecvAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv. It does nothing until polled.
func (o *Oneshot[T]) RecvAsync() OneshotRecvFuture[T] {
	return OneshotRecvFuture[T]{o: o}
}

// OneshotRecvFuture is the future of Oneshot.Recv. It embeds its wait-list
// node, so it must not be copied after its first Poll.
type OneshotRecvFuture[T any] struct {
	o    *Oneshot[T]
	node waiter[T] // node.val: the received value; node.out: the outcome
}

// Poll takes the value if it is there (or was handed over), completes with
// ErrClosed if none will come, and otherwise queues the future (or
// refreshes its waker) and returns false. A receive that could complete
// without waiting first spends a unit of the task's cooperative budget
// (rt.Context.Proceed): when it is used up, Poll returns false and the
// task is polled again after the others had a turn.
func (f *OneshotRecvFuture[T]) Poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	o := f.o
	o.mu.Lock()
	var wakers []rt.Waker
	switch f.node.state {
	case notified: // the value is in our node
		f.node.state = idle
		f.node.out = outDone
		o.handed = false
		o.state = oneshotClosed
		wakers = o.recvq.drain(nil) // the others will get ErrClosed
	case queued:
		f.node.register(cx)
		o.mu.Unlock()
		return false
	default:
		if o.state == oneshotFull || o.state == oneshotClosed {
			if !cx.Proceed() {
				o.mu.Unlock()
				return false
			}
		}
		switch o.state {
		case oneshotFull:
			f.node.val = o.v
			var zero T
			o.v = zero
			o.state = oneshotClosed
			f.node.out = outDone
		case oneshotClosed:
			f.node.out = outClosed
		default: // empty, or the value is handed to an earlier receive
			f.node.register(cx)
			o.recvq.pushBack(&f.node)
			o.mu.Unlock()
			return false
		}
	}
	o.mu.Unlock()
	wakeAll(wakers)
	return true
}

// Result returns the value, or ErrClosed.
func (f *OneshotRecvFuture[T]) Result() (T, error) {
	if f.node.out == outClosed {
		var zero T
		return zero, ErrClosed
	}
	return f.node.val, nil
}

// Cancel abandons the receive: a queued future leaves the queue; a value
// already handed to it passes to the next waiting receive or stays in the
// Oneshot. Idempotent; a no-op after completion.
func (f *OneshotRecvFuture[T]) Cancel() {
	if f.node.out != outPending {
		return
	}
	f.node.out = outCancelled
	o := f.o
	if o == nil {
		return
	}
	o.mu.Lock()
	switch f.node.state {
	case queued:
		o.recvq.remove(&f.node)
	case notified:
		v := f.node.take()
		f.node.state = idle
		if w := o.recvq.popFront(); w != nil {
			w.val = v
			wk := w.notify()
			o.mu.Unlock()
			wk.Wake()
			return
		}
		o.handed = false
		o.v = v
		o.state = oneshotFull
	}
	o.mu.Unlock()
}
