// Package rt is the runtime that asyncgen's generated code links against.
//
// It provides the future ABI shared by generated state machines and
// hand-written primitives (Context, Waker, Future, Pollable), the executor
// (Run, Spawn, JoinHandle, SpawnBlocking, the Deterministic mode, Stats),
// timers (Sleep, SleepUntil, Interval, Timeout, and Deadline with
// WithDeadline for timeouts that move), the blocking bridge that
// lets ordinary goroutine code call async code (BlockOn), and the I/O
// reactor used by rt/net.
//
// Where the machinery is explained: task.go (task layout and state
// machine), executor.go and worker.go (scheduling), driver.go (who turns
// the I/O and timer driver, and the parking protocol), timerwheel.go (the
// timing wheel), reactor.go (readiness protocol), det.go (deterministic
// mode).
//
// # The future ABI
//
// An async operation is a value with three methods:
//
//	Poll(cx *rt.Context) bool // advance; true when complete
//	Result() T                // the results, valid once Poll returned true
//	Cancel()                  // abandon; idempotent
//
// Poll must not block. When it returns false it has arranged for
// cx.Waker() to be woken once progress is possible; the executor then polls
// it again. A future is lazy: creating it runs none of its work. A future
// must not be copied once it has been polled, since wait lists and wakers
// may hold pointers into it.
//
// For an async function F, asyncgen emits the state struct FFuture, the
// constructor FAsync and the blocking bridge F; rt's own primitives
// (Yield, Sleep, the channels of rt/sync, the streams of rt/net) follow the
// same convention, so third-party code can write async primitives by hand.
// docs/language.md is the full reference.
package rt
