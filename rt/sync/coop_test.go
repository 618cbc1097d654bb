package sync_test

import (
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// The cooperative budget (rt.Context.Proceed): a task whose awaits always
// complete at once must still be preempted at a suspension point, so that
// the other tasks of its worker make progress. Each test runs two tasks on
// one worker: a spinner that loops on an always-ready operation until the
// other task has made a few steps, and that other task (a yielder). Without
// the budget the spinner's single Poll never returns: it gives up after
// spinLimit iterations and the test fails.

const spinLimit = 5_000_000

// stepper is the task that must make progress: it yields (wakes itself and
// returns pending) until it was polled steps times, then sets stop.
type stepper struct {
	steps, n int
	stop     *atomic.Bool
}

func (f *stepper) Poll(cx *rt.Context) bool {
	f.n++
	if f.n < f.steps {
		cx.Waker().Wake()
		return false
	}
	f.stop.Store(true)
	return true
}
func (f *stepper) Cancel() {}

// spinOp is one always-ready async operation of a spinner: start creates
// the child future, poll polls it, finish consumes its result.
type spinOp interface {
	start()
	poll(cx *rt.Context) bool
	finish()
}

// spinner is the task of `for !stop { op() }` where op completes at once.
type spinner struct {
	op      spinOp
	stop    *atomic.Bool
	iters   int
	waiting bool
	gaveUp  *atomic.Bool
}

func (f *spinner) Poll(cx *rt.Context) bool {
	for !f.stop.Load() {
		if f.iters++; f.iters > spinLimit {
			f.gaveUp.Store(true)
			return true
		}
		if !f.waiting {
			f.op.start()
			f.waiting = true
		}
		if !f.op.poll(cx) {
			return false
		}
		f.waiting = false
		f.op.finish()
	}
	return true
}
func (f *spinner) Cancel() {}

type unitOf[F any, PF rt.PollablePtr[F]] struct{ f F }

func (u *unitOf[F, PF]) Poll(cx *rt.Context) bool { return PF(&u.f).Poll(cx) }
func (u *unitOf[F, PF]) Result() struct{}         { return struct{}{} }
func (u *unitOf[F, PF]) Cancel()                  { PF(&u.f).Cancel() }

// runPairCheck runs the pair and reports whether the spinner had to give
// up (the stepper starved).
func runPairCheck(t *testing.T, name string, op spinOp) {
	t.Helper()
	var gaveUp, stop atomic.Bool
	m := pairMain{op: op, stop: &stop, gaveUp: &gaveUp}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rt.RunFuture(m, rt.SingleThreaded())
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s: still running after a minute", name)
	}
	if gaveUp.Load() {
		t.Fatalf("%s: the other task made no progress in %d always-ready awaits: no cooperative preemption", name, spinLimit)
	}
	if !stop.Load() {
		t.Fatalf("%s: the stepper did not finish", name)
	}
}

// pairMain is pair with its flags outside (the future is moved into the
// task).
type pairMain struct {
	op           spinOp
	stop, gaveUp *atomic.Bool
	started      bool
	hs           [2]*rt.JoinHandle[struct{}]
}

func (p *pairMain) Poll(cx *rt.Context) bool {
	if !p.started {
		p.started = true
		p.hs[0] = rt.SpawnFuture[unitOf[spinner, *spinner], struct{}](
			unitOf[spinner, *spinner]{f: spinner{op: p.op, stop: p.stop, gaveUp: p.gaveUp}})
		p.hs[1] = rt.SpawnFuture[unitOf[stepper, *stepper], struct{}](
			unitOf[stepper, *stepper]{f: stepper{steps: 10, stop: p.stop}})
	}
	for _, h := range p.hs {
		if !h.Poll(cx) {
			return false
		}
	}
	return true
}
func (p *pairMain) Cancel() {}

type chanRecvOp struct {
	c *sync.Channel[int]
	f sync.ChannelRecvFuture[int]
}

