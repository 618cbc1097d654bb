package sync

import "github.com/asyncgo/asyncgo/rt"

// JoinAll and Join: wait for every branch. Plain forms and companions as
// for Race (see race.go):
//
//	JoinAll[T](fs ...func() T) []T  ->  JoinAllOf[T](fs ...rt.Future[T]) []T
//	Join(fs ...func())              ->  JoinOf(fs ...rt.Pollable)

var (
	_ rt.Future[[]int]    = (*JoinAllOfFuture[int])(nil)
	_ rt.Future[struct{}] = (*JoinOfFuture)(nil)
)

// JoinAll runs every function of fs concurrently, each in its own
// goroutine, and returns their results in the order of fs once all have
// returned. If one panics, JoinAll stops waiting for the others and
// re-raises the panic as a *rt.PanicError; those goroutines cannot be
// stopped and run on, their results dropped. (In async code, where
// asyncgen lowers a JoinAll of async literals to JoinAllOf, they are
// cancelled instead.)
//
//asyncgo:async
//asyncgo:lower JoinAllOf
func JoinAll[T any](fs ...func() T) []T {
	f := JoinAllAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// JoinAllAsync returns the future of JoinAll. It starts nothing until
// polled.
func JoinAllAsync[T any](fs ...func() T) JoinAllFuture[T] {
	return JoinAllFuture[T]{JoinAllOfAsync(liftAll(fs)...)}
}

// JoinAllFuture is the future of JoinAll: a JoinAllOfFuture over the
// lifted functions (see Lift).
type JoinAllFuture[T any] struct {
	JoinAllOfFuture[T]
}

// JoinAllOf polls the futures fs until every one has completed and returns
// their results in the order of fs. Each wake-up polls every branch still
// pending, in index order.
//
// If a branch panics (in Poll or in Result), every branch still pending is
// cancelled (exactly once each) and the panic is re-raised as a
// *rt.PanicError carrying the original value. Cancelling JoinAllOf cancels
// every branch still pending.
//
//asyncgo:async
func JoinAllOf[T any](fs ...rt.Future[T]) []T {
	f := JoinAllOfAsync(fs...)
	rt.BlockOn(&f)
	return f.Result()
}

// JoinAllOfAsync returns the future of JoinAllOf. It does nothing until
// polled.
func JoinAllOfAsync[T any](fs ...rt.Future[T]) JoinAllOfFuture[T] {
	return JoinAllOfFuture[T]{join[rt.Future[T], T]{fs: fs}}
}

// JoinAllOfFuture is the future of JoinAllOf.
type JoinAllOfFuture[T any] struct {
	j join[rt.Future[T], T]
}

// Poll polls every pending branch and returns true when all completed.
func (f *JoinAllOfFuture[T]) Poll(cx *rt.Context) bool { return f.j.poll(cx, futureResult[T]) }

// Result returns the branches' results in order.
func (f *JoinAllOfFuture[T]) Result() []T { return f.j.res }

// Cancel cancels every pending branch, once. Idempotent; a no-op after
// completion.
func (f *JoinAllOfFuture[T]) Cancel() { f.j.cancel() }

// Join runs every function of fs concurrently, each in its own goroutine,
// and returns once all have returned. Panics as for JoinAll. (In async
// code a Join of async literals is lowered to JoinOf.)
//
//asyncgo:async
//asyncgo:lower JoinOf
func Join(fs ...func()) {
	f := JoinAsync(fs...)
	rt.BlockOn(&f)
	f.Result()
}

// JoinAsync returns the future of Join. It starts nothing until polled.
func JoinAsync(fs ...func()) JoinFuture {
	return JoinFuture{JoinOfAsync(liftFuncs(fs)...)}
}

// JoinFuture is the future of Join: a JoinOfFuture over the lifted
// functions (see LiftFunc).
type JoinFuture struct {
	JoinOfFuture
}

// JoinOf polls the futures fs until every one has completed. It is
// JoinAllOf for futures of any result types (which the branches store
// themselves); see JoinAllOf for panics and cancellation.
//
//asyncgo:async
func JoinOf(fs ...rt.Pollable) {
	f := JoinOfAsync(fs...)
	rt.BlockOn(&f)
	f.Result()
}

// JoinOfAsync returns the future of JoinOf. It does nothing until polled.
func JoinOfAsync(fs ...rt.Pollable) JoinOfFuture {
	return JoinOfFuture{join[rt.Pollable, struct{}]{fs: fs}}
}

// JoinOfFuture is the future of JoinOf.
type JoinOfFuture struct {
	j join[rt.Pollable, struct{}]
}

// Poll polls every pending branch and returns true when all completed.
func (f *JoinOfFuture) Poll(cx *rt.Context) bool { return f.j.poll(cx, noResult) }

// Result returns nothing; JoinOf has no results. (It returns struct{} so
// that JoinOfFuture is an rt.Future[struct{}].)
func (f *JoinOfFuture) Result() struct{} { return struct{}{} }

// Cancel cancels every pending branch, once. Idempotent; a no-op after
// completion.
func (f *JoinOfFuture) Cancel() { f.j.cancel() }

func futureResult[T any](f rt.Future[T]) T { return f.Result() }

func noResult(rt.Pollable) struct{} { return struct{}{} }

// join is the state shared by JoinAllOf and JoinOf.
type join[P rt.Pollable, T any] struct {
	fs      []P
	res     []T
	pending []bool // allocated by the first poll
	left    int    // branches still pending
	done    bool   // all complete, a branch panicked, or cancelled
}

// poll polls every pending branch in index order, storing the result of
// each that completes (result(f) is called right after f completes).
func (j *join[P, T]) poll(cx *rt.Context, result func(P) T) bool {
	if j.done {
		return true
	}
	if j.pending == nil {
		j.res = make([]T, len(j.fs))
		j.pending = make([]bool, len(j.fs))
		for i := range j.pending {
			j.pending[i] = true
		}
		j.left = len(j.fs)
	}
	polling := -1
	defer func() {
		if polling < 0 {
			return
		}
		p := recover() // nil for runtime.Goexit, which then goes on
		j.pending[polling] = false
		j.cancel()
		if p != nil {
			panic(branchPanic(p))
		}
	}()
	for i, f := range j.fs {
		if !j.pending[i] {
			continue
		}
		polling = i
		if f.Poll(cx) {
			j.res[i] = result(f)
			j.pending[i] = false
			j.left--
		}
	}
	polling = -1
	if j.left == 0 {
		j.done = true
	}
	return j.done
}

// cancel cancels every pending branch, once.
func (j *join[P, T]) cancel() {
	if j.done {
		return
	}
	j.done = true
	for i, f := range j.fs {
		if j.pending == nil || j.pending[i] {
			f.Cancel()
		}
	}
}
