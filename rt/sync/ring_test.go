package sync

import (
	"errors"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRingTrySendHonoursCapacity(t *testing.T) {
	r := NewRing[int](3)
	if r.Cap() != 3 {
		t.Fatalf("Cap = %d, want 3", r.Cap())
	}
	if _, err := r.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv on empty ring: err = %v, want ErrEmpty", err)
	}
	for i := 0; i < 3; i++ {
		if err := r.TrySend(i); err != nil {
			t.Fatalf("TrySend %d: %v", i, err)
		}
	}
	if err := r.TrySend(3); !errors.Is(err, ErrFull) {
		t.Fatalf("TrySend on full ring: err = %v, want ErrFull", err)
	}
	if r.Len() != 3 {
		t.Fatalf("Len = %d, want 3", r.Len())
	}
	for i := 0; i < 3; i++ {
		if v, err := r.TryRecv(); v != i || err != nil {
			t.Fatalf("TryRecv = %d, %v; want %d", v, err, i)
		}
	}
	// wrap around several times
	for i := 0; i < 20; i++ {
		r.TrySend(i)
		r.TrySend(i + 100)
		if v, _ := r.TryRecv(); v != i {
			t.Fatalf("wrap: got %d, want %d", v, i)
		}
		if v, _ := r.TryRecv(); v != i+100 {
			t.Fatalf("wrap: got %d, want %d", v, i+100)
		}
	}
}

func TestNewRingRejectsBadCapacity(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewRing(0) did not panic")
		}
	}()
	NewRing[int](0)
}

// Regression: the original ring buffer ignored its bound. Send must wait
// while the ring is full, and exactly one more send gets in per receive.
func TestRingSendBlocksWhenFull(t *testing.T) {
	const capacity, extra = 4, 3
	r := NewRing[int](capacity)
	var sent atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < capacity+extra; i++ {
			if err := r.Send(i); err != nil {
				t.Error(err)
				return
			}
			sent.Add(1)
		}
	}()
	for numQueued(&r.mu, &r.sendq) == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // give a broken ring time to overfill
	if n := sent.Load(); n != capacity {
		t.Fatalf("%d sends completed on a ring of capacity %d", n, capacity)
	}
	if r.Len() != capacity {
		t.Fatalf("Len = %d, want %d", r.Len(), capacity)
	}
	for i := 0; i < capacity+extra; i++ {
		v, err := r.Recv()
		if v != i || err != nil {
			t.Fatalf("Recv = %d, %v; want %d", v, err, i)
		}
		if l := r.Len(); l > capacity {
			t.Fatalf("Len = %d > capacity", l)
		}
	}
	within(t, hang, "sender", func() { <-done })
}

func TestRingHandDrivenBackPressure(t *testing.T) {
	r := NewRing[int](2)
	r.TrySend(1)
	r.TrySend(2)
	s1, s2 := r.SendAsync(3), r.SendAsync(4)
	w1, cx1 := newCX()
	w2, cx2 := newCX()
	pending(t, &s1, cx1)
	pending(t, &s2, cx2)
	pending(t, &s1, cx1)
	if v, _ := r.TryRecv(); v != 1 {
		t.Fatalf("got %d, want 1", v)
	}
	// The freed slot goes to the first waiting sender, and only to it.
	wakes(t, w1, 1, "first sender")
	wakes(t, w2, 0, "second sender")
	if r.Len() != 2 {
		t.Fatalf("Len = %d, want 2", r.Len())
	}
	if err := r.TrySend(99); !errors.Is(err, ErrFull) {
		t.Fatalf("TrySend overtook a waiting sender: err = %v", err)
	}
	ready(t, &s1, cx1)
	if err := s1.Result(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{2, 3, 4} {
		if v, err := r.TryRecv(); v != want || err != nil {
			t.Fatalf("TryRecv = %d, %v; want %d", v, err, want)
		}
	}
	wakes(t, w2, 1, "second sender")
	ready(t, &s2, cx2)
}

// A ring never holds more than its capacity, under contention; every
// value is received exactly once.
func TestRingContentionCapacityAndExactlyOnce(t *testing.T) {
	const producers, consumers, capacity = 6, 6, 5
	per := stressIters(4000)
	r := NewRing[int](capacity)
	seen := make([]atomic.Int32, producers*per)
	stop := make(chan struct{})
	var maxLen atomic.Int32
	go func() { // monitor
		for {
			select {
			case <-stop:
				return
			default:
			}
			r.mu.Lock()
			n := r.buf.len() + r.inflight
			r.mu.Unlock()
			if int32(n) > maxLen.Load() {
				maxLen.Store(int32(n))
			}
		}
	}()
	var pw, cw gosync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := 0; i < per; i++ {
				if err := r.Send(p*per + i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for k := 0; k < consumers; k++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for {
				v, err := r.Recv()
				if err != nil {
					return
				}
				seen[v].Add(1)
			}
		}()
	}
	within(t, hang, "producers", pw.Wait)
	r.Close()
	within(t, hang, "consumers", cw.Wait)
	close(stop)
	if m := maxLen.Load(); m > capacity {
		t.Fatalf("ring held %d values, capacity %d", m, capacity)
	}
	for v := range seen {
		if n := seen[v].Load(); n != 1 {
			t.Fatalf("value %d received %d times, want exactly once", v, n)
		}
	}
}

func TestRingCloseWakesEveryWaiter(t *testing.T) {
	t.Run("senders", func(t *testing.T) {
		r := NewRing[int](1)
		r.TrySend(1)
		const n = 5
		fs := make([]RingSendFuture[int], n)
		ws := make([]*countWaker, n)
		for i := range fs {
			fs[i] = r.SendAsync(10 + i)
			w, cx := newCX()
			ws[i] = w
			pending(t, &fs[i], cx)
		}
		r.Close()
		for i := range fs {
			wakes(t, ws[i], 1, "sender")
			_, cx := newCX()
			ready(t, &fs[i], cx)
			if err := fs[i].Result(); !errors.Is(err, ErrClosed) {
				t.Fatalf("sender %d: err = %v, want ErrClosed", i, err)
			}
		}
		// receivers drain, then ErrClosed; the waiting senders' values are gone
		if v, err := r.Recv(); v != 1 || err != nil {
			t.Fatalf("Recv = %d, %v; want 1", v, err)
		}
		if _, err := r.Recv(); !errors.Is(err, ErrClosed) {
			t.Fatalf("Recv on closed drained ring: err = %v", err)
		}
		if err := r.TrySend(3); !errors.Is(err, ErrClosed) {
			t.Fatalf("TrySend after Close: err = %v", err)
		}
		if err := r.Send(3); !errors.Is(err, ErrClosed) {
			t.Fatalf("Send after Close: err = %v", err)
		}
	})
	t.Run("receivers", func(t *testing.T) {
		r := NewRing[int](4)
		const n = 5
		var wg gosync.WaitGroup
		var closedSeen atomic.Int32
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.Recv(); errors.Is(err, ErrClosed) {
					closedSeen.Add(1)
				}
			}()
		}
		for numQueued(&r.mu, &r.recvq) < n {
			time.Sleep(time.Millisecond)
		}
		r.Close()
		within(t, hang, "receivers after Close", wg.Wait)
		if closedSeen.Load() != n {
			t.Fatalf("%d receivers saw ErrClosed, want %d", closedSeen.Load(), n)
		}
	})
}

