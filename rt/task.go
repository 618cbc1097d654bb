package rt

// Tasks.
//
// A task is one heap object: a header (scheduling state, queue links, the
// join slot) followed by the root future stored by value. The generic types
// task[F, PF] and joinTask[F, T, PF] are that object; the executor only sees
// *header, and reaches the typed future through header.ops, an interface
// whose dynamic value is the task itself (no extra allocation). A Waker of
// a task is a pointer to its header, so waking never allocates.
//
// # State
//
// header.state is a bit set changed only by atomic compare-and-swap:
//
//	running   a worker owns the task: it is polling it, cancelling it, or
//	          completing it. Only the worker that set it touches the future.
//	notified  the task must be polled (again). Set on an idle task, it
//	          means the task sits in exactly one run queue (the waker that
//	          set it pushed it); set on a running task, it means "a wake
//	          arrived during the poll": the worker re-queues the task after
//	          Poll returns, so the task is polled exactly once more.
//	complete  terminal: the future completed, panicked or was cancelled.
//	          Nothing is ever polled or cancelled after it.
//	cancelled an abort was requested (JoinHandle.Abort). The owner of the
//	          task cancels the future instead of (or right after) polling.
//	aborted   outcome bit, set together with complete: the future was
//	          cancelled (abort, or runtime shutdown); it has no result.
//	panicked  outcome bit, set together with complete: Poll panicked; the
//	          value is in header.panic (written before complete is set).
//
// idle is the state with none of running, notified, complete.
//
// Transitions, and who may make them:
//
//	Wake (any goroutine)
//	  complete or notified       -> unchanged (nothing to do: no double queueing)
//	  running                    -> running|notified (no push: the worker re-queues)
//	  idle                       -> notified, and the waker pushes the task
//	Abort (any goroutine)
//	  complete or cancelled      -> unchanged (idempotent; completion won)
//	  running                    -> +cancelled|notified
//	  notified (queued)          -> +cancelled
//	  idle                       -> cancelled|notified, and the aborter pushes the task
//	startRun (the worker that popped the task from a queue)
//	  notified, not running      -> running (notified cleared); if cancelled is
//	                                set the worker calls Cancel instead of Poll
//	endPoll, Poll returned false (the running worker)
//	  cancelled                  -> stays running; the worker calls Cancel and completes
//	  notified                   -> notified (running cleared); the worker re-queues it
//	  otherwise                  -> idle
//	complete (the running worker, or the shutdown sweep once no worker runs)
//	  running                    -> complete [|aborted|panicked]; then the join
//	                                waker is woken and the task leaves the
//	                                executor's list of live tasks.
//
// A wake during a poll therefore leads to exactly one more poll; a task is
// in at most one queue; Poll and Cancel never run concurrently (both need
// running, which only one worker holds). An abort racing completion is
// decided by who reaches the future first: if Poll returns true the result
// stands (aborted is not set), otherwise Cancel runs and the task completes
// aborted. Either way exactly one outcome is recorded.
//
// Tasks of plain-function Spawn (goroutines) use the same header for the
// join protocol only: running from the start, then complete; Abort on them
// completes the handle as aborted at once (the goroutine cannot be stopped
// and keeps running; its result is dropped).

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

const (
	stRunning uint32 = 1 << iota
	stNotified
	stComplete
	stCancelled
	stAborted
	stPanicked
)

// Header flags, fixed at spawn.
const (
	flagJoinable uint8 = 1 << iota // panics are recovered and kept for the join handle
	flagMain                       // the main task of RunFuture: completion stops the runtime
)

// ErrAborted is returned by JoinHandle.Err when the task was aborted (by
// Abort, or because the runtime shut down) before completing.
var ErrAborted = errors.New("rt: task aborted")

// PanicError is the value re-raised in the awaiter when the awaited task
// panicked, and the value Run panics with when the main task panicked.
// It carries the original panic value and the stack of the task at the
// point of the panic.
type PanicError struct {
	// Value is the value the task panicked with.
	Value any
	// Stack is the task's stack trace, taken when the panic was recovered.
	Stack []byte
}

// Error reports the original value and the task's stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("rt: task panicked: %v\n\ntask stack:\n%s", e.Value, e.Stack)
}

// Unwrap returns the original panic value if it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// taskOps is implemented by the typed task structs: the only place the
// executor touches the concrete future.
type taskOps interface {
	poll(cx *Context) bool
	cancel()
}

// header is the untyped part of every task. It is the first field of the
// typed task structs, so a *header and the task share one allocation.
type header struct {
	state atomic.Uint32
	flags uint8

	ops  taskOps   // the typed task itself
	exec *executor // nil for goroutine (plain Spawn) tasks

	next *header // link in the injection queue

	// Membership in exec's list of live tasks (guarded by the shard lock).
	prev, onext *header
	shard       *ownedShard

	joinMu    sync.Mutex
	joinWaker Waker       // guarded by joinMu
	panic     *PanicError // written before stComplete|stPanicked
}

// Wake schedules the task for polling. Safe from any goroutine; never
// allocates. It makes header a Wakeable, so a task's Waker is a pointer.
func (h *header) Wake() {
	if h.transitionToNotified() {
		h.exec.schedule(h)
	}
}

