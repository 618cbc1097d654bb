package sync

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// countWaker counts its wake-ups; tests drive futures by hand with it.
type countWaker struct{ n atomic.Int64 }

func (w *countWaker) Wake() { w.n.Add(1) }

func (w *countWaker) count() int64 { return w.n.Load() }

// newCX returns a counting waker and a Context carrying it.
func newCX() (*countWaker, *rt.Context) {
	w := &countWaker{}
	return w, rt.NewContext(rt.NewWaker(w))
}

// within fails the test if fn does not return within d (a hang is the
// failure mode of a lost wake-up).
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still blocked after %v (lost wake-up or hang)", what, d)
	}
}

// pending polls f once and fails the test if it completed.
func pending(t *testing.T, f rt.Pollable, cx *rt.Context) {
	t.Helper()
	if f.Poll(cx) {
		t.Fatalf("%T completed, want pending", f)
	}
}

// ready polls f once and fails the test if it is still pending.
func ready(t *testing.T, f rt.Pollable, cx *rt.Context) {
	t.Helper()
	if !f.Poll(cx) {
		t.Fatalf("%T pending, want complete", f)
	}
}

// wakes fails the test unless w was woken exactly n times so far.
func wakes(t *testing.T, w *countWaker, n int64, who string) {
	t.Helper()
	if got := w.count(); got != n {
		t.Fatalf("%s woken %d times, want %d", who, got, n)
	}
}

// stressIters scales iteration counts down in -short mode.
func stressIters(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

const hang = 10 * time.Second
