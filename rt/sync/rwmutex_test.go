package sync

import (
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

func TestRWMutexReadersShareWriterExcludes(t *testing.T) {
	var m RWMutex
	r1, r2 := m.RLock(), m.RLock()
	if !m.TryRLock() {
		t.Fatal("TryRLock failed while only readers hold the lock")
	}
	m.RUnlock()
	if m.TryLock() {
		t.Fatal("TryLock succeeded while readers hold the lock")
	}
	r1.Unlock()
	r2.Unlock()
	g := m.Lock()
	if m.TryRLock() || m.TryLock() {
		t.Fatal("Try succeeded while a writer holds the lock")
	}
	g.Unlock()
	if !m.TryLock() {
		t.Fatal("lock not free after the writer unlocked")
	}
	m.Unlock()
	for name, bad := range map[string]func(){"Unlock": m.Unlock, "RUnlock": m.RUnlock} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s of an unlocked RWMutex did not panic", name)
				}
			}()
			bad()
		}()
	}
}

// One FIFO queue: a release serves one writer, or the run of readers up to
// the next writer, in arrival order.
func TestRWMutexFIFOPhases(t *testing.T) {
	var m RWMutex
	held := m.RLock()
	w1, r1, r2, w2, r3 := m.LockAsync(), m.RLockAsync(), m.RLockAsync(), m.LockAsync(), m.RLockAsync()
	ws := make([]*countWaker, 5)
	cxs := make([]*rt.Context, 5)
	for i := range ws {
		ws[i], cxs[i] = newCX()
	}
	pending(t, &w1, cxs[0])
	pending(t, &r1, cxs[1])
	pending(t, &r2, cxs[2])
	pending(t, &w2, cxs[3])
	pending(t, &r3, cxs[4])
	if m.TryRLock() {
		t.Fatal("a new reader overtook a waiting writer")
	}
	check := func(stage string, want ...int64) {
		t.Helper()
		for i := range ws {
			wakes(t, ws[i], want[i], stage+": waiter "+string(rune('0'+i)))
		}
	}
	check("held by a reader", 0, 0, 0, 0, 0)
	held.Unlock()
	check("reader left", 1, 0, 0, 0, 0)
	ready(t, &w1, cxs[0])
	w1.Result().Unlock()
	check("writer left", 1, 1, 1, 0, 0) // both readers, not r3 behind w2
	ready(t, &r1, cxs[1])
	ready(t, &r2, cxs[2])
	r1.Result().Unlock()
	check("one reader left", 1, 1, 1, 0, 0)
	r2.Result().Unlock()
	check("readers left", 1, 1, 1, 1, 0)
	ready(t, &w2, cxs[3])
	w2.Result().Unlock()
	check("second writer left", 1, 1, 1, 1, 1)
	ready(t, &r3, cxs[4])
	r3.Result().Unlock()
	if !m.TryLock() {
		t.Fatal("lock not free at the end")
	}
}

