package sync

import (
	gosync "sync"
	"sync/atomic"
	"testing"
)

func TestWaitGroupBasics(t *testing.T) {
	var wg WaitGroup
	within(t, hang, "Wait on a zero counter", wg.Wait)
	wg.Add(2)
	f, g := wg.WaitAsync(), wg.WaitAsync()
	wf, cxf := newCX()
	wgk, cxg := newCX()
	pending(t, &f, cxf)
	pending(t, &g, cxg)
	wg.Done()
	wakes(t, wf, 0, "waiter at counter 1")
	wg.Done()
	wakes(t, wf, 1, "waiter")
	wakes(t, wgk, 1, "waiter")
	// Reuse before the waiters ran: they still complete (the zero they
	// waited for happened).
	wg.Add(1)
	ready(t, &f, cxf)
	ready(t, &g, cxg)
	if wg.Count() != 1 {
		t.Fatalf("Count = %d, want 1", wg.Count())
	}
	h := wg.WaitAsync()
	pending(t, &h, cxf)
	h.Cancel()
	h.Cancel()
	if q := numQueued(&wg.mu, &wg.waiters); q != 0 {
		t.Fatalf("cancelled Wait still queued (%d)", q)
	}
	wg.Done()
	defer func() {
		if recover() == nil {
			t.Fatal("negative counter did not panic")
		}
	}()
	wg.Done()
}

func TestWaitGroupStress(t *testing.T) {
	rounds := stressIters(500)
	var wg WaitGroup
	for r := 0; r < rounds; r++ {
		var done atomic.Int32
		const workers = 6
		for k := 0; k < workers; k++ {
			wg.Go(func() { done.Add(1) })
		}
		var waiters gosync.WaitGroup
		for k := 0; k < 3; k++ {
			waiters.Add(1)
			go func() {
				defer waiters.Done()
				if k == 0 {
					f := wg.WaitAsync()
					if !driveOrCancel(&f, randDeadline()) {
						return
					}
				} else {
					wg.Wait()
				}
				if n := done.Load(); n != workers {
					t.Errorf("Wait returned with %d of %d done", n, workers)
				}
			}()
		}
		within(t, hang, "waiters", waiters.Wait)
	}
}
