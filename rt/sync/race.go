package sync

import "github.com/asyncgo/asyncgo/rt"

// Race and Select: wait for the first of several branches, and cancel the
// others.
//
// Each combinator has a plain form over functions, for ordinary code and
// the asyncsrc reference build, and a companion over futures that asyncgen
// calls instead when the arguments are async literals (named by the
// //asyncgo:lower directive):
//
//	Race[T](fs ...func() T) (int, T)   ->  RaceOf[T](fs ...rt.Future[T]) (int, T)
//	Select(fs ...func()) int           ->  SelectOf(fs ...rt.Pollable) int
//
// asyncgen passes each async literal as a pointer to its state struct (one
// allocation per branch), and any other branch through Lift. The plain
// forms are themselves async (marked //asyncgo:async): called from a task
// with ordinary functions they suspend the task instead of blocking its
// worker.

var (
	_ rt.Pollable    = (*RaceOfFuture[int])(nil)
	_ rt.Future[int] = (*SelectOfFuture)(nil)
)

// Race runs every function of fs concurrently, each in its own goroutine,
// and returns the index and result of the first to return. A panic in that
// first function is re-raised as a *rt.PanicError. The other goroutines
// cannot be stopped: they run on, and their results and panics are
// dropped. (In async code, where asyncgen lowers a Race of async literals
// to RaceOf, the losers are cancelled instead.) It panics if fs is empty.
//
//asyncgo:async
//asyncgo:lower RaceOf
func Race[T any](fs ...func() T) (int, T) {
	f := RaceAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// RaceAsync returns the future of Race. It starts nothing until polled.
func RaceAsync[T any](fs ...func() T) RaceFuture[T] {
	return RaceFuture[T]{RaceOfAsync(liftAll(fs)...)}
}

// RaceFuture is the future of Race: a RaceOfFuture over the lifted
// functions (see Lift).
type RaceFuture[T any] struct {
	RaceOfFuture[T]
}

// RaceOf polls the futures fs, in order, until one completes, then cancels
// all the others (their Cancel is called exactly once, in index order,
// before RaceOf returns) and returns the winner's index and result.
//
// Polling is biased: on each wake-up the branches are polled in index
// order and the first complete one wins, so when several are ready at
// once, the lowest index wins (deterministic, like a select that lists its
// preferred case first). Each wake-up polls every branch, which suits a
// handful of branches.
//
// If a branch panics (in Poll, or in Result of the winner), the others are
// cancelled first and the panic is re-raised as a *rt.PanicError carrying
// the original value. Cancelling RaceOf cancels every branch. It panics if
// fs is empty. (The Cancel of a *rt.JoinHandle branch only stops waiting
// for its task; Abort the task if it should stop too.)
//
//asyncgo:async
func RaceOf[T any](fs ...rt.Future[T]) (int, T) {
	f := RaceOfAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// RaceOfAsync returns the future of RaceOf. It does nothing until polled.
func RaceOfAsync[T any](fs ...rt.Future[T]) RaceOfFuture[T] {
	return RaceOfFuture[T]{race[rt.Future[T]]{fs: fs}}
}

// RaceOfFuture is the future of RaceOf.
type RaceOfFuture[T any] struct {
	r race[rt.Future[T]]
}

// Poll polls the branches in order; when one completes it cancels the
// others and returns true.
func (f *RaceOfFuture[T]) Poll(cx *rt.Context) bool { return f.r.poll(cx) }

// Result returns the winner's index and result (re-raising a panic of the
// winner's Result as a *rt.PanicError).
func (f *RaceOfFuture[T]) Result() (int, T) {
	defer f.r.repanic()
	return f.r.winner, f.r.fs[f.r.winner].Result()
}

// Cancel cancels every branch, once. Idempotent; a no-op after completion.
func (f *RaceOfFuture[T]) Cancel() { f.r.cancel() }

// Select runs every function of fs concurrently, each in its own
// goroutine, and returns the index of the first to return. It is Race for
// branches without a common result type: each branch stores what it got
// in variables of the caller. A panic in the first function to return is
// re-raised as a *rt.PanicError; the other goroutines cannot be stopped
// and run on. (In async code a Select of async literals is lowered to
// SelectOf, which cancels the losers.) It panics if fs is empty.
//
//asyncgo:async
//asyncgo:lower SelectOf
func Select(fs ...func()) int {
	f := SelectAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// SelectAsync returns the future of Select. It starts nothing until
// polled.
func SelectAsync(fs ...func()) SelectFuture {
	return SelectFuture{SelectOfAsync(liftFuncs(fs)...)}
}

// SelectFuture is the future of Select: a SelectOfFuture over the lifted
// functions (see LiftFunc).
type SelectFuture struct {
	SelectOfFuture
}

// SelectOf polls the futures fs, in order, until one completes, then
// cancels all the others (exactly once each, before SelectOf returns) and
// returns the winner's index. It is RaceOf for futures of any result
// types; see RaceOf for the polling order and panics. It panics if fs is
// empty.
//
//asyncgo:async
func SelectOf(fs ...rt.Pollable) int {
	f := SelectOfAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// SelectOfAsync returns the future of SelectOf. It does nothing until
// polled.
func SelectOfAsync(fs ...rt.Pollable) SelectOfFuture {
	return SelectOfFuture{race[rt.Pollable]{fs: fs}}
}

// SelectOfFuture is the future of SelectOf.
type SelectOfFuture struct {
	r race[rt.Pollable]
}

// Poll polls the branches in order; when one completes it cancels the
// others and returns true.
func (f *SelectOfFuture) Poll(cx *rt.Context) bool { return f.r.poll(cx) }

// Result returns the index of the winning branch.
func (f *SelectOfFuture) Result() int { return f.r.winner }

// Cancel cancels every branch, once. Idempotent; a no-op after completion.
func (f *SelectOfFuture) Cancel() { f.r.cancel() }

// race is the state shared by RaceOf and SelectOf.
type race[P rt.Pollable] struct {
	fs     []P
	winner int
	done   bool // decided (a winner, a panic) or cancelled
}

// poll polls the branches in index order until one completes.
func (r *race[P]) poll(cx *rt.Context) bool {
	if r.done {
		return true
	}
	if len(r.fs) == 0 {
		panic("sync: race with no branches")
	}
	polling := -1
	defer func() {
		if polling < 0 {
			return
		}
		p := recover() // nil for runtime.Goexit, which then goes on
		r.done = true
		r.cancelExcept(polling)
		if p != nil {
			panic(branchPanic(p))
		}
	}()
	for i, f := range r.fs {
		polling = i
		if f.Poll(cx) {
			polling = -1
			r.winner, r.done = i, true
			r.cancelExcept(i)
			return true
		}
	}
	polling = -1
	return false
}

// cancelExcept cancels every branch but the one at index keep.
func (r *race[P]) cancelExcept(keep int) {
	for i, f := range r.fs {
		if i != keep {
			f.Cancel()
		}
	}
}

func (r *race[P]) cancel() {
	if r.done {
		return
	}
	r.done = true
	r.cancelExcept(-1)
}

// repanic, deferred, re-raises a panic as a *rt.PanicError.
func (r *race[P]) repanic() {
	if p := recover(); p != nil {
		panic(branchPanic(p))
	}
}
