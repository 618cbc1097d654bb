package sync

import (
	"slices"
	"testing"

	"github.com/asyncgo/asyncgo/rt"
)

var (
	_ rt.Pollable = (*ChannelRecvNextFuture[int])(nil)
	_ rt.Pollable = (*RingRecvNextFuture[int])(nil)
)

func TestChannelAllUntilClosed(t *testing.T) {
	c := NewChannel[int]()
	var got []int
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range c.All() {
			got = append(got, v)
		}
	}()
	for i := 0; i < 100; i++ {
		c.Send(i)
	}
	c.Close()
	within(t, hang, "range over a closed channel", func() { <-done })
	if len(got) != 100 || !slices.IsSorted(got) || got[99] != 99 {
		t.Fatalf("range received %d values (%v...), want 0..99 in order", len(got), got[:min(len(got), 5)])
	}
}

func TestChannelAllBreakKeepsRest(t *testing.T) {
	c := NewChannel[string]()
	for _, s := range []string{"a", "b", "c", "d"} {
		c.Send(s)
	}
	var got []string
	for v := range c.All() {
		got = append(got, v)
		if v == "b" {
			break
		}
	}
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("got %v before break, want [a b]", got)
	}
	if n := c.Len(); n != 2 {
		t.Fatalf("Len after break = %d, want 2 (break takes no extra value)", n)
	}
	c.Close()
	got = slices.Collect(c.All())
	if !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("second range = %v, want [c d]", got)
	}
}

func TestChannelRecvNextFuture(t *testing.T) {
	c := NewChannel[int]()
	w, cx := newCX()
	f := c.RecvNextAsync()
	pending(t, &f, cx)
	c.Send(7)
	wakes(t, w, 1, "receiver")
	ready(t, &f, cx)
	if v, ok := f.Result(); v != 7 || !ok {
		t.Fatalf("Result = %d, %v; want 7, true", v, ok)
	}
	g := c.RecvNextAsync()
	pending(t, &g, cx)
	c.Close()
	wakes(t, w, 2, "receiver")
	ready(t, &g, cx)
	if v, ok := g.Result(); v != 0 || ok {
		t.Fatalf("Result on closed channel = %d, %v; want 0, false", v, ok)
	}
}

// A receive cancelled after a value was handed to it (a task aborted
// while parked in a range loop) passes the value on: nothing is lost.
func TestChannelRecvNextCancelInMiddle(t *testing.T) {
	c := NewChannel[int]()
	_, cx := newCX()
	f1 := c.RecvNextAsync()
	f2 := c.RecvNextAsync()
	pending(t, &f1, cx)
	pending(t, &f2, cx)
	c.Send(1) // handed to f1, the first waiter
	f1.Cancel()
	f1.Cancel() // idempotent
	ready(t, &f2, cx)
	if v, ok := f2.Result(); v != 1 || !ok {
		t.Fatalf("f2 = %d, %v; want the value cancelled f1 held (1, true)", v, ok)
	}
	// Cancelled with nobody else waiting: the value goes back to the buffer.
	f3 := c.RecvNextAsync()
	pending(t, &f3, cx)
	c.Send(2)
	c.Send(3)
	f3.Cancel()
	c.Close()
	if got := slices.Collect(c.All()); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("after cancel, range = %v; want [2 3]", got)
	}
}

func TestRingAllBackPressure(t *testing.T) {
	r := NewRing[int](2)
	const n = 200
	maxLen := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; i++ {
			if err := r.Send(i); err != nil {
				t.Errorf("Send(%d): %v", i, err)
				return
			}
		}
		r.Close()
	}()
	next := 0
	within(t, hang, "range over a ring", func() {
		for v := range r.All() {
			if v != next {
				t.Errorf("got %d, want %d", v, next)
			}
			next++
			maxLen = max(maxLen, r.Len())
		}
	})
	<-done
	if next != n {
		t.Fatalf("received %d values, want %d", next, n)
	}
	if maxLen > r.Cap() {
		t.Fatalf("Len reached %d, over Cap %d", maxLen, r.Cap())
	}
}

func TestRingRecvNextCancelInMiddle(t *testing.T) {
	r := NewRing[int](1)
	w, cx := newCX()
	f1 := r.RecvNextAsync()
	pending(t, &f1, cx)
	if err := r.TrySend(5); err != nil { // handed to f1
		t.Fatal(err)
	}
	wakes(t, w, 1, "receiver")
	f1.Cancel() // back to the head of the ring
	if n := r.Len(); n != 1 {
		t.Fatalf("Len after cancel = %d, want 1", n)
	}
	f2 := r.RecvNextAsync()
	ready(t, &f2, cx)
	if v, ok := f2.Result(); v != 5 || !ok {
		t.Fatalf("f2 = %d, %v; want 5, true", v, ok)
	}
	r.Close()
	f3 := r.RecvNextAsync()
	ready(t, &f3, cx)
	if v, ok := f3.Result(); v != 0 || ok {
		t.Fatalf("on closed ring = %d, %v; want 0, false", v, ok)
	}
}
