package sync

import (
	"errors"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestChannelFIFOAndTryRecv(t *testing.T) {
	c := NewChannel[int]()
	if _, err := c.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv on empty open channel: err = %v, want ErrEmpty", err)
	}
	for i := 0; i < 100; i++ {
		if err := c.Send(i); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.Len(); n != 100 {
		t.Fatalf("Len = %d, want 100", n)
	}
	for i := 0; i < 50; i++ {
		v, err := c.Recv()
		if err != nil || v != i {
			t.Fatalf("Recv = %d, %v; want %d, nil", v, err, i)
		}
	}
	c.Close()
	if err := c.Send(7); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: err = %v, want ErrClosed", err)
	}
	for i := 50; i < 100; i++ {
		v, err := c.TryRecv()
		if err != nil || v != i {
			t.Fatalf("TryRecv after Close = %d, %v; want %d, nil (drain first)", v, err, i)
		}
	}
	if _, err := c.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryRecv on closed drained channel: err = %v, want ErrClosed", err)
	}
}

// Regression: the original runtime hung on a receive from a closed,
// drained channel.
func TestChannelRecvOnClosedReturns(t *testing.T) {
	c := NewChannel[string]()
	c.Send("last")
	c.Close()
	within(t, hang, "Recv on closed channel", func() {
		if v, err := c.Recv(); v != "last" || err != nil {
			t.Errorf("first Recv = %q, %v; want the buffered value", v, err)
		}
		if v, err := c.Recv(); v != "" || !errors.Is(err, ErrClosed) {
			t.Errorf("Recv on closed drained channel = %q, %v; want \"\", ErrClosed", v, err)
		}
	})

	// A receiver already waiting when Close happens must return too.
	c2 := NewChannel[int]()
	errc := make(chan error, 1)
	go func() { _, err := c2.Recv(); errc <- err }()
	for !waitingRecv(c2) {
		time.Sleep(time.Millisecond)
	}
	c2.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("waiting Recv after Close: err = %v, want ErrClosed", err)
		}
	case <-time.After(hang):
		t.Fatal("waiting Recv still blocked after Close")
	}
}

func waitingRecv[T any](c *Channel[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.recvq.empty()
}

func TestChannelWaitingReceiversServedFIFO(t *testing.T) {
	c := NewChannel[int]()
	const n = 5
	fs := make([]ChannelRecvFuture[int], n)
	ws := make([]*countWaker, n)
	for i := range fs {
		fs[i] = c.RecvAsync()
		w, cx := newCX()
		ws[i] = w
		pending(t, &fs[i], cx)
		pending(t, &fs[i], cx) // re-poll with the same waker: still one registration
	}
	c.Send(100)
	wakes(t, ws[0], 1, "first receiver")
	for i := 1; i < n; i++ {
		wakes(t, ws[i], 0, "later receiver")
	}
	// A new receiver must not overtake the waiting ones.
	if _, err := c.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv overtook a waiting receiver: err = %v", err)
	}
	for i := 1; i < n; i++ {
		c.Send(100 + i)
	}
	for i := n - 1; i >= 0; i-- { // poll in reverse: each got its own value
		_, cx := newCX()
		ready(t, &fs[i], cx)
		if v, err := fs[i].Result(); v != 100+i || err != nil {
			t.Fatalf("receiver %d got %d, %v; want %d", i, v, err, 100+i)
		}
		wakes(t, ws[i], 1, "receiver")
	}
}

func TestChannelWakerRefresh(t *testing.T) {
	c := NewChannel[int]()
	f := c.RecvAsync()
	w1, cx1 := newCX()
	w2, cx2 := newCX()
	pending(t, &f, cx1)
	pending(t, &f, cx2) // the task moved: the new waker replaces the old one
	c.Send(1)
	wakes(t, w1, 0, "stale waker")
	wakes(t, w2, 1, "current waker")
	ready(t, &f, cx2)
}

func TestChannelCloseWakesEveryWaiter(t *testing.T) {
	c := NewChannel[int]()
	const n = 8
	fs := make([]ChannelRecvFuture[int], n)
	ws := make([]*countWaker, n)
	for i := range fs {
		fs[i] = c.RecvAsync()
		w, cx := newCX()
		ws[i] = w
		pending(t, &fs[i], cx)
	}
	c.Close()
	c.Close() // idempotent
	for i := range fs {
		wakes(t, ws[i], 1, "waiter")
		_, cx := newCX()
		ready(t, &fs[i], cx)
		if _, err := fs[i].Result(); !errors.Is(err, ErrClosed) {
			t.Fatalf("waiter %d: err = %v, want ErrClosed", i, err)
		}
	}

	// The same with goroutines through the bridge.
	c2 := NewChannel[int]()
	var wg gosync.WaitGroup
	var closedSeen atomic.Int32
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c2.Recv(); errors.Is(err, ErrClosed) {
				closedSeen.Add(1)
			}
		}()
	}
	for numQueued(&c2.mu, &c2.recvq) < n {
		time.Sleep(time.Millisecond)
	}
	c2.Close()
	within(t, hang, "receivers after Close", wg.Wait)
	if closedSeen.Load() != n {
		t.Fatalf("%d receivers saw ErrClosed, want %d", closedSeen.Load(), n)
	}
}

