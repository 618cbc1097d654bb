package rt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Hand-written futures used by the executor tests (asyncgen is not ready).

// probe detects concurrent Poll/Cancel calls and counts them.
type probe struct {
	inside  atomic.Int32
	polls   atomic.Int32
	cancels atomic.Int32
	bad     atomic.Int32 // concurrent poll/cancel, or poll after completion/cancel
	done    atomic.Bool
}

func (p *probe) enter() {
	if !p.inside.CompareAndSwap(0, 1) || p.done.Load() {
		p.bad.Add(1)
	}
}

func (p *probe) leave() { p.inside.Store(0) }

// readyFuture completes on its first poll.
type readyFuture struct{ v int }

func (f *readyFuture) Poll(*Context) bool { return true }
func (f *readyFuture) Result() int        { return f.v }
func (f *readyFuture) Cancel()            {}

// counterFuture wakes itself n times, then completes with the number of
// polls.
type counterFuture struct {
	n, polls int
}

func (f *counterFuture) Poll(cx *Context) bool {
	f.polls++
	if f.polls > f.n {
		return true
	}
	cx.Waker().Wake()
	return false
}
func (f *counterFuture) Result() int { return f.polls }
func (f *counterFuture) Cancel()     {}

// gate is an event that futures wait for; any goroutine opens it.
type gate struct {
	mu     sync.Mutex
	open   bool
	wakers []Waker
}

func (g *gate) Open() {
	g.mu.Lock()
	g.open = true
	ws := g.wakers
	g.wakers = nil
	g.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

func (g *gate) isOpen(cx *Context) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open {
		return true
	}
	g.wakers = append(g.wakers, cx.Waker())
	return false
}

// gateFuture completes with v once its gate is open; it records its polls
// and cancels in p.
type gateFuture struct {
	g *gate
	p *probe
	v int
}

func (f *gateFuture) Poll(cx *Context) bool {
	f.p.enter()
	defer f.p.leave()
	f.p.polls.Add(1)
	if f.g.isOpen(cx) {
		f.p.done.Store(true)
		return true
	}
	return false
}
func (f *gateFuture) Result() int { return f.v }
func (f *gateFuture) Cancel() {
	f.p.enter()
	defer f.p.leave()
	f.p.cancels.Add(1)
	f.p.done.Store(true)
}

// stepper hands out permits to one stepFuture from other goroutines.
type stepper struct {
	permits atomic.Int32
	mu      sync.Mutex
	waker   Waker
}

func (s *stepper) grant() {
	s.permits.Add(1)
	s.mu.Lock()
	w := s.waker
	s.mu.Unlock()
	w.Wake()
}

// stepFuture completes after consuming want permits.
type stepFuture struct {
	s    *stepper
	p    *probe
	want int32
	used int32
}

func (f *stepFuture) Poll(cx *Context) bool {
	f.p.enter()
	defer f.p.leave()
	f.p.polls.Add(1)
	f.s.mu.Lock()
	f.s.waker = cx.Waker()
	f.s.mu.Unlock()
	f.used = f.s.permits.Load()
	if f.used >= f.want {
		f.p.done.Store(true)
		return true
	}
	return false
}
func (f *stepFuture) Result() int { return int(f.used) }
func (f *stepFuture) Cancel()     { f.p.cancels.Add(1) }

// funcFuture calls poll; for one-off behaviours in tests.
type funcFuture struct {
	poll   func(cx *Context) bool
	cancel func()
	res    int
}

func (f *funcFuture) Poll(cx *Context) bool { return f.poll(cx) }
func (f *funcFuture) Result() int           { return f.res }
func (f *funcFuture) Cancel() {
	if f.cancel != nil {
		f.cancel()
	}
}

// joinAll spawns n children and joins them, summing their results.
type joinAll struct {
	n, i, sum int
	hs        []*JoinHandle[int]
}

func (f *joinAll) Poll(cx *Context) bool {
	if f.hs == nil {
		f.hs = make([]*JoinHandle[int], f.n)
		for i := range f.hs {
			f.hs[i] = SpawnFuture[readyFuture, int](readyFuture{v: 1})
		}
	}
	for ; f.i < len(f.hs); f.i++ {
		if !f.hs[f.i].Poll(cx) {
			return false
		}
		f.sum += f.hs[f.i].Result()
	}
	return true
}
func (f *joinAll) Result() int { return f.sum }
func (f *joinAll) Cancel()     {}

// within fails the test if fn does not return within d.
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("timed out after %v\n%s", d, buf[:n])
	}
}

// catch runs fn and returns what it panicked with.
func catch(fn func()) (r any) {
	defer func() { r = recover() }()
	fn()
	return nil
}
