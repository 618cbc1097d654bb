// Package sync provides asyncgo's synchronisation primitives, one per
// file, each stating its fairness and cancel safety in its doc comment:
//
//   - channels: an unbounded multi-producer multi-consumer Channel, a
//     bounded Ring buffer with back-pressure, a Oneshot, a Broadcast
//     (every value to every receiver; slow receivers lag and are told how
//     much they missed) and a Watch (the latest value, with change
//     notification);
//   - locks and counters: a FIFO Mutex, a FIFO RWMutex, a weighted
//     Semaphore, Notify, WaitGroup, Barrier and Once;
//   - combinators: Race and Select (the first branch to finish wins, the
//     others are cancelled), JoinAll and Join (wait for every branch), with
//     their companions over futures RaceOf, SelectOf, JoinAllOf and JoinOf,
//     and Lift to turn a plain function into a branch.
//
// Every operation that may wait is an async operation following the future
// ABI of package rt: for a method M marked //asyncgo:async there is a constructor
// MAsync returning a future struct by value, whose Poll, Result and Cancel
// methods an executor drives, and M itself is the blocking bridge
// (MAsync, then rt.BlockOn, then Result) that plain goroutine code calls.
// The same primitive therefore serves tasks and goroutines at the same time.
//
// A bridge first tries the operation without waiting (TryLock, TryRecv,
// ...: the same check its future's first Poll makes) and goes through
// rt.BlockOn only if it has to wait, so an operation that completes at
// once costs a goroutine no allocation.
//
// # Wait lists
//
// Waiters are kept in intrusive doubly linked FIFO lists: the node (links,
// the stored waker, a slot for a handed-over value, and the node's state)
// is a field of the waiting future itself. Waiting never allocates, and
// cancelling a waiter is an O(1) unlink. Because the list points into the
// future, a future must not be copied or moved after its first Poll; a
// future that returned false from Poll must be polled to completion or
// cancelled, never just dropped (a dropped waiter keeps its place in the
// queue, and anything handed to it is lost).
//
// # Hand-off
//
// The side that completes a waiter does the waiter's work for it, under the
// primitive's lock: a sender stores the value in the waiting receiver's
// node, an Unlock makes the first waiter the owner of the mutex. The waiter
// is unlinked and marked notified, and then (after the lock is released)
// its waker is woken. On its next Poll the waiter finds the operation done.
// Nothing can overtake a queued waiter, so every queue is strictly FIFO and
// nobody starves.
//
// Broadcast and Watch have nothing to hand over, as every receiver gets the
// value: a Send unlinks every waiter, leaving it idle, and wakes it; on its
// next Poll it examines the state afresh. WaitGroup, Barrier and Once
// complete all their waiters at once. Wakers woken together are collected
// in a small stack buffer, so this allocates nothing for up to 32 waiters.
//
// # Cancellation
//
// Cancel on a pending future unlinks its node. If the other side already
// handed something over (a value, the mutex), Cancel passes it on exactly
// as if it had never been handed: to the next waiter, or back into the
// buffer, or the mutex is released. Nothing is lost and nothing is
// duplicated. (A Ring send whose value a receiver already moved into the
// ring has taken effect; cancelling it then changes nothing.) Cancel after completion is a no-op, and Cancel is idempotent.
//
// # Locking
//
// Each primitive guards its state with one small mutex of the Go runtime
// (sync.Mutex), held only for a few instructions and never across a wake-up
// call: wakers are collected under the lock and woken after it is released.
// Checking the state and registering the waiter happen under the same lock,
// so no wake-up can be lost between them. A lock-free fast path can be
// added later behind the same API; this cut chooses obviously-correct.
//
// # Combinators and async literals
//
// Race, Select, JoinAll and Join take plain functions, which they run in
// goroutines (the losers of a race cannot be stopped there). Each carries
// a directive //asyncgo:lower naming its companion, which takes futures:
// when asyncgen compiles a call whose arguments are async literals, it
// calls the companion instead, passing each literal's state struct by
// pointer as an rt.Future[T] (Race, JoinAll) or rt.Pollable (Select,
// Join), and any other argument through Lift or LiftFunc. The companions
// are async functions following the naming convention (RaceOfFuture,
// RaceOfAsync, ...) and cancel abandoned branches as docs/language.md
// section 7 requires: a loser's Cancel is called exactly once, before the
// combinator returns. The plain forms are async too, so a task that calls
// them with plain functions suspends instead of blocking its worker.
// Timeouts are rt.Timeout's business, not this package's.
package sync
