package sync

import (
	gosync "sync"
	"sync/atomic"
	"testing"
)

func TestBarrierRoundsAndLeader(t *testing.T) {
	b := NewBarrier(3)
	for round := 0; round < 3; round++ {
		f, g, h := b.WaitAsync(), b.WaitAsync(), b.WaitAsync()
		wf, cxf := newCX()
		wg, cxg := newCX()
		pending(t, &f, cxf)
		pending(t, &g, cxg)
		_, cxh := newCX()
		ready(t, &h, cxh) // the third arrival completes at once
		wakes(t, wf, 1, "first")
		wakes(t, wg, 1, "second")
		ready(t, &f, cxf)
		ready(t, &g, cxg)
		if f.Result() || g.Result() || !h.Result() {
			t.Fatalf("round %d: leaders %v %v %v, want only the last", round, f.Result(), g.Result(), h.Result())
		}
	}
}

// A Wait cancelled while waiting withdraws its arrival.
func TestBarrierCancelWithdraws(t *testing.T) {
	b := NewBarrier(2)
	f := b.WaitAsync()
	wf, cx := newCX()
	pending(t, &f, cx)
	f.Cancel()
	f.Cancel()
	g := b.WaitAsync()
	pending(t, &g, cx) // alone again: the cancelled arrival does not count
	wakes(t, wf, 0, "cancelled")
	h := b.WaitAsync()
	ready(t, &h, cx)
	ready(t, &g, cx)
	// Cancelled after being released: the round happened anyway.
	x, y := b.WaitAsync(), b.WaitAsync()
	pending(t, &x, cx)
	ready(t, &y, cx)
	x.Cancel()
	z := b.WaitAsync()
	pending(t, &z, cx) // a fresh round
	z.Cancel()
}

// n goroutines go through many rounds; nobody enters round r+1 before all
// have finished round r, and each round has exactly one leader.
func TestBarrierStress(t *testing.T) {
	const n = 5
	rounds := stressIters(2000)
	b := NewBarrier(n)
	var arrived [2]atomic.Int32
	var leaders atomic.Int32
	var wg gosync.WaitGroup
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				arrived[r%2].Add(1)
				if b.Wait() {
					leaders.Add(1)
				}
				if a := arrived[r%2].Load(); a < n*(int32(r/2)+1) {
					t.Errorf("left round %d after only %d arrivals", r, a)
					return
				}
			}
		}()
	}
	within(t, 3*hang, "participants", wg.Wait)
	if l := leaders.Load(); l != int32(rounds) {
		t.Fatalf("%d leaders for %d rounds", l, rounds)
	}
}
