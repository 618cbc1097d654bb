package sync

import (
	"iter"
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// Channel is an unbounded multi-producer multi-consumer FIFO queue of
// values of type T. Send never waits; Recv waits while the channel is empty.
// The zero Channel is not usable: create one with NewChannel.
//
// Fairness: values are received in the order they were sent (for sends
// that are ordered by happens-before), and waiting receivers are served in
// the order they started waiting: a value sent while receivers wait goes
// straight into the first waiter's node, so a newly arriving receiver can
// never overtake a waiting one.
//
// Cancel safety: Recv is cancel-safe. Cancelling a pending receive either
// loses nothing (it was still queued) or, if a value had already been
// handed to it, passes that value on to the next waiting receiver or puts
// it back at the head of the buffer, so no value is lost or received
// twice.
//
// Close: after Close, Send fails with ErrClosed; receivers first drain the
// values still buffered, then get ErrClosed at once (they never hang on a
// closed, drained channel). Close wakes every waiting receiver.
type Channel[T any] struct {
	mu     gosync.Mutex
	buf    deque[T]
	recvq  waitList[T] // non-empty only while buf is empty
	closed bool
}

var _ rt.Pollable = (*ChannelRecvFuture[int])(nil)

// NewChannel returns an empty, open, unbounded channel.
func NewChannel[T any]() *Channel[T] {
	return &Channel[T]{}
}

// Send appends v to the channel, or hands it directly to the longest
// waiting receiver. It never waits. It returns ErrClosed if the channel is
// closed (v is then dropped).
func (c *Channel[T]) Send(v T) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if w := c.recvq.popFront(); w != nil {
		w.val = v
		wk := w.notify()
		c.mu.Unlock()
		wk.Wake()
		return nil
	}
	c.buf.pushBack(v)
	c.mu.Unlock()
	return nil
}

// TryRecv receives a value without waiting. It returns ErrEmpty if the
// channel is open and empty, ErrClosed if it is closed and drained.
func (c *Channel[T]) TryRecv() (T, error) {
	var zero T
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf.len() > 0 {
		v := c.buf.popFront()
		c.buf.shrink()
		return v, nil
	}
	if c.closed {
		return zero, ErrClosed
	}
	return zero, ErrEmpty
}

// Close closes the channel: later sends fail, buffered values can still be
// received, and every waiting receiver is woken (and gets ErrClosed).
// Closing a closed channel is a no-op.
func (c *Channel[T]) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	wakers := c.recvq.drain(nil)
	c.mu.Unlock()
	wakeAll(wakers)
}

