package sync

import (
	"errors"

	"github.com/asyncgo/asyncgo/rt"
)

// Errors returned by the primitives of this package.
var (
	// ErrClosed is returned by operations on a closed Channel, Ring or
	// Oneshot (for receives, once no value is left).
	ErrClosed = errors.New("sync: closed")
	// ErrEmpty is returned by TryRecv when no value is available but more
	// may come.
	ErrEmpty = errors.New("sync: empty")
	// ErrFull is returned by Ring.TrySend when the ring is at capacity.
	ErrFull = errors.New("sync: full")
)

// waitState is the state of a waiter node. It is only read or written with
// the owning primitive's lock held.
type waitState uint8

const (
	// idle: not in any list. The future examines the primitive afresh on
	// its next Poll (first poll, or after Close woke it).
	idle waitState = iota
	// queued: linked into a wait list, waiting for a hand-off.
	queued
	// notified: unlinked by the other side, which completed the operation
	// for this waiter (stored a value in val, took the value from val, or
	// handed over the mutex).
	notified
)

// outcome is the state of a future that embeds a waiter, as far as the
// future itself is concerned. Unlike waiter.state it belongs to the future
// alone: only the future's Poll and Cancel (never concurrent with each
// other) read or write it, without the primitive's lock, and the other
// side of the primitive never touches it. It lives in the node (in the
// padding after state), so that a future needs no done flag or error
// field of its own: a parked receive is a pointer and a node.
type outcome uint8

const (
	outPending   outcome = iota // not completed, not cancelled
	outDone                     // completed; a received value is in node.val
	outClosed                   // completed with ErrClosed
	outCancelled                // cancelled before completing
)

// waiter is the intrusive wait-list node embedded in every waiting future.
type waiter[T any] struct {
	prev, next *waiter[T]
	waker      rt.Waker
	state      waitState
	out        outcome // owned by the embedding future (see outcome)
	val        T       // value handed to a receiver, or carried by a sender
}

// register stores the waker of cx unless the stored one already wakes the
// same task.
func (w *waiter[T]) register(cx *rt.Context) {
	if wk := cx.Waker(); !w.waker.WillWake(wk) {
		w.waker = wk
	}
}

// take returns the node's value and clears the slot (so the node does not
// keep the value alive).
func (w *waiter[T]) take() T {
	v := w.val
	var zero T
	w.val = zero
	return v
}

// waitList is a FIFO of waiter nodes. The zero value is an empty list.
type waitList[T any] struct {
	head, tail *waiter[T]
}

func (l *waitList[T]) empty() bool { return l.head == nil }

// pushBack appends w and marks it queued.
func (l *waitList[T]) pushBack(w *waiter[T]) {
	w.state = queued
	w.next = nil
	w.prev = l.tail
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
}

// remove unlinks w, which must be in l, in O(1) and marks it idle.
func (l *waitList[T]) remove(w *waiter[T]) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
	w.state = idle
}

// popFront unlinks and returns the first waiter (marked idle), or nil.
func (l *waitList[T]) popFront() *waiter[T] {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// notify marks w, just unlinked, as completed by the other side and returns
// the waker to wake once the primitive's lock is released.
func (w *waiter[T]) notify() rt.Waker {
	w.state = notified
	return w.waker
}

// drain unlinks every waiter, leaving them idle so that their next Poll
// re-examines the (now closed) primitive, and returns their wakers.
func (l *waitList[T]) drain(wakers []rt.Waker) []rt.Waker {
	for w := l.popFront(); w != nil; w = l.popFront() {
		wakers = append(wakers, w.waker)
	}
	return wakers
}

// notifyAll unlinks every waiter, marks each notified (the operation is
// complete for all of them: a WaitGroup reached zero, a Barrier filled up)
// and appends their wakers to wakers.
func (l *waitList[T]) notifyAll(wakers []rt.Waker) []rt.Waker {
	for w := l.popFront(); w != nil; w = l.popFront() {
		wakers = append(wakers, w.notify())
	}
	return wakers
}

// wakeBatch is the size of the stack buffer that primitives waking many
// waiters at once collect wakers in:
//
//	var buf [wakeBatch]rt.Waker
//	ws := l.notifyAll(buf[:0])
//	mu.Unlock()
//	wakeAll(ws)
//
// Up to wakeBatch wakers need no allocation; beyond that, append moves
// them to the heap.
const wakeBatch = 32

func wakeAll(wakers []rt.Waker) {
	for _, w := range wakers {
		w.Wake()
	}
}

// deque is a growable circular FIFO of values, with pushFront for putting a
// value back at the head.
type deque[T any] struct {
	buf  []T
	head int
	n    int
}

func (d *deque[T]) len() int { return d.n }

func (d *deque[T]) grow() {
	c := 2 * len(d.buf)
	if c == 0 {
		c = 8
	}
	d.resize(c)
}

// resize moves the values into a new buffer of c >= d.n slots.
func (d *deque[T]) resize(c int) {
	nb := make([]T, c)
	if end := d.head + d.n; end <= len(d.buf) {
		copy(nb, d.buf[d.head:end])
	} else {
		k := copy(nb, d.buf[d.head:])
		copy(nb[k:], d.buf[:end-len(d.buf)])
	}
	d.buf, d.head = nb, 0
}

// shrink halves a buffer that is larger than 64 slots and at most a
// quarter full, so that a burst does not pin its memory for ever. Only the
// unbounded Channel uses it; amortised O(1).
func (d *deque[T]) shrink() {
	if len(d.buf) > 64 && d.n <= len(d.buf)/4 {
		d.resize(len(d.buf) / 2)
	}
}

func (d *deque[T]) pushBack(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	i := d.head + d.n
	if i >= len(d.buf) {
		i -= len(d.buf)
	}
	d.buf[i] = v
	d.n++
}

func (d *deque[T]) pushFront(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	d.head--
	if d.head < 0 {
		d.head += len(d.buf)
	}
	d.buf[d.head] = v
	d.n++
}

// popFront removes and returns the first value; the deque must not be
// empty.
func (d *deque[T]) popFront() T {
	v := d.buf[d.head]
	var zero T
	d.buf[d.head] = zero
	d.head++
	if d.head == len(d.buf) {
		d.head = 0
	}
	d.n--
	return v
}