// transitionToNotified applies Wake to the state; true means the caller
// must push the task to a run queue.
func (h *header) transitionToNotified() bool {
	for {
		s := h.state.Load()
		if s&(stComplete|stNotified) != 0 {
			return false
		}
		if s&stRunning != 0 {
			if h.state.CompareAndSwap(s, s|stNotified) {
				return false
			}
			continue
		}
		if h.state.CompareAndSwap(s, s|stNotified) {
			return true
		}
	}
}

// abort applies Abort to the state; it pushes the task when it was idle.
func (h *header) abort() {
	for {
		s := h.state.Load()
		if s&(stComplete|stCancelled) != 0 {
			return
		}
		if h.exec == nil { // goroutine task: complete the handle now
			if h.state.CompareAndSwap(s, s|stCancelled|stComplete|stAborted) {
				h.wakeJoiner()
				return
			}
			continue
		}
		switch {
		case s&stRunning != 0:
			if h.state.CompareAndSwap(s, s|stCancelled|stNotified) {
				return
			}
		case s&stNotified != 0:
			if h.state.CompareAndSwap(s, s|stCancelled) {
				return
			}
		default:
			if h.state.CompareAndSwap(s, s|stCancelled|stNotified) {
				h.exec.schedule(h)
				return
			}
		}
	}
}

// startRun is called by the worker that popped h from a queue. It reports
// whether the task must be run at all, and whether it must be cancelled.
func (h *header) startRun() (run, cancelled bool) {
	for {
		s := h.state.Load()
		if s&stComplete != 0 || s&stNotified == 0 || s&stRunning != 0 {
			// A task is in a queue only while notified and not running.
			panic(fmt.Sprintf("rt: internal error: queued task in state %#x", s))
		}
		if h.state.CompareAndSwap(s, (s|stRunning)&^stNotified) {
			return true, s&stCancelled != 0
		}
	}
}

type endPollResult int

const (
	endIdle    endPollResult = iota // parked until woken
	endRequeue                      // woken during the poll: queue it again
	endCancel                       // aborted during the poll: cancel it now
)

// endPoll is called by the running worker after Poll returned false.
func (h *header) endPoll() endPollResult {
	for {
		s := h.state.Load()
		if s&stCancelled != 0 {
			return endCancel
		}
		if s&stNotified != 0 {
			if h.state.CompareAndSwap(s, s&^stRunning) {
				return endRequeue
			}
			continue
		}
		if h.state.CompareAndSwap(s, s&^stRunning) {
			return endIdle
		}
	}
}

// complete records the outcome (0, stAborted or stPanicked) and wakes the
// joiner. Called by the owner of the task (running worker, or the shutdown
// sweep once no worker runs). It reports false if the task was already
// complete (only possible for goroutine tasks, completed by Abort).
func (h *header) complete(outcome uint32) bool {
	for {
		s := h.state.Load()
		if s&stComplete != 0 {
			return false
		}
		ns := (s | stComplete | outcome) &^ (stRunning | stNotified)
		if h.state.CompareAndSwap(s, ns) {
			break
		}
	}
	h.wakeJoiner()
	return true
}

// wakeJoiner wakes the waker registered by JoinHandle.Poll, if any.
func (h *header) wakeJoiner() {
	h.joinMu.Lock()
	w := h.joinWaker
	h.joinWaker = Waker{}
	h.joinMu.Unlock()
	w.Wake()
}

// pollJoin is JoinHandle.Poll: true once the task is complete, otherwise
// registers w to be woken at completion.
func (h *header) pollJoin(w Waker) bool {
	if h.state.Load()&stComplete != 0 {
		return true
	}
	h.joinMu.Lock()
	if h.state.Load()&stComplete != 0 {
		h.joinMu.Unlock()
		return true
	}
	h.joinWaker = w
	h.joinMu.Unlock()
	return false
}

// detachJoin forgets the registered join waker (JoinHandle.Cancel).
func (h *header) detachJoin() {
	h.joinMu.Lock()
	h.joinWaker = Waker{}
	h.joinMu.Unlock()
}

// task is a task without a join handle (GoFuture, the main task).
type task[F any, PF PollablePtr[F]] struct {
	header
	fut F
}

func (t *task[F, PF]) poll(cx *Context) bool { return PF(&t.fut).Poll(cx) }
func (t *task[F, PF]) cancel()               { PF(&t.fut).Cancel() }

// joinTask is a task whose result is read through the embedded handle.
type joinTask[F, T any, PF FuturePtr[F, T]] struct {
	header
	fut F
	jh  JoinHandle[T]
}

func (t *joinTask[F, T, PF]) poll(cx *Context) bool { return PF(&t.fut).Poll(cx) }
func (t *joinTask[F, T, PF]) cancel()               { PF(&t.fut).Cancel() }
func (t *joinTask[F, T, PF]) result() T             { return PF(&t.fut).Result() }

// goTask is the join state of a plain-function Spawn (a goroutine).
type goTask[T any] struct {
	header
	res T
	jh  JoinHandle[T]
}

func (t *goTask[T]) poll(*Context) bool { return true }
func (t *goTask[T]) cancel()            {}
func (t *goTask[T]) result() T          { return t.res }
