package rt

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// yieldN is pending n times, waking itself each time.
type yieldN struct{ n, left int }

func (f *yieldN) Poll(cx *Context) bool {
	if f.left > 0 {
		f.left--
		cx.Waker().Wake()
		return false
	}
	return true
}
func (f *yieldN) Cancel() {}

// TestBlockOnNoAllocs: the bridge reuses its parker and Context, so
// BlockOn of a future that waits allocates nothing of its own.
func TestBlockOnNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	f := &yieldN{}
	allocs := testing.AllocsPerRun(1000, func() {
		f.left = 2
		BlockOn(f)
	})
	if allocs != 0 {
		t.Fatalf("BlockOn allocates %.1f objects per call, want 0", allocs)
	}
}

// handoff is completed by another goroutine: Poll stores the waker and
// reports whether done is set; the other side sets done and wakes.
type handoff struct {
	mu    sync.Mutex
	done  bool
	waker Waker
	polls int
}

func (f *handoff) Poll(cx *Context) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	if f.done {
		return true
	}
	f.waker = cx.Waker()
	return false
}
func (f *handoff) Cancel() {}

func (f *handoff) complete() {
	f.mu.Lock()
	f.done = true
	w := f.waker
	f.mu.Unlock()
	w.Wake()
}

// TestBlockOnStaleWakes: wakers of finished BlockOn calls that keep being
// woken (a stale registration) neither lose nor fake the wake-ups of later
// BlockOn calls that reuse the parker: every call returns exactly when its
// own future completes.
func TestBlockOnStaleWakes(t *testing.T) {
	var stale sync.Map // Waker -> struct{}: wakers of finished calls
	stop := make(chan struct{})
	var hammer sync.WaitGroup
	hammer.Add(1)
	go func() { // wakes every stale waker, forever
		defer hammer.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			stale.Range(func(k, _ any) bool { k.(Waker).Wake(); return true })
		}
	}()
	defer func() { close(stop); hammer.Wait() }()
	done := make(chan struct{})
	var completed atomic.Int64
	go func() {
		defer close(done)
		for i := 0; i < 2000; i++ {
			f := &handoff{}
			var completer sync.WaitGroup
			completer.Add(1)
			go func() {
				defer completer.Done()
				if i%2 == 0 {
					time.Sleep(time.Microsecond)
				}
				f.complete()
			}()
			BlockOn(f)
			f.mu.Lock()
			ok := f.done
			w := f.waker
			f.mu.Unlock()
			if !ok {
				t.Errorf("call %d: BlockOn returned before its future completed", i)
				return
			}
			completer.Wait()
			if !w.IsZero() {
				stale.Store(w, struct{}{})
			}
			completed.Add(1)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("BlockOn hung after %d calls: a wake-up was lost", completed.Load())
	}
}

// BenchmarkBlockOnYield: BlockOn of a future that is pending once (a
// self-wake) from a goroutine: the bridge's own cost.
func BenchmarkBlockOnYield(b *testing.B) {
	f := &yieldN{}
	b.ReportAllocs()
	for b.Loop() {
		f.left = 1
		BlockOn(f)
	}
}
