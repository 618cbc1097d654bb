package sync

import (
	gosync "sync"
	"testing"
)

func TestMutexZeroValueGuardAndTryLock(t *testing.T) {
	var mu Mutex
	if !mu.TryLock() {
		t.Fatal("TryLock on zero Mutex failed")
	}
	if mu.TryLock() {
		t.Fatal("TryLock succeeded on a locked Mutex")
	}
	mu.Unlock()
	func() {
		g := mu.Lock()
		defer g.Unlock()
		if g.Mutex() != &mu {
			t.Fatal("guard points at another mutex")
		}
		if mu.TryLock() {
			t.Fatal("TryLock succeeded while a guard holds the Mutex")
		}
	}()
	if !mu.TryLock() {
		t.Fatal("guard's deferred Unlock did not release the Mutex")
	}
	mu.Unlock()
	defer func() {
		if recover() == nil {
			t.Fatal("Unlock of an unlocked Mutex did not panic")
		}
	}()
	mu.Unlock()
}

// Waiters get the lock in FIFO order by direct hand-off; nobody barges.
func TestMutexFIFOHandOff(t *testing.T) {
	var mu Mutex
	mu.Lock()
	const n = 5
	fs := make([]MutexLockFuture, n)
	ws := make([]*countWaker, n)
	for i := range fs {
		fs[i] = mu.LockAsync()
		w, cx := newCX()
		ws[i] = w
		pending(t, &fs[i], cx)
		pending(t, &fs[i], cx)
	}
	mu.Unlock()
	for i := 0; i < n; i++ {
		for j := range ws {
			want := int64(0)
			if j <= i {
				want = 1
			}
			wakes(t, ws[j], want, "waiter")
		}
		if mu.TryLock() {
			t.Fatal("TryLock barged in ahead of the woken waiter")
		}
		late := mu.LockAsync()
		_, lcx := newCX()
		pending(t, &late, lcx) // a newcomer queues behind
		late.Cancel()
		_, cx := newCX()
		ready(t, &fs[i], cx)
		fs[i].Result().Unlock()
	}
	if !mu.TryLock() {
		t.Fatal("Mutex still locked after every waiter unlocked")
	}
}

func TestMutexCancel(t *testing.T) {
	t.Run("queued waiter never gets the lock", func(t *testing.T) {
		var mu Mutex
		mu.Lock()
		f1, f2 := mu.LockAsync(), mu.LockAsync()
		w1, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &f1, cx1)
		pending(t, &f2, cx2)
		f1.Cancel()
		f1.Cancel()
		mu.Unlock()
		wakes(t, w1, 0, "cancelled waiter")
		wakes(t, w2, 1, "next waiter")
		ready(t, &f2, cx2)
		f2.Result().Unlock()
		if !mu.TryLock() {
			t.Fatal("Mutex left locked")
		}
	})
	t.Run("hand-off to a just-cancelled waiter passes on", func(t *testing.T) {
		var mu Mutex
		mu.Lock()
		f1, f2 := mu.LockAsync(), mu.LockAsync()
		w1, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &f1, cx1)
		pending(t, &f2, cx2)
		mu.Unlock() // hands the lock to f1 ...
		wakes(t, w1, 1, "f1")
		f1.Cancel() // ... which is cancelled before it observes it
		wakes(t, w2, 1, "f2")
		if mu.TryLock() {
			t.Fatal("lock released instead of passed on to the next waiter")
		}
		ready(t, &f2, cx2)
		f2.Result().Unlock()
		if !mu.TryLock() {
			t.Fatal("Mutex left locked")
		}
	})
	t.Run("hand-off to a just-cancelled last waiter releases", func(t *testing.T) {
		var mu Mutex
		mu.Lock()
		f := mu.LockAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		mu.Unlock()
		f.Cancel()
		if !mu.TryLock() {
			t.Fatal("Mutex left locked by a cancelled waiter")
		}
	})
	t.Run("cancel after completion keeps the lock", func(t *testing.T) {
		var mu Mutex
		f := mu.LockAsync()
		_, cx := newCX()
		ready(t, &f, cx)
		f.Cancel()
		if mu.TryLock() {
			t.Fatal("Cancel of a completed Lock released the Mutex")
		}
		f.Result().Unlock()
	})
}

// Cancel racing the Unlock that hands over the lock: whichever wins, the
// cancelled waiter ends up not owning the mutex and nothing stays locked.
func TestMutexCancelRacingUnlock(t *testing.T) {
	var mu Mutex
	for i := 0; i < stressIters(5000); i++ {
		mu.Lock()
		f := mu.LockAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		var wg gosync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); mu.Unlock() }()
		go func() { defer wg.Done(); f.Cancel() }()
		wg.Wait()
		if !mu.TryLock() {
			t.Fatalf("iteration %d: Mutex left locked after a racing cancel", i)
		}
		mu.Unlock()
	}
}

// Contention and no lost wake-ups: many goroutines increment a plain
// counter under the lock (the race detector checks the exclusion); a lost
// wake-up hangs and trips the timeout.
func TestMutexContention(t *testing.T) {
	var mu Mutex
	const workers = 8
	per := stressIters(5000)
	counter := 0
	var wg gosync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				g := mu.Lock()
				counter++
				g.Unlock()
			}
		}()
	}
	within(t, hang, "contending lockers", wg.Wait)
	if counter != workers*per {
		t.Fatalf("counter = %d, want %d", counter, workers*per)
	}
}
