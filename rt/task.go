package rt

// Tasks.
//
// A task is one heap object: a header (scheduling state, queue links, the
// join slot) followed by the root future stored by value. The generic types
// task[F, PF] and joinTask[F, T, PF] are that object; the executor only sees
// *header, and reaches the typed future through header.ops(), an
// interface whose dynamic value is the task itself; the header stores only
// its type word (8 bytes, no extra allocation). A Waker of
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
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"unsafe"
)

const (
	stRunning uint32 = 1 << iota
	stNotified
	stComplete
	stCancelled
	stAborted
	stPanicked
	stJoinWaker // a join waker is stored in the join state (see pollJoin)
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
	// Deterministic is set when the panic ended a deterministic run; Seed
	// is then its seed, to replay the run with Deterministic(Seed).
	Deterministic bool
	Seed          uint64
	// Task names the panicking task's root future type (empty for a
	// goroutine of plain Spawn); Site is the source position of the panic
	// ("file:line"), which //line directives map to the async source.
	Task string
	Site string
}

// Error reports the original value, the seed of a deterministic run, and
// the task's stack.
func (e *PanicError) Error() string {
	where := ""
	if e.Task != "" {
		where += " in task " + e.Task
	}
	if e.Site != "" {
		where += " at " + e.Site
	}
	if e.Deterministic {
		where += " (" + seedNote(e.Seed) + ")"
	}
	return fmt.Sprintf("rt: task panicked%s: %v\n\ntask stack:\n%s", where, e.Value, e.Stack)
}

// Unwrap returns the original panic value if it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// newPanicError is called in the deferred function that recovered v.
func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack(), Site: panicSite()}
}

// panicSite returns "file:line" of the innermost frame of the panicking
// goroutine's stack that is neither in package runtime nor in rt itself:
// where the user's code panicked.
func panicSite() string {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		fn := f.Function
		internal := strings.HasPrefix(fn, "runtime.") ||
			strings.HasPrefix(fn, rtPkg+".") && !strings.HasSuffix(f.File, "_test.go")
		if fn != "" && !internal {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if !more {
			return ""
		}
	}
}

// rtPkg is this package's import path, as it appears in function names.
var rtPkg = func() string {
	type t struct{}
	p := reflect.TypeOf(t{}).PkgPath()
	return p
}()

// taskOps is implemented (through a pointer) by the typed task structs:
// the only place the executor touches the concrete future.
type taskOps interface {
	poll(cx *Context) bool
	cancel()
	name() string // the future's type, for panic reports
}

// resulter is implemented by the joinable tasks with a result of type T;
// JoinHandle[T].Result reaches it by a type assertion on the task's ops.
type resulter[T any] interface {
	resultOf() T
}

// ifaceWords is the memory layout of a non-empty interface value: the
// itab pointer (type word) and the data pointer. A task stores only the
// type word of its taskOps (8 bytes instead of 16): the data word is the
// task itself, so ops() rebuilds the interface from the header's address.
// Itabs are never freed or moved; the data word keeps the task alive as
// any pointer does.
type ifaceWords struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

// opsTab returns the type word of ops, whose data word must be the task.
func opsTab(ops taskOps) unsafe.Pointer {
	return (*ifaceWords)(unsafe.Pointer(&ops)).tab
}

// ops returns the taskOps of h.
func (h *header) ops() taskOps {
	var ops taskOps
	w := (*ifaceWords)(unsafe.Pointer(&ops))
	w.tab = h.tab
	w.data = unsafe.Pointer(h)
	return ops
}

// header is the untyped part of every task: 48 bytes. It is the first
// field of the typed task structs, so a *header and the task share one
// allocation. Joinable tasks (SpawnFuture, Spawn, SpawnBlocking, the main
// task) place their JoinHandle (the join state) right after the header,
// so header.join finds it at a fixed offset; the future follows.
//
//	task[F]          header | F                    (GoFuture)
//	joinTask[F, T]   header | JoinHandle[T] | F    (SpawnFuture)
//	mainTask[F]      header | JoinHandle[struct{}] | F
//	goTask[T]        header | JoinHandle[T] | T    (Spawn, SpawnBlocking)
type header struct {
	state  atomic.Uint32
	flags  uint8
	inList bool // in exec's list of live tasks (guarded by its shard lock)

	tab  unsafe.Pointer // type word of the task's taskOps (see ops)
	exec *executor      // nil for goroutine (plain Spawn) tasks

	next *header // link in the injection queue

	// Membership in exec's list of live tasks (guarded by the shard lock).
	prev, onext *header
}

const headerSize = unsafe.Sizeof(header{})

// joinState is the join state of a joinable task; JoinHandle[T] is it.
type joinState struct {
	_     noCopy      // a copy would compute a wrong header (see JoinHandle.hdr)
	waker Waker       // owned as described by the join waker protocol
	panic *PanicError // written before stComplete|stPanicked
}

// noCopy makes go vet's copylocks check report copies of the struct that
// contains it (zero size).
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// join returns the join state of a joinable task.
func (h *header) join() *joinState {
	return (*joinState)(unsafe.Add(unsafe.Pointer(h), headerSize))
}

