package sync

import (
	"errors"
	"math/rand/v2"
	gosync "sync"
	"sync/atomic"
	"testing"
)

func TestSemaphoreBasics(t *testing.T) {
	s := NewSemaphore(3)
	if err := s.Acquire(2); err != nil {
		t.Fatal(err)
	}
	if !s.TryAcquire(1) || s.TryAcquire(1) {
		t.Fatal("TryAcquire did not take exactly the last permit")
	}
	if err := s.Acquire(0); err != nil {
		t.Fatalf("Acquire(0) = %v", err)
	}
	if err := s.Acquire(4); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Acquire beyond Size: err = %v, want ErrTooLarge", err)
	}
	s.Release(3)
	if n := s.Available(); n != 3 {
		t.Fatalf("Available = %d, want 3", n)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("releasing more than held did not panic")
			}
		}()
		s.Release(1)
	}()
}

// Strict FIFO with partial grants: a large request at the head is not
// overtaken by a smaller one behind it, nor by TryAcquire.
func TestSemaphoreFIFOPartialGrants(t *testing.T) {
	s := NewSemaphore(5)
	s.Acquire(5)
	a, b := s.AcquireAsync(3), s.AcquireAsync(1)
	wa, cxa := newCX()
	wb, cxb := newCX()
	pending(t, &a, cxa)
	pending(t, &b, cxb)
	s.Release(1)
	s.Release(1)
	wakes(t, wa, 0, "head request with 2 of 3")
	wakes(t, wb, 0, "small request behind the head")
	if s.TryAcquire(1) {
		t.Fatal("TryAcquire barged ahead of the waiting requests")
	}
	if n := s.Available(); n != 0 {
		t.Fatalf("Available = %d, want 0 (permits granted to the head)", n)
	}
	s.Release(2) // one completes the head, one goes to b
	wakes(t, wa, 1, "head request")
	wakes(t, wb, 1, "second request")
	ready(t, &a, cxa)
	ready(t, &b, cxb)
	if a.Result() != nil || b.Result() != nil {
		t.Fatal("unexpected errors")
	}
	s.Release(3 + 1 + 1)
	if n := s.Available(); n != 5 {
		t.Fatalf("Available = %d, want 5", n)
	}
}

func TestSemaphoreCancel(t *testing.T) {
	t.Run("partial grants of a cancelled head go to the next", func(t *testing.T) {
		s := NewSemaphore(5)
		s.Acquire(5)
		a, b := s.AcquireAsync(4), s.AcquireAsync(2)
		wa, cxa := newCX()
		wb, cxb := newCX()
		pending(t, &a, cxa)
		pending(t, &b, cxb)
		s.Release(3) // all three assigned to a, which still needs one
		wakes(t, wb, 0, "b")
		a.Cancel()
		a.Cancel()
		wakes(t, wa, 0, "cancelled a")
		wakes(t, wb, 1, "b, served from a's partial grant")
		ready(t, &b, cxb)
		if n := s.Available(); n != 1 {
			t.Fatalf("Available = %d, want 1", n)
		}
		s.Release(2 + 2)
		if n := s.Available(); n != 5 {
			t.Fatalf("Available = %d, want 5: permits leaked", n)
		}
	})
	t.Run("full grant to a just-cancelled request is released", func(t *testing.T) {
		s := NewSemaphore(2)
		s.Acquire(2)
		a, b := s.AcquireAsync(2), s.AcquireAsync(1)
		_, cxa := newCX()
		wb, cxb := newCX()
		pending(t, &a, cxa)
		pending(t, &b, cxb)
		s.Release(2) // a is complete ...
		a.Cancel()   // ... but cancelled before it saw it
		wakes(t, wb, 1, "b")
		ready(t, &b, cxb)
		if n := s.Available(); n != 1 {
			t.Fatalf("Available = %d, want 1", n)
		}
		s.Release(1)
	})
	t.Run("cancelled middle request leaves no trace", func(t *testing.T) {
		s := NewSemaphore(1)
		s.Acquire(1)
		a, b, c := s.AcquireAsync(1), s.AcquireAsync(1), s.AcquireAsync(1)
		for _, f := range []*SemaphoreAcquireFuture{&a, &b, &c} {
			_, cx := newCX()
			pending(t, f, cx)
		}
		b.Cancel()
		if q := numQueued(&s.mu, &s.waiters); q != 2 {
			t.Fatalf("%d queued, want 2", q)
		}
		s.Release(1)
		_, cx := newCX()
		ready(t, &a, cx)
		s.Release(1)
		ready(t, &c, cx)
		s.Release(1)
	})
}

func TestSemaphoreClose(t *testing.T) {
	s := NewSemaphore(4)
	s.Acquire(3)
	a := s.AcquireAsync(3) // takes the free permit as a partial grant
	wa, cx := newCX()
	pending(t, &a, cx)
	s.Close()
	s.Close()
	wakes(t, wa, 1, "waiting request")
	ready(t, &a, cx)
	if err := a.Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("waiting Acquire after Close: err = %v, want ErrClosed", err)
	}
	if err := s.Acquire(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: err = %v", err)
	}
	if s.TryAcquire(1) {
		t.Fatal("TryAcquire succeeded after Close")
	}
	s.Release(3)
	if n := s.Available(); n != 4 {
		t.Fatalf("Available = %d, want 4: partial grant not returned", n)
	}
}

// Weighted requests, some cancelled at random moments: the total weight
// held never exceeds Size, and every permit comes back.
func TestSemaphoreStress(t *testing.T) {
	const size = 7
	s := NewSemaphore(size)
	var inUse atomic.Int64
	var cancelled atomic.Int64
	per := stressIters(1500)
	var wg gosync.WaitGroup
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				n := int64(1 + rand.IntN(size))
				if k%2 == 0 {
					if err := s.Acquire(n); err != nil {
						t.Error(err)
						return
					}
				} else {
					f := s.AcquireAsync(n)
					if !driveOrCancel(&f, randDeadline()) {
						cancelled.Add(1)
						continue
					}
				}
				if v := inUse.Add(n); v > size {
					t.Errorf("%d permits in use, Size %d", v, size)
				}
				inUse.Add(-n)
				s.Release(n)
			}
		}()
	}
	within(t, 3*hang, "acquirers", wg.Wait)
	if n := s.Available(); n != size {
		t.Fatalf("Available = %d at the end, want %d", n, size)
	}
	if q := numQueued(&s.mu, &s.waiters); q != 0 {
		t.Fatalf("%d requests left queued", q)
	}
	t.Logf("%d acquires cancelled", cancelled.Load())
}