func numQueued[T any](mu *gosync.Mutex, l *waitList[T]) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for w := l.head; w != nil; w = w.next {
		n++
	}
	return n
}

// A cancelled receiver must not steal a value already handed to it.
func TestChannelCancelHandedValuePassesOn(t *testing.T) {
	t.Run("to next receiver", func(t *testing.T) {
		c := NewChannel[int]()
		f1, f2 := c.RecvAsync(), c.RecvAsync()
		w1, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &f1, cx1)
		pending(t, &f2, cx2)
		c.Send(42) // handed to f1
		wakes(t, w1, 1, "f1")
		f1.Cancel()
		wakes(t, w2, 1, "f2 (value passed on)")
		ready(t, &f2, cx2)
		if v, err := f2.Result(); v != 42 || err != nil {
			t.Fatalf("f2 got %d, %v; want 42", v, err)
		}
		if c.Len() != 0 {
			t.Fatalf("Len = %d, want 0 (value delivered once)", c.Len())
		}
	})
	t.Run("back to buffer head", func(t *testing.T) {
		c := NewChannel[int]()
		f := c.RecvAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		c.Send(1) // handed to f
		c.Send(2) // buffered
		f.Cancel()
		f.Cancel() // idempotent
		for want := 1; want <= 2; want++ {
			if v, err := c.TryRecv(); v != want || err != nil {
				t.Fatalf("TryRecv = %d, %v; want %d (order kept)", v, err, want)
			}
		}
	})
	t.Run("queued receiver leaves the queue", func(t *testing.T) {
		c := NewChannel[int]()
		f1, f2 := c.RecvAsync(), c.RecvAsync()
		w1, cx1 := newCX()
		w2, cx2 := newCX()
		pending(t, &f1, cx1)
		pending(t, &f2, cx2)
		f1.Cancel()
		c.Send(5)
		wakes(t, w1, 0, "cancelled f1")
		wakes(t, w2, 1, "f2")
		ready(t, &f2, cx2)
		if v, _ := f2.Result(); v != 5 {
			t.Fatalf("f2 got %d, want 5", v)
		}
	})
	t.Run("cancel after completion is a no-op", func(t *testing.T) {
		c := NewChannel[int]()
		c.Send(9)
		c.Send(10)
		f := c.RecvAsync()
		_, cx := newCX()
		ready(t, &f, cx)
		f.Cancel()
		if v, _ := f.Result(); v != 9 {
			t.Fatalf("got %d, want 9", v)
		}
		if c.Len() != 1 {
			t.Fatalf("Len = %d after Cancel of completed receive, want 1", c.Len())
		}
	})
}

// Cancel racing a Send: the value ends up in the channel exactly once.
func TestChannelCancelRacingSend(t *testing.T) {
	c := NewChannel[int]()
	for i := 0; i < stressIters(5000); i++ {
		f := c.RecvAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		var wg gosync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); c.Send(i) }()
		go func() { defer wg.Done(); f.Cancel() }()
		wg.Wait()
		if v, err := c.TryRecv(); v != i || err != nil {
			t.Fatalf("iteration %d: TryRecv = %d, %v; the cancelled receiver stole or lost the value", i, v, err)
		}
		if c.Len() != 0 {
			t.Fatalf("iteration %d: value duplicated", i)
		}
	}
}

// Lost wake-up stress: ping-pong through two channels between goroutines;
// every step races a Send against the receiver's registration.
func TestChannelNoLostWakeups(t *testing.T) {
	ping, pong := NewChannel[int](), NewChannel[int]()
	n := stressIters(20000)
	within(t, hang, "ping-pong", func() {
		go func() {
			for {
				v, err := ping.Recv()
				if err != nil {
					return
				}
				pong.Send(v + 1)
			}
		}()
		for i := 0; i < n; i++ {
			ping.Send(i)
			if v, err := pong.Recv(); v != i+1 || err != nil {
				t.Errorf("pong = %d, %v; want %d", v, err, i+1)
				return
			}
		}
		ping.Close()
	})
}

// Contention: many producers and consumers; every value received exactly
// once.
func TestChannelContention(t *testing.T) {
	const producers, consumers = 8, 8
	per := stressIters(5000)
	c := NewChannel[int]()
	seen := make([]atomic.Int32, producers*per)
	var pw, cw gosync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := 0; i < per; i++ {
				if err := c.Send(p*per + i); err != nil {
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
			last := make([]int, producers) // per-producer FIFO check
			for i := range last {
				last[i] = -1
			}
			for {
				v, err := c.Recv()
				if err != nil {
					return
				}
				seen[v].Add(1)
				p, i := v/per, v%per
				if i <= last[p] {
					t.Errorf("consumer saw producer %d's %d after %d", p, i, last[p])
				}
				last[p] = i
			}
		}()
	}
	within(t, hang, "producers", pw.Wait)
	c.Close()
	within(t, hang, "consumers", cw.Wait)
	for v := range seen {
		if n := seen[v].Load(); n != 1 {
			t.Fatalf("value %d received %d times, want exactly once", v, n)
		}
	}
}
