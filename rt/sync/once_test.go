package sync

import (
	"sync/atomic"
	"testing"
)

func TestOnceRunsOnceOthersWait(t *testing.T) {
	var o Once
	var calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	first := make(chan struct{})
	go func() {
		defer close(first)
		o.Do(func() {
			calls.Add(1)
			close(started)
			<-release
		})
	}()
	<-started
	f := o.DoAsync(func() { calls.Add(1) })
	w, cx := newCX()
	pending(t, &f, cx) // f is running elsewhere: wait for it
	if o.Done() {
		t.Fatal("Done while f runs")
	}
	close(release)
	within(t, hang, "first Do", func() { <-first })
	wakes(t, w, 1, "waiting Do")
	ready(t, &f, cx)
	o.Do(func() { calls.Add(1) })
	if n := calls.Load(); n != 1 || !o.Done() {
		t.Fatalf("f ran %d times, want 1", n)
	}
}

// As with sync.Once, a panicking f counts as done, and waiters are
// released.
func TestOncePanicCountsAsDone(t *testing.T) {
	var o Once
	var waiter OnceDoFuture
	w, cx := newCX()
	func() {
		defer func() {
			if recover() != "boom" {
				t.Fatal("panic of f not propagated")
			}
		}()
		o.Do(func() {
			waiter = o.DoAsync(func() { t.Error("second f ran") })
			pending(t, &waiter, cx)
			panic("boom")
		})
	}()
	wakes(t, w, 1, "waiter")
	ready(t, &waiter, cx)
	if !o.Done() {
		t.Fatal("Once not done after f panicked")
	}
}

func TestOnceCancelWaiting(t *testing.T) {
	var o Once
	o.Do(func() {
		f := o.DoAsync(func() {})
		w, cx := newCX()
		pending(t, &f, cx)
		f.Cancel()
		f.Cancel()
		if q := numQueued(&o.mu, &o.waiters); q != 0 {
			t.Errorf("%d queued after Cancel", q)
		}
		_ = w
	})
}

// Many goroutines call Do at once; f runs once and nobody returns before
// it has finished.
func TestOnceStress(t *testing.T) {
	for round := 0; round < stressIters(200); round++ {
		var o Once
		var calls, finished atomic.Int32
		var wg WaitGroup
		for k := 0; k < 8; k++ {
			wg.Go(func() {
				o.Do(func() {
					calls.Add(1)
					finished.Store(1)
				})
				if finished.Load() != 1 {
					t.Error("Do returned before f finished")
				}
			})
		}
		within(t, hang, "Do callers", wg.Wait)
		if n := calls.Load(); n != 1 {
			t.Fatalf("f ran %d times", n)
		}
	}
}
