package sync

import (
	"errors"
	"math/rand/v2"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// chanWaker wakes a goroutine parked on the channel; wakes that arrive
// while it is polling are kept in the one-slot buffer.
type chanWaker chan struct{}

func (c chanWaker) Wake() {
	select {
	case c <- struct{}{}:
	default:
	}
}

// driveOrCancel polls f like an executor would until it completes, or
// cancels it when the deadline fires first (as a losing select branch or a
// timeout would). It reports whether f completed.
func driveOrCancel(f rt.Pollable, deadline <-chan time.Time) bool {
	w := make(chanWaker, 1)
	cx := rt.NewContext(rt.NewWaker(w))
	for !f.Poll(cx) {
		select {
		case <-w:
		case <-deadline:
			f.Cancel()
			f.Cancel()
			return false
		}
	}
	return true
}

func randDeadline() <-chan time.Time {
	return time.After(time.Duration(rand.IntN(50)) * time.Microsecond)
}

// Lockers give up at random moments, racing hand-offs. Mutual exclusion
// holds, every completed Lock really owns the mutex, and the mutex ends
// unlocked (no hand-off leaked to a cancelled waiter).
func TestMutexCancelStress(t *testing.T) {
	var mu Mutex
	var inside atomic.Int32
	var acquired, cancelled atomic.Int64
	const workers = 8
	per := stressIters(1000)
	var wg gosync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				f := mu.LockAsync()
				if !driveOrCancel(&f, randDeadline()) {
					cancelled.Add(1)
					continue
				}
				if !inside.CompareAndSwap(0, 1) {
					t.Error("two owners inside the critical section")
				}
				acquired.Add(1)
				time.Sleep(time.Duration(rand.IntN(3)) * time.Microsecond)
				inside.Store(0)
				f.Result().Unlock()
			}
		}()
	}
	within(t, 3*hang, "lockers", wg.Wait)
	if !mu.TryLock() {
		t.Fatal("mutex left locked: a hand-off leaked to a cancelled waiter")
	}
	if numQueued(&mu.mu, &mu.waiters) != 0 {
		t.Fatal("cancelled waiters left in the queue")
	}
	t.Logf("acquired %d, cancelled %d", acquired.Load(), cancelled.Load())
	if cancelled.Load() == 0 && !testing.Short() {
		t.Log("no cancellation happened; the stress did not exercise Cancel")
	}
}

// Receivers give up at random moments, racing sends. Every value is
// received exactly once: a cancelled receiver never swallows one.
func TestChannelCancelStress(t *testing.T) {
	c := NewChannel[int]()
	const producers, consumers = 4, 6
	per := stressIters(3000)
	seen := make([]atomic.Int32, producers*per)
	var pw, cw gosync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := 0; i < per; i++ {
				c.Send(p*per + i)
				if i%64 == 0 {
					time.Sleep(time.Microsecond)
				}
			}
		}()
	}
	for k := 0; k < consumers; k++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for {
				f := c.RecvAsync()
				if !driveOrCancel(&f, randDeadline()) {
					continue
				}
				v, err := f.Result()
				if errors.Is(err, ErrClosed) {
					return
				}
				seen[v].Add(1)
			}
		}()
	}
	within(t, 3*hang, "producers", pw.Wait)
	c.Close()
	within(t, 3*hang, "consumers", cw.Wait)
	for v := range seen {
		if n := seen[v].Load(); n != 1 {
			t.Fatalf("value %d received %d times, want exactly once", v, n)
		}
	}
}

// Senders and receivers of a small ring give up at random moments. The
// ring never exceeds its capacity; completed sends are received exactly
// once; a cancelled send is received at most once; nothing else appears.
func TestRingCancelStress(t *testing.T) {
	const producers, consumers, capacity = 4, 4, 3
	per := stressIters(2000)
	r := NewRing[int](capacity)
	sent := make([]atomic.Int32, producers*per) // 1 = completed, 2 = cancelled
	seen := make([]atomic.Int32, producers*per)
	var pw, cw gosync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := 0; i < per; i++ {
				v := p*per + i
				f := r.SendAsync(v)
				if driveOrCancel(&f, randDeadline()) {
					if err := f.Result(); err != nil {
						t.Error(err)
					}
					sent[v].Store(1)
				} else {
					sent[v].Store(2)
				}
			}
		}()
	}
	for k := 0; k < consumers; k++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for {
				f := r.RecvAsync()
				if !driveOrCancel(&f, randDeadline()) {
					continue
				}
				v, err := f.Result()
				if errors.Is(err, ErrClosed) {
					return
				}
				seen[v].Add(1)
				if n := r.Len(); n > capacity {
					t.Errorf("Len = %d > capacity %d", n, capacity)
				}
			}
		}()
	}
	within(t, 3*hang, "producers", pw.Wait)
	r.Close()
	within(t, 3*hang, "consumers", cw.Wait)
	var cancelled int
	for v := range seen {
		n := seen[v].Load()
		switch sent[v].Load() {
		case 1:
			if n != 1 {
				t.Fatalf("completed send %d received %d times, want 1", v, n)
			}
		case 2:
			cancelled++
			if n > 1 {
				t.Fatalf("cancelled send %d received %d times", v, n)
			}
		default:
			t.Fatalf("value %d never sent", v)
		}
	}
	t.Logf("%d sends cancelled", cancelled)
}