func (h *header) poll(cx *Context) bool { return h.ops().poll(cx) }
func (h *header) cancel()               { h.ops().cancel() }
func (h *header) name() string          { return h.ops().name() }

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
			if h.state.CompareAndSwap(s, (s|stCancelled|stComplete|stAborted)&^stJoinWaker) {
				if s&stJoinWaker != 0 {
					h.wakeJoiner()
				}
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
		ns := (s | stComplete | outcome) &^ (stRunning | stNotified | stJoinWaker)
		if h.state.CompareAndSwap(s, ns) {
			if s&stJoinWaker != 0 {
				h.wakeJoiner()
			}
			return true
		}
	}
}

// The join waker protocol. The joiner (JoinHandle.Poll) stores its waker
// in the join state and then sets stJoinWaker; while the bit is set only
// complete may touch the waker, and only after its CAS to complete cleared
// the bit. To replace or drop its waker, the joiner first clears the bit
// (a CAS that fails once the task is complete). So a completion that finds
// the bit set owns the stored waker and wakes it; one that does not find it
// wakes nobody (no lock, no waker: the common case of joining a task after
// it finished), and the joiner then sees the completion in its own CAS.

// wakeJoiner wakes the stored join waker. Called by complete after it
// cleared stJoinWaker. It only reads the slot: the joiner may be reading
// it too (comparing wakers) until it sees the completion. The waker stays
// in the slot (a reference to the joiner's task) until the handle is
// dropped.
func (h *header) wakeJoiner() {
	h.join().waker.Wake()
}

// pollJoin is JoinHandle.Poll: true once the task is complete, otherwise
// makes sure w is woken at completion.
func (h *header) pollJoin(w Waker) bool {
	s := h.state.Load()
	if s&stComplete != 0 {
		return true
	}
	j := h.join()
	if s&stJoinWaker != 0 {
		if j.waker.WillWake(w) {
			return false
		}
		if !h.clearJoinWaker() {
			return true // completed meanwhile
		}
	}
	j.waker = w
	for {
		s := h.state.Load()
		if s&stComplete != 0 {
			j.waker = Waker{}
			return true
		}
		if h.state.CompareAndSwap(s, s|stJoinWaker) {
			return false
		}
	}
}

// clearJoinWaker takes back the join waker slot; false if the task has
// completed (the slot then belongs to complete, or is empty).
func (h *header) clearJoinWaker() bool {
	for {
		s := h.state.Load()
		if s&stComplete != 0 {
			return false
		}
		if h.state.CompareAndSwap(s, s&^stJoinWaker) {
			return true
		}
	}
}

// detachJoin forgets the registered join waker (JoinHandle.Cancel).
func (h *header) detachJoin() {
	s := h.state.Load()
	if s&stJoinWaker != 0 && h.clearJoinWaker() {
		h.join().waker = Waker{}
	}
}

// task is a detached task (GoFuture): no join state.
type task[F any, PF PollablePtr[F]] struct {
	header
	fut F
}

func newTask[F any, PF PollablePtr[F]](f F) *task[F, PF] {
	t := &task[F, PF]{fut: f}
	t.tab = opsTab(t)
	return t
}

func (t *task[F, PF]) poll(cx *Context) bool { return PF(&t.fut).Poll(cx) }
func (t *task[F, PF]) cancel()               { PF(&t.fut).Cancel() }
func (t *task[F, PF]) name() string          { return fmt.Sprintf("%T", t.fut) }

// mainTask is the main task of RunFuture: joinable (for its panic), no
// result.
type mainTask[F any, PF PollablePtr[F]] struct {
	header
	jh  JoinHandle[struct{}]
	fut F
}

func newMainTask[F any, PF PollablePtr[F]](f F) *mainTask[F, PF] {
	t := &mainTask[F, PF]{fut: f}
	t.tab = opsTab(t)
	t.flags = flagJoinable | flagMain
	return t
}

func (t *mainTask[F, PF]) poll(cx *Context) bool { return PF(&t.fut).Poll(cx) }
func (t *mainTask[F, PF]) cancel()               { PF(&t.fut).Cancel() }
func (t *mainTask[F, PF]) name() string          { return fmt.Sprintf("%T", t.fut) }

// joinTask is a task whose result is read through the embedded handle.
type joinTask[F, T any, PF FuturePtr[F, T]] struct {
	header
	jh  JoinHandle[T]
	fut F
}

func newJoinTask[F, T any, PF FuturePtr[F, T]](f F) *joinTask[F, T, PF] {
	t := &joinTask[F, T, PF]{fut: f}
	t.tab = opsTab(t)
	t.flags = flagJoinable
	return t
}

func (t *joinTask[F, T, PF]) poll(cx *Context) bool { return PF(&t.fut).Poll(cx) }
func (t *joinTask[F, T, PF]) cancel()               { PF(&t.fut).Cancel() }
func (t *joinTask[F, T, PF]) resultOf() T           { return PF(&t.fut).Result() }
func (t *joinTask[F, T, PF]) name() string          { return fmt.Sprintf("%T", t.fut) }

// goTask is the join state of a plain-function Spawn or SpawnBlocking (a
// goroutine).
type goTask[T any] struct {
	header
	jh  JoinHandle[T]
	res T
}

// newGoTask allocates the join state of a goroutine.
func newGoTask[T any]() *goTask[T] {
	t := &goTask[T]{}
	t.tab = opsTab(t)
	t.flags = flagJoinable
	t.state.Store(stRunning)
	return t
}

func (t *goTask[T]) poll(*Context) bool { return true }
func (t *goTask[T]) cancel()            {}
func (t *goTask[T]) resultOf() T        { return t.res }
func (t *goTask[T]) name() string       { return "" }
