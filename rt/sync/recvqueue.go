package sync

import (
	gosync "sync"

	"github.com/asyncgo/asyncgo/rt"
)

// recvSource is a receiver whose Recv waits on its primitive's receive
// queue until a send wakes every waiting receiver: *BroadcastReceiver and
// *WatchReceiver. It is comparable so that a zero future (nil receiver)
// can be recognised.
type recvSource[T any] interface {
	comparable
	// mutex returns the primitive's lock.
	mutex() *gosync.Mutex
	// queue returns the primitive's receive queue. mutex held.
	queue() *waitList[struct{}]
	// recv takes the receiver's next value if there is one; ok is false
	// when the receiver must wait. mutex held.
	recv() (v T, ok bool, err error)
}

// queuedRecv is the state and logic of the Recv futures of Broadcast and
// Watch receivers, which differ only in their receiver type. It embeds
// its wait-list node, so it must not be copied after its first poll.
type queuedRecv[T any, S recvSource[T]] struct {
	r    S
	node waiter[struct{}]
	v    T
	err  error
	done bool
}

// poll takes the receiver's next value (or error) if there is one, and
// otherwise queues the future (or refreshes its waker) and returns false.
func (f *queuedRecv[T, S]) poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	mu := f.r.mutex()
	mu.Lock()
	defer mu.Unlock()
	if f.node.state == queued {
		f.node.register(cx)
		return false
	}
	// The receive may complete at once: spend a unit of the task's
	// cooperative budget first (rt.Context.Proceed). When it is used up
	// the task is woken and polled again after the others had a turn.
	if !cx.Proceed() {
		return false
	}
	v, ok, err := f.r.recv()
	if !ok {
		f.node.register(cx)
		f.r.queue().pushBack(&f.node)
		return false
	}
	f.v, f.err, f.done = v, err, true
	return true
}

// cancel takes a queued future off the queue. Idempotent; a no-op after
// completion.
func (f *queuedRecv[T, S]) cancel() {
	if f.done {
		return
	}
	f.done = true
	var none S
	if f.r == none {
		return
	}
	mu := f.r.mutex()
	mu.Lock()
	if f.node.state == queued {
		f.r.queue().remove(&f.node)
	}
	mu.Unlock()
}