func TestRingCancel(t *testing.T) {
	t.Run("handed value returns to a full ring without exceeding capacity", func(t *testing.T) {
		r := NewRing[int](1)
		f := r.RecvAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		if err := r.TrySend(1); err != nil { // handed to f; occupies the one slot
			t.Fatal(err)
		}
		if err := r.TrySend(2); !errors.Is(err, ErrFull) {
			t.Fatalf("TrySend beyond capacity: err = %v, want ErrFull", err)
		}
		s := r.SendAsync(2)
		ws, cxs := newCX()
		pending(t, &s, cxs)
		f.Cancel()
		if r.Len() != 1 {
			t.Fatalf("Len = %d, want 1", r.Len())
		}
		wakes(t, ws, 0, "sender (no slot freed by the cancel)")
		if v, err := r.TryRecv(); v != 1 || err != nil {
			t.Fatalf("TryRecv = %d, %v; want 1 (value not stolen)", v, err)
		}
		wakes(t, ws, 1, "sender")
		ready(t, &s, cxs)
		if v, _ := r.TryRecv(); v != 2 {
			t.Fatalf("got %d, want 2", v)
		}
	})
	t.Run("handed value passes to next receiver", func(t *testing.T) {
		r := NewRing[int](2)
		f1, f2 := r.RecvAsync(), r.RecvAsync()
		_, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &f1, cx1)
		pending(t, &f2, cx2)
		r.TrySend(7)
		f1.Cancel()
		f1.Cancel()
		wakes(t, w2, 1, "f2")
		ready(t, &f2, cx2)
		if v, _ := f2.Result(); v != 7 {
			t.Fatalf("f2 got %d, want 7", v)
		}
		if r.Len() != 0 {
			t.Fatalf("Len = %d, want 0", r.Len())
		}
	})
	t.Run("queued sender never delivers", func(t *testing.T) {
		r := NewRing[int](1)
		r.TrySend(1)
		s1, s2 := r.SendAsync(2), r.SendAsync(3)
		w1, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &s1, cx1)
		pending(t, &s2, cx2)
		s1.Cancel()
		r.TryRecv()
		wakes(t, w1, 0, "cancelled sender")
		wakes(t, w2, 1, "next sender")
		ready(t, &s2, cx2)
		if v, _ := r.TryRecv(); v != 3 {
			t.Fatalf("got %d, want 3 (cancelled value 2 must not be delivered)", v)
		}
		if _, err := r.TryRecv(); !errors.Is(err, ErrEmpty) {
			t.Fatalf("err = %v, want ErrEmpty", err)
		}
	})
}

// Lost wake-up stress on a ring of capacity 1: both sides wait in turn.
func TestRingNoLostWakeups(t *testing.T) {
	r := NewRing[int](1)
	n := stressIters(20000)
	within(t, hang, "producer/consumer", func() {
		go func() {
			for i := 0; i < n; i++ {
				r.Send(i)
			}
		}()
		for i := 0; i < n; i++ {
			if v, err := r.Recv(); v != i || err != nil {
				t.Errorf("Recv = %d, %v; want %d", v, err, i)
				return
			}
		}
	})
}
