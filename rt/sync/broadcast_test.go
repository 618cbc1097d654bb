package sync

import (
	"errors"
	gosync "sync"
	"testing"
	"time"
)

func TestBroadcastEveryReceiverGetsEveryValue(t *testing.T) {
	b := NewBroadcast[int](8)
	rs := []*BroadcastReceiver[int]{b.Subscribe(), b.Subscribe(), b.Subscribe()}
	if n := b.Receivers(); n != 3 {
		t.Fatalf("Receivers = %d, want 3", n)
	}
	for i := 0; i < 5; i++ {
		if err := b.Send(i); err != nil {
			t.Fatal(err)
		}
	}
	late := b.Subscribe() // sees only what is sent from now on
	b.Send(5)
	for k, r := range rs {
		if n := r.Len(); n != 6 {
			t.Fatalf("receiver %d: Len = %d, want 6", k, n)
		}
		for i := 0; i < 6; i++ {
			if v, err := r.TryRecv(); v != i || err != nil {
				t.Fatalf("receiver %d: TryRecv = %d, %v; want %d", k, v, err, i)
			}
		}
		if _, err := r.TryRecv(); !errors.Is(err, ErrEmpty) {
			t.Fatalf("receiver %d: err = %v, want ErrEmpty", k, err)
		}
	}
	if v, err := late.Recv(); v != 5 || err != nil {
		t.Fatalf("late subscriber got %d, %v; want 5", v, err)
	}
}

// A slow receiver is told exactly how many values it missed, then goes on
// with the oldest retained value; senders are never held back.
func TestBroadcastLagCounting(t *testing.T) {
	b := NewBroadcast[int](4)
	slow, fast := b.Subscribe(), b.Subscribe()
	for i := 0; i < 10; i++ {
		b.Send(i)
		if v, err := fast.TryRecv(); v != i || err != nil {
			t.Fatalf("fast receiver got %d, %v; want %d", v, err, i)
		}
	}
	_, err := slow.Recv()
	var lag *LaggedError
	if !errors.As(err, &lag) || lag.Missed != 6 || !errors.Is(err, ErrLagged) {
		t.Fatalf("slow receiver: err = %v, want LaggedError{Missed: 6}", err)
	}
	for i := 6; i < 10; i++ {
		if v, err := slow.Recv(); v != i || err != nil {
			t.Fatalf("after lag: Recv = %d, %v; want %d", v, err, i)
		}
	}
	// Lagging again, by one value, and through a waiting future.
	for i := 10; i < 15; i++ {
		b.Send(i)
	}
	f := slow.RecvAsync()
	_, cx := newCX()
	ready(t, &f, cx)
	if _, err := f.Result(); !errors.As(err, &lag) || lag.Missed != 1 {
		t.Fatalf("second lag: err = %v, want 1 missed", err)
	}
	if n := slow.Len(); n != 4 {
		t.Fatalf("Len after lag = %d, want 4", n)
	}
}

func TestBroadcastSendWakesEveryWaiter(t *testing.T) {
	b := NewBroadcast[string](2)
	const n = 40 // more than one stack batch of wakers
	rs := make([]*BroadcastReceiver[string], n)
	fs := make([]BroadcastReceiverRecvFuture[string], n)
	ws := make([]*countWaker, n)
	for i := range fs {
		rs[i] = b.Subscribe()
		fs[i] = rs[i].RecvAsync()
		w, cx := newCX()
		ws[i] = w
		pending(t, &fs[i], cx)
		pending(t, &fs[i], cx)
	}
	b.Send("x")
	for i := range fs {
		wakes(t, ws[i], 1, "receiver")
		_, cx := newCX()
		ready(t, &fs[i], cx)
		if v, err := fs[i].Result(); v != "x" || err != nil {
			t.Fatalf("receiver %d got %q, %v", i, v, err)
		}
	}
	if q := numQueued(&b.mu, &b.recvq); q != 0 {
		t.Fatalf("%d waiters left queued", q)
	}
}