func TestRWMutexCancel(t *testing.T) {
	t.Run("queued writer cancelled lets readers behind it in", func(t *testing.T) {
		var m RWMutex
		held := m.RLock()
		w, r := m.LockAsync(), m.RLockAsync()
		ww, wcx := newCX()
		rw, rcx := newCX()
		pending(t, &w, wcx)
		pending(t, &r, rcx)
		w.Cancel()
		w.Cancel()
		wakes(t, rw, 1, "reader behind the cancelled writer")
		ready(t, &r, rcx)
		held.Unlock()
		r.Result().Unlock()
		wakes(t, ww, 0, "cancelled writer")
		if !m.TryLock() {
			t.Fatal("lock not free")
		}
	})
	t.Run("write lock handed to a cancelled writer passes on", func(t *testing.T) {
		var m RWMutex
		g := m.Lock()
		w, r1, r2 := m.LockAsync(), m.RLockAsync(), m.RLockAsync()
		_, wcx := newCX()
		rw1, cx1 := newCX()
		rw2, cx2 := newCX()
		pending(t, &w, wcx)
		pending(t, &r1, cx1)
		pending(t, &r2, cx2)
		g.Unlock() // hands the lock to w ...
		w.Cancel() // ... cancelled before it saw it: the readers get it
		wakes(t, rw1, 1, "reader 1")
		wakes(t, rw2, 1, "reader 2")
		ready(t, &r1, cx1)
		ready(t, &r2, cx2)
		r1.Result().Unlock()
		r2.Result().Unlock()
		if !m.TryLock() {
			t.Fatal("lock not free")
		}
	})
	t.Run("read lock handed to a cancelled reader is released", func(t *testing.T) {
		var m RWMutex
		g := m.Lock()
		r, w := m.RLockAsync(), m.LockAsync()
		_, rcx := newCX()
		ww, wcx := newCX()
		pending(t, &r, rcx)
		pending(t, &w, wcx)
		g.Unlock() // hands a read lock to r
		wakes(t, ww, 0, "writer behind a reader")
		r.Cancel() // the last reader leaves: the writer gets the lock
		wakes(t, ww, 1, "writer")
		ready(t, &w, wcx)
		w.Result().Unlock()
		if !m.TryLock() {
			t.Fatal("lock not free")
		}
	})
	t.Run("cancel after completion keeps the lock", func(t *testing.T) {
		var m RWMutex
		f := m.RLockAsync()
		_, cx := newCX()
		ready(t, &f, cx)
		f.Cancel()
		if m.TryLock() {
			t.Fatal("Cancel of a completed RLock released it")
		}
		f.Result().Unlock()
	})
}

// Writers are not starved by a continuous stream of readers.
func TestRWMutexWriterNotStarved(t *testing.T) {
	var m RWMutex
	stop := make(chan struct{})
	var rw gosync.WaitGroup
	for i := 0; i < 4; i++ {
		rw.Add(1)
		go func() {
			defer rw.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				g := m.RLock()
				time.Sleep(50 * time.Microsecond)
				g.Unlock()
			}
		}()
	}
	time.Sleep(time.Millisecond)
	within(t, hang, "writer among readers", func() {
		for i := 0; i < 20; i++ {
			m.Lock().Unlock()
		}
	})
	close(stop)
	within(t, hang, "readers", rw.Wait)
}

// Contention through the bridges: exclusion is checked with counters, the
// shared data with the race detector.
func TestRWMutexContention(t *testing.T) {
	var m RWMutex
	var readers, writers atomic.Int32
	data := 0
	per := stressIters(3000)
	var wg gosync.WaitGroup
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if (i+k)%4 == 0 {
					g := m.Lock()
					if writers.Add(1) != 1 || readers.Load() != 0 {
						t.Error("writer not alone")
					}
					data++
					writers.Add(-1)
					g.Unlock()
				} else {
					g := m.RLock()
					readers.Add(1)
					if writers.Load() != 0 {
						t.Error("reader alongside a writer")
					}
					_ = data
					readers.Add(-1)
					g.Unlock()
				}
			}
		}()
	}
	within(t, 3*hang, "lockers", wg.Wait)
	if want := 8 * per / 4; data != want {
		t.Fatalf("data = %d, want %d", data, want)
	}
}

// Readers and writers give up at random moments, racing hand-offs; the
// lock ends free with an empty queue.
func TestRWMutexCancelStress(t *testing.T) {
	var m RWMutex
	var readers, writers atomic.Int32
	per := stressIters(1000)
	var wg gosync.WaitGroup
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if (i+k)%3 == 0 {
					f := m.LockAsync()
					if !driveOrCancel(&f, randDeadline()) {
						continue
					}
					if writers.Add(1) != 1 || readers.Load() != 0 {
						t.Error("writer not alone")
					}
					writers.Add(-1)
					f.Result().Unlock()
				} else {
					f := m.RLockAsync()
					if !driveOrCancel(&f, randDeadline()) {
						continue
					}
					readers.Add(1)
					if writers.Load() != 0 {
						t.Error("reader alongside a writer")
					}
					readers.Add(-1)
					f.Result().Unlock()
				}
			}
		}()
	}
	within(t, 3*hang, "lockers", wg.Wait)
	if !m.TryLock() {
		t.Fatal("lock left held: a hand-off leaked to a cancelled waiter")
	}
	if q := numQueued(&m.mu, &m.waiters); q != 0 {
		t.Fatalf("%d cancelled waiters left queued", q)
	}
}