// Len returns the number of values buffered in the channel (not counting
// values already handed to a waiting receiver).
func (c *Channel[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.len()
}

// Recv receives the next value, waiting while the channel is empty. On a
// closed channel it returns the remaining buffered values, then the zero
// value and ErrClosed.
//
//asyncgo:async
func (c *Channel[T]) Recv() (T, error) {
	if v, err := c.TryRecv(); err != ErrEmpty { // the bridge's fast path
		return v, err
	}
	f := c.RecvAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv. It does nothing until polled.
func (c *Channel[T]) RecvAsync() ChannelRecvFuture[T] {
	return ChannelRecvFuture[T]{c: c}
}

// ChannelRecvFuture is the future of Channel.Recv. It embeds its wait-list
// node, so it must not be copied after its first Poll. It is a pointer and
// the node (56 bytes for a word-sized T): the received value waits in the
// node until Result, and the outcome (done, closed, cancelled) is a byte
// of the node.
type ChannelRecvFuture[T any] struct {
	c    *Channel[T]
	node waiter[T]
}

// Poll takes a value if one is available (or was handed over), completes
// with ErrClosed on a closed and drained channel, and otherwise queues the
// future (or refreshes its waker) and returns false. A receive that could
// complete without waiting first spends a unit of the task's cooperative
// budget (rt.Context.Proceed): when it is used up, Poll returns false and
// the task is polled again after the others had a turn.
func (f *ChannelRecvFuture[T]) Poll(cx *rt.Context) bool {
	if f.node.out != outPending {
		return true
	}
	c := f.c
	c.mu.Lock()
	switch f.node.state {
	case notified: // Send or Cancel put the value in our node
		f.node.state = idle
		f.node.out = outDone
	case queued:
		f.node.register(cx)
		c.mu.Unlock()
		return false
	default: // idle
		switch {
		case c.buf.len() > 0:
			if !cx.Proceed() {
				c.mu.Unlock()
				return false
			}
			f.node.val = c.buf.popFront()
			c.buf.shrink()
			f.node.out = outDone
		case c.closed:
			if !cx.Proceed() {
				c.mu.Unlock()
				return false
			}
			f.node.out = outClosed
		default:
			f.node.register(cx)
			c.recvq.pushBack(&f.node)
			c.mu.Unlock()
			return false
		}
	}
	c.mu.Unlock()
	return true
}

// Result returns the received value, or ErrClosed.
func (f *ChannelRecvFuture[T]) Result() (T, error) {
	if f.node.out == outClosed {
		var zero T
		return zero, ErrClosed
	}
	return f.node.val, nil
}

// Cancel abandons the receive: a queued future leaves the queue; a value
// already handed to it goes to the next waiting receiver or back to the
// head of the buffer. Idempotent; a no-op after completion.
func (f *ChannelRecvFuture[T]) Cancel() {
	if f.node.out != outPending {
		return
	}
	f.node.out = outCancelled
	c := f.c
	if c == nil {
		return
	}
	c.mu.Lock()
	switch f.node.state {
	case queued:
		c.recvq.remove(&f.node)
	case notified:
		v := f.node.take()
		f.node.state = idle
		if w := c.recvq.popFront(); w != nil {
			w.val = v
			wk := w.notify()
			c.mu.Unlock()
			wk.Wake()
			return
		}
		c.buf.pushFront(v)
	}
	c.mu.Unlock()
}

// RecvNext receives the next value like Recv and reports whether there
// was one: it returns the zero value and false once the channel is closed
// and drained. It is the step of range over All in async code.
//
//asyncgo:async
func (c *Channel[T]) RecvNext() (T, bool) {
	v, err := c.Recv()
	return v, err == nil
}

// RecvNextAsync returns the future of RecvNext. It does nothing until
// polled.
func (c *Channel[T]) RecvNextAsync() ChannelRecvNextFuture[T] {
	return ChannelRecvNextFuture[T]{recv: c.RecvAsync()}
}

// ChannelRecvNextFuture is the future of Channel.RecvNext: a receive
// (ChannelRecvFuture, with the same cancel safety) whose result is
// (value, true) or (zero, false) at the end. It must not be copied after
// its first Poll.
type ChannelRecvNextFuture[T any] struct {
	recv ChannelRecvFuture[T]
}

// Poll polls the receive.
func (f *ChannelRecvNextFuture[T]) Poll(cx *rt.Context) bool { return f.recv.Poll(cx) }

// Result returns the received value and true, or the zero value and false
// if the channel was closed and drained.
func (f *ChannelRecvNextFuture[T]) Result() (T, bool) {
	v, err := f.recv.Result()
	return v, err == nil
}

// Cancel abandons the receive; a value already handed to it is passed on
// (see ChannelRecvFuture.Cancel), so none is lost.
func (f *ChannelRecvNextFuture[T]) Cancel() { f.recv.Cancel() }

// All returns an iterator over the values received from c, in order,
// until c is closed and drained:
//
//	for v := range ch.All() { ... }
//
// In ordinary code (and in the goroutine build) each step is a blocking
// receive. In async code asyncgen lowers the loop (directive
// //asyncgo:range RecvNext) to
//
//	for { v, ok := ch.RecvNext(); if !ok { break }; ... }
//
// so that each step is a suspension point; cancelling a task parked in
// the loop cancels the pending receive, which loses no value. Several
// loops (tasks) may range over the same channel: each value goes to one
// of them.
//
//asyncgo:range RecvNext
func (c *Channel[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.RecvNext()
			if !ok || !yield(v) {
				return
			}
		}
	}
}