// A cancelled Recv consumed nothing and leaves no registration behind.
func TestBroadcastCancel(t *testing.T) {
	b := NewBroadcast[int](4)
	r := b.Subscribe()
	f := r.RecvAsync()
	w, cx := newCX()
	pending(t, &f, cx)
	f.Cancel()
	f.Cancel()
	if q := numQueued(&b.mu, &b.recvq); q != 0 {
		t.Fatalf("cancelled receive still queued (%d)", q)
	}
	b.Send(7)
	wakes(t, w, 0, "cancelled receive")
	if v, err := r.TryRecv(); v != 7 || err != nil {
		t.Fatalf("value after a cancelled Recv: %d, %v; want 7", v, err)
	}

	// Cancelled after the wake-up but before picking the value up.
	g := r.RecvAsync()
	pending(t, &g, cx)
	b.Send(8)
	g.Cancel()
	if v, err := r.Recv(); v != 8 || err != nil {
		t.Fatalf("value after a woken, cancelled Recv: %d, %v; want 8", v, err)
	}
}

func TestBroadcastClose(t *testing.T) {
	b := NewBroadcast[int](4)
	r1, r2 := b.Subscribe(), b.Subscribe()
	b.Send(1)
	b.Send(2)
	f := r2.RecvAsync()
	_, cx := newCX()
	ready(t, &f, cx) // takes 1
	g := r2.RecvAsync()
	ready(t, &g, cx) // takes 2
	h := r2.RecvAsync()
	w, cx := newCX()
	pending(t, &h, cx)
	b.Close()
	b.Close()
	wakes(t, w, 1, "waiting receiver")
	ready(t, &h, cx)
	if _, err := h.Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("waiting receiver after Close: err = %v, want ErrClosed", err)
	}
	if err := b.Send(3); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: err = %v", err)
	}
	for i := 1; i <= 2; i++ { // r1 drains what is retained first
		if v, err := r1.Recv(); v != i || err != nil {
			t.Fatalf("drain after Close: %d, %v; want %d", v, err, i)
		}
	}
	within(t, hang, "Recv on closed drained broadcast", func() {
		if _, err := r1.Recv(); !errors.Is(err, ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
		if _, err := b.Subscribe().Recv(); !errors.Is(err, ErrClosed) {
			t.Errorf("subscriber after Close: err = %v, want ErrClosed", err)
		}
	})

	// Closing a receiver unsubscribes it.
	b2 := NewBroadcast[int](1)
	r := b2.Subscribe()
	r.Close()
	r.Close()
	if n := b2.Receivers(); n != 0 {
		t.Fatalf("Receivers after receiver Close = %d", n)
	}
	b2.Send(1)
	if _, err := r.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed receiver: err = %v, want ErrClosed", err)
	}
}

// Stress: producers and receivers through bridges and cancelled futures.
// Every receiver sees each producer's values in increasing order, and
// received + missed accounts for every value sent.
func TestBroadcastStress(t *testing.T) {
	const producers, receivers = 3, 6
	per := stressIters(3000)
	b := NewBroadcast[[2]int](16)
	rs := make([]*BroadcastReceiver[[2]int], receivers)
	for i := range rs {
		rs[i] = b.Subscribe()
	}
	var pw, rw gosync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := 0; i < per; i++ {
				b.Send([2]int{p, i})
				if i%64 == 0 {
					time.Sleep(time.Microsecond)
				}
			}
		}()
	}
	for k, r := range rs {
		rw.Add(1)
		go func() {
			defer rw.Done()
			last := [producers]int{-1, -1, -1}
			var got, missed uint64
			for {
				var v [2]int
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
				var lag *LaggedError
				switch {
				case errors.As(err, &lag):
					missed += lag.Missed
					continue
				case errors.Is(err, ErrClosed):
					if got+missed != producers*uint64(per) {
						t.Errorf("receiver %d: %d received + %d missed != %d sent", k, got, missed, producers*per)
					}
					return
				case err != nil:
					t.Error(err)
					return
				}
				if v[1] <= last[v[0]] {
					t.Errorf("receiver %d: producer %d's value %d after %d", k, v[0], v[1], last[v[0]])
				}
				last[v[0]] = v[1]
				got++
			}
		}()
	}
	within(t, 3*hang, "producers", pw.Wait)
	b.Close()
	within(t, 3*hang, "receivers", rw.Wait)
}
