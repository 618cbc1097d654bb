package sync

import (
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

func TestJoinAllOfOrder(t *testing.T) {
	ps, fs := probes(t, 3)
	f := JoinAllOfAsync(fs...)
	_, cx := newCX()
	pending(t, &f, cx)
	ps[2].ready = true
	pending(t, &f, cx)
	ps[0].ready = true
	pending(t, &f, cx)
	if ps[2].polls != 2 || ps[0].polls != 3 {
		t.Fatalf("completed branch polled again (polls %d, %d)", ps[2].polls, ps[0].polls)
	}
	ps[1].ready = true
	ready(t, &f, cx)
	got := f.Result()
	if len(got) != 3 || got[0] != 0 || got[1] != 10 || got[2] != 20 {
		t.Fatalf("results %v, want [0 10 20] (in branch order)", got)
	}
	f.Cancel()
	cancels(t, ps, 0, 0, 0)

	empty := JoinAllOfAsync[int]()
	ready(t, &empty, cx)
	if r := empty.Result(); r == nil || len(r) != 0 {
		t.Fatalf("empty JoinAllOf = %#v, want an empty slice", r)
	}
}

// A panicking branch: the pending others are cancelled once, the
// completed ones are not, and the panic is re-raised.
func TestJoinAllOfPanicCancelsOthers(t *testing.T) {
	ps, fs := probes(t, 4)
	ps[0].ready = true
	f := JoinAllOfAsync(fs...)
	_, cx := newCX()
	pending(t, &f, cx)
	ps[2].boom = "boom"
	func() {
		defer func() {
			pe, ok := recover().(*rt.PanicError)
			if !ok || pe.Value != "boom" {
				t.Fatalf("recovered %v, want *rt.PanicError{boom}", pe)
			}
		}()
		f.Poll(cx)
		t.Fatal("Poll returned normally")
	}()
	cancels(t, ps, 0, 1, 0, 1)
	f.Cancel()
	ready(t, &f, cx)
	cancels(t, ps, 0, 1, 0, 1)
}

func TestJoinAllOfCancel(t *testing.T) {
	ps, fs := probes(t, 3)
	f := JoinAllOfAsync(fs...)
	_, cx := newCX()
	ps[1].ready = true
	pending(t, &f, cx)
	f.Cancel()
	f.Cancel()
	cancels(t, ps, 1, 0, 1)
}

func TestJoinOfPollables(t *testing.T) {
	ch := NewChannel[int]()
	var wgp WaitGroup
	wgp.Add(1)
	recv, wait := ch.RecvAsync(), wgp.WaitAsync()
	f := JoinOfAsync(&recv, &wait)
	w, cx := newCX()
	pending(t, &f, cx)
	ch.Send(3)
	wakes(t, w, 1, "join")
	pending(t, &f, cx)
	wgp.Done()
	ready(t, &f, cx)
	if v, _ := recv.Result(); v != 3 {
		t.Fatalf("branch result %d", v)
	}
}

func TestJoinAllPlainFunctions(t *testing.T) {
	within(t, hang, "JoinAll", func() {
		got := JoinAll(
			func() int { time.Sleep(2 * time.Millisecond); return 1 },
			func() int { return 2 },
			func() int { time.Sleep(time.Millisecond); return 3 },
		)
		if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
			t.Errorf("JoinAll = %v, want [1 2 3]", got)
		}
	})
	within(t, hang, "Join", func() {
		var a, b int
		Join(func() { a = 1 }, func() { b = 2 })
		if a != 1 || b != 2 {
			t.Errorf("Join: a, b = %d, %d", a, b)
		}
	})
	// A panic is re-raised without waiting for a branch that hangs.
	release := make(chan struct{})
	defer close(release)
	within(t, hang, "JoinAll with a panic", func() {
		defer func() {
			pe, ok := recover().(*rt.PanicError)
			if !ok || pe.Value != "boom" {
				t.Errorf("recovered %v, want *rt.PanicError{boom}", pe)
			}
		}()
		JoinAll(func() int { <-release; return 0 }, func() int { panic("boom") })
		t.Error("JoinAll returned normally")
	})
}

// JoinAll from tasks: results in order.
func TestJoinAllInTask(t *testing.T) {
	var got []int
	rt.Run(func() {
		ch := NewChannel[int]()
		h := rt.SpawnFuture[JoinAllFuture[int], []int](JoinAllAsync(
			func() int { v, _ := ch.Recv(); return v },
			func() int { return 7 },
		))
		ch.Send(5)
		got = rt.Await[[]int](h)
	}, rt.Workers(2))
	if len(got) != 2 || got[0] != 5 || got[1] != 7 {
		t.Fatalf("JoinAll in a task = %v, want [5 7]", got)
	}
}
