package sync

import (
	"errors"
	gosync "sync"
	"testing"
)

func TestWatchLatestValueOnly(t *testing.T) {
	w := NewWatch("a")
	r := w.Subscribe()
	if r.Changed() {
		t.Fatal("new receiver sees the initial value as a change")
	}
	f := r.RecvAsync()
	wk, cx := newCX()
	pending(t, &f, cx)
	w.Send("b")
	w.Send("c")
	wakes(t, wk, 1, "receiver")
	ready(t, &f, cx)
	if v, err := f.Result(); v != "c" || err != nil {
		t.Fatalf("Recv = %q, %v; want the latest value \"c\"", v, err)
	}
	g := r.RecvAsync()
	pending(t, &g, cx) // "c" was seen: wait for the next change
	g.Cancel()
	if got := r.Load(); got != "c" || w.Load() != "c" {
		t.Fatalf("Load = %q", got)
	}
	w.Send("d")
	if !r.Changed() {
		t.Fatal("Changed = false after Send")
	}
	if v, _ := r.Recv(); v != "d" {
		t.Fatalf("Recv = %q, want \"d\"", v)
	}
}

func TestWatchEveryReceiverWoken(t *testing.T) {
	w := NewWatch(0)
	const n = 10
	fs := make([]WatchReceiverRecvFuture[int], n)
	ws := make([]*countWaker, n)
	for i := range fs {
		fs[i] = w.Subscribe().RecvAsync()
		wk, cx := newCX()
		ws[i] = wk
		pending(t, &fs[i], cx)
	}
	w.Send(1)
	for i := range fs {
		wakes(t, ws[i], 1, "receiver")
		_, cx := newCX()
		ready(t, &fs[i], cx)
		if v, _ := fs[i].Result(); v != 1 {
			t.Fatalf("receiver %d got %d", i, v)
		}
	}
}

func TestWatchCancelMarksNothingSeen(t *testing.T) {
	w := NewWatch(0)
	r := w.Subscribe()
	f := r.RecvAsync()
	wk, cx := newCX()
	pending(t, &f, cx)
	f.Cancel()
	f.Cancel()
	if q := numQueued(&w.mu, &w.recvq); q != 0 {
		t.Fatalf("cancelled Recv still queued (%d)", q)
	}
	w.Send(5)
	wakes(t, wk, 0, "cancelled Recv")
	if v, err := r.Recv(); v != 5 || err != nil { // the cancel marked nothing seen
		t.Fatalf("Recv after a cancelled Recv = %d, %v; want 5", v, err)
	}
	g := r.RecvAsync()
	pending(t, &g, cx) // registered before the send below
	w.Send(6)
	g.Cancel() // woken, cancelled before it looked
	if v, err := r.Recv(); v != 6 || err != nil {
		t.Fatalf("Recv after cancellations = %d, %v; want 6", v, err)
	}
}

func TestWatchClose(t *testing.T) {
	w := NewWatch(1)
	r1, r2 := w.Subscribe(), w.Subscribe()
	f := r1.RecvAsync()
	wk, cx := newCX()
	pending(t, &f, cx)
	w.Send(2)
	w.Close()
	w.Close()
	if err := w.Send(3); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: err = %v", err)
	}
	wakes(t, wk, 1, "waiting receiver")
	ready(t, &f, cx)
	if v, err := f.Result(); v != 2 || err != nil {
		t.Fatalf("unseen value before close: %d, %v; want 2", v, err)
	}
	within(t, hang, "Recv on closed watch", func() {
		if _, err := r1.Recv(); !errors.Is(err, ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
		if v, err := r2.Recv(); v != 2 || err != nil {
			t.Errorf("r2 first Recv = %d, %v; want 2", v, err)
		}
		if _, err := r2.Recv(); !errors.Is(err, ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
	})
	if w.Load() != 2 {
		t.Fatal("Load after Close lost the last value")
	}
}

// Stress: receivers never see a value go backwards, and each ends on the
// last value sent (a lost wake-up would hang or end early).
func TestWatchStress(t *testing.T) {
	n := stressIters(20000)
	w := NewWatch(0)
	const receivers = 6
	var rw gosync.WaitGroup
	for k := 0; k < receivers; k++ {
		r := w.Subscribe()
		rw.Add(1)
		go func() {
			defer rw.Done()
			last := 0
			for {
				var v int
				var err error
				if k%2 == 0 {
					v, err = r.Recv()
				} else {
					f := r.RecvAsync()
					if !driveOrCancel(&f, randDeadline()) {
						continue
					}
					v, err = f.Result()
				}
				if err != nil {
					if last != n {
						t.Errorf("receiver %d ended on %d, want %d", k, last, n)
					}
					return
				}
				if v <= last {
					t.Errorf("receiver %d: %d after %d", k, v, last)
				}
				last = v
			}
		}()
	}
	for i := 1; i <= n; i++ {
		w.Send(i)
	}
	w.Close()
	within(t, 3*hang, "receivers", rw.Wait)
}
