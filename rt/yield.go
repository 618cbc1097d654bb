package rt

// Yield suspends the calling task exactly once: it is rescheduled at once
// and resumes after the tasks that were already runnable have had a turn.
// Called from ordinary goroutine code it returns immediately.
//
//asyncgo:async
func Yield() {
	f := YieldAsync()
	BlockOn(&f)
	f.Result()
}

// YieldAsync returns the future of Yield.
func YieldAsync() YieldFuture { return YieldFuture{} }

// YieldFuture is the future of Yield: pending on its first poll (after
// waking its own task), complete on the second.
type YieldFuture struct {
	yielded bool
}

// Poll completes on the second call; the first wakes the task and returns
// false.
func (f *YieldFuture) Poll(cx *Context) bool {
	if f.yielded {
		return true
	}
	f.yielded = true
	cx.Waker().Wake()
	return false
}

// Result returns nothing; Yield has no results.
func (f *YieldFuture) Result() {}

// Cancel does nothing: a yield holds no registration.
func (f *YieldFuture) Cancel() {}