func (o *chanRecvOp) start() { o.c.Send(1); o.f = o.c.RecvAsync() }
func (o *chanRecvOp) poll(cx *rt.Context) bool {
	return o.f.Poll(cx)
}
func (o *chanRecvOp) finish() {
	if _, err := o.f.Result(); err != nil {
		panic(err)
	}
}

type mutexLockOp struct {
	mu sync.Mutex
	f  sync.MutexLockFuture
}

func (o *mutexLockOp) start()                   { o.f = o.mu.LockAsync() }
func (o *mutexLockOp) poll(cx *rt.Context) bool { return o.f.Poll(cx) }
func (o *mutexLockOp) finish()                  { o.f.Result().Unlock() }

type ringOp struct {
	r    *sync.Ring[int]
	s    sync.RingSendFuture[int]
	f    sync.RingRecvFuture[int]
	sent bool
}

func (o *ringOp) start() { o.s = o.r.SendAsync(1); o.sent = false }
func (o *ringOp) poll(cx *rt.Context) bool {
	if !o.sent {
		if !o.s.Poll(cx) {
			return false
		}
		o.sent = true
		o.f = o.r.RecvAsync()
	}
	return o.f.Poll(cx)
}
func (o *ringOp) finish() {}

type oneshotOp struct {
	f sync.OneshotRecvFuture[int]
	o *sync.Oneshot[int]
}

func (o *oneshotOp) start() {
	o.o = sync.NewOneshot[int]()
	o.o.Send(1)
	o.f = o.o.RecvAsync()
}
func (o *oneshotOp) poll(cx *rt.Context) bool { return o.f.Poll(cx) }
func (o *oneshotOp) finish()                  {}

type semOp struct {
	s *sync.Semaphore
	f sync.SemaphoreAcquireFuture
}

func (o *semOp) start()                   { o.f = o.s.AcquireAsync(1) }
func (o *semOp) poll(cx *rt.Context) bool { return o.f.Poll(cx) }
func (o *semOp) finish()                  { o.s.Release(1) }

type rwOp struct {
	m sync.RWMutex
	f sync.RWMutexRLockFuture
}

func (o *rwOp) start()                   { o.f = o.m.RLockAsync() }
func (o *rwOp) poll(cx *rt.Context) bool { return o.f.Poll(cx) }
func (o *rwOp) finish()                  { o.f.Result().Unlock() }

// TestCoopBudgetReadyAwaits: a task looping on always-ready receives
// (locks, sends) is preempted, so the other task on its worker progresses.
func TestCoopBudgetReadyAwaits(t *testing.T) {
	ops := map[string]spinOp{
		"ChannelRecv":      &chanRecvOp{c: sync.NewChannel[int]()},
		"MutexLock":        &mutexLockOp{},
		"RingSend+Recv":    &ringOp{r: sync.NewRing[int](4)},
		"OneshotRecv":      &oneshotOp{},
		"SemaphoreAcquire": &semOp{s: sync.NewSemaphore(1)},
		"RWMutexRLock":     &rwOp{},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { runPairCheck(t, name, op) })
	}
}

// TestParkedFutureSizes pins the sizes that make a parked task fit the
// 128-byte size class (issue 4): a receive or lock future is a pointer and
// its wait-list node, with no done flag, value or error field beside it.
func TestParkedFutureSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"ChannelRecvFuture[int]", unsafe.Sizeof(sync.ChannelRecvFuture[int]{}), 56},
		{"RingRecvFuture[int]", unsafe.Sizeof(sync.RingRecvFuture[int]{}), 56},
		{"RingSendFuture[int]", unsafe.Sizeof(sync.RingSendFuture[int]{}), 56},
		{"OneshotRecvFuture[int]", unsafe.Sizeof(sync.OneshotRecvFuture[int]{}), 56},
		{"MutexLockFuture", unsafe.Sizeof(sync.MutexLockFuture{}), 48},
		{"RWMutexLockFuture", unsafe.Sizeof(sync.RWMutexLockFuture{}), 56},
	} {
		if c.got > c.want {
			t.Errorf("%s is %d bytes, want at most %d", c.name, c.got, c.want)
		}
	}
}
