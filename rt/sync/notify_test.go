package sync

import (
	gosync "sync"
	"sync/atomic"
	"testing"
)

// NotifyOne with nobody waiting stores one permit (not more), consumed by
// the next Notified.
func TestNotifyPermit(t *testing.T) {
	var n Notify
	n.NotifyOne()
	n.NotifyOne()
	f, g := n.NotifiedAsync(), n.NotifiedAsync()
	_, cx := newCX()
	ready(t, &f, cx)
	pending(t, &g, cx) // one permit only
	g.Cancel()
	within(t, hang, "Notified with a stored permit", func() {
		n.NotifyOne()
		n.Notified()
	})
}

func TestNotifyOneFIFO(t *testing.T) {
	var n Notify
	const k = 4
	fs := make([]NotifyNotifiedFuture, k)
	ws := make([]*countWaker, k)
	for i := range fs {
		fs[i] = n.NotifiedAsync()
		w, cx := newCX()
		ws[i] = w
		pending(t, &fs[i], cx)
	}
	for i := range fs {
		n.NotifyOne()
		for j := range ws {
			want := int64(0)
			if j <= i {
				want = 1
			}
			wakes(t, ws[j], want, "waiter")
		}
		_, cx := newCX()
		ready(t, &fs[i], cx)
	}
	if n.permit {
		t.Fatal("a permit was stored although every NotifyOne had a waiter")
	}
}

// NotifyWaiters wakes everyone waiting, and futures created before it that
// were not polled yet; it stores no permit.
func TestNotifyWaiters(t *testing.T) {
	var n Notify
	a, b := n.NotifiedAsync(), n.NotifiedAsync()
	wa, cx := newCX()
	pending(t, &a, cx)
	early := n.NotifiedAsync() // created, not polled
	n.NotifyWaiters()
	wakes(t, wa, 1, "waiting future")
	ready(t, &a, cx)
	ready(t, &early, cx)
	ready(t, &b, cx) // created before, polled after
	late := n.NotifiedAsync()
	pending(t, &late, cx) // no permit stored
	late.Cancel()
}

func TestNotifyCancel(t *testing.T) {
	t.Run("handed notification passes to the next waiter", func(t *testing.T) {
		var n Notify
		f, g := n.NotifiedAsync(), n.NotifiedAsync()
		_, cxf := newCX()
		wg, cxg := newCX()
		pending(t, &f, cxf)
		pending(t, &g, cxg)
		n.NotifyOne() // handed to f
		f.Cancel()
		f.Cancel()
		wakes(t, wg, 1, "next waiter")
		ready(t, &g, cxg)
	})
	t.Run("handed notification becomes the permit", func(t *testing.T) {
		var n Notify
		f := n.NotifiedAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		n.NotifyOne()
		f.Cancel()
		g := n.NotifiedAsync()
		ready(t, &g, cx)
	})
	t.Run("queued waiter leaves the queue", func(t *testing.T) {
		var n Notify
		f := n.NotifiedAsync()
		w, cx := newCX()
		pending(t, &f, cx)
		f.Cancel()
		if q := numQueued(&n.mu, &n.waiters); q != 0 {
			t.Fatalf("%d queued after Cancel", q)
		}
		n.NotifyOne()
		wakes(t, w, 0, "cancelled waiter")
		if !n.permit {
			t.Fatal("NotifyOne after the only waiter left stored no permit")
		}
	})
	t.Run("NotifyWaiters wake-up is not passed on", func(t *testing.T) {
		var n Notify
		f := n.NotifiedAsync()
		_, cx := newCX()
		pending(t, &f, cx)
		n.NotifyWaiters()
		f.Cancel()
		if n.permit {
			t.Fatal("cancelling a NotifyWaiters wake-up stored a permit")
		}
	})
}

// Lost-wake-up stress: the classic "check a flag, else wait" consumer
// against a producer that sets the flag and calls NotifyOne. With a lost
// wake-up the consumer hangs.
func TestNotifyNoLostWakeup(t *testing.T) {
	var n Notify
	var flag atomic.Bool
	rounds := stressIters(20000)
	var wg gosync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < rounds; i++ {
			for !flag.CompareAndSwap(true, false) {
				n.Notified()
			}
		}
	}()
	for i := 0; i < rounds; i++ {
		for flag.Load() {
		}
		flag.Store(true)
		n.NotifyOne()
	}
	within(t, 3*hang, "consumer", wg.Wait)

	// The same with NotifyWaiters and the create-check-wait pattern.
	var gen atomic.Int64
	const waiters = 4
	for k := 0; k < waiters; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for want := int64(1); want <= int64(rounds/10); want++ {
				for {
					f := n.NotifiedAsync()
					if gen.Load() >= want {
						f.Cancel()
						break
					}
					driveOrCancel(&f, nil)
				}
			}
		}()
	}
	for i := 1; i <= rounds/10; i++ {
		gen.Store(int64(i))
		n.NotifyWaiters()
	}
	within(t, 3*hang, "NotifyWaiters waiters", wg.Wait)
}
