package sync

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// probe is a hand-driven branch for combinator tests: it completes (with
// val) on the first Poll after ready is set, panics in Poll with boom if
// set, and counts its Polls and Cancels.
type probe struct {
	ready   bool
	boom    any
	val     int
	polls   int
	cancels int
	t       *testing.T
}

func (p *probe) Poll(cx *rt.Context) bool {
	if p.cancels > 0 {
		p.t.Error("probe polled after Cancel")
	}
	p.polls++
	if p.boom != nil {
		panic(p.boom)
	}
	return p.ready
}

func (p *probe) Result() int { return p.val }

func (p *probe) Cancel() { p.cancels++ }

func probes(t *testing.T, n int) ([]*probe, []rt.Future[int]) {
	ps := make([]*probe, n)
	fs := make([]rt.Future[int], n)
	for i := range ps {
		ps[i] = &probe{val: 10 * i, t: t}
		fs[i] = ps[i]
	}
	return ps, fs
}

func cancels(t *testing.T, ps []*probe, want ...int) {
	t.Helper()
	for i, p := range ps {
		if p.cancels != want[i] {
			t.Fatalf("branch %d cancelled %d times, want %d", i, p.cancels, want[i])
		}
	}
}

func TestRaceOfWinnerAndLosers(t *testing.T) {
	ps, fs := probes(t, 3)
	f := RaceOfAsync(fs...)
	_, cx := newCX()
	pending(t, &f, cx)
	pending(t, &f, cx)
	cancels(t, ps, 0, 0, 0)
	ps[1].ready = true
	ps[2].ready = true // also ready: the lower index wins
	ready(t, &f, cx)
	cancels(t, ps, 1, 0, 1) // before Poll returned
	if i, v := f.Result(); i != 1 || v != 10 {
		t.Fatalf("Result = %d, %d; want branch 1, 10", i, v)
	}
	f.Cancel()
	ready(t, &f, cx)
	cancels(t, ps, 1, 0, 1) // exactly once
	if ps[2].polls != 2 {
		t.Fatalf("branch 2 polled %d times after branch 1 won, want 2", ps[2].polls)
	}
}

func TestRaceOfCancelCancelsAllOnce(t *testing.T) {
	ps, fs := probes(t, 3)
	f := RaceOfAsync(fs...)
	_, cx := newCX()
	pending(t, &f, cx)
	f.Cancel()
	f.Cancel()
	cancels(t, ps, 1, 1, 1)

	// Cancelled before its first Poll: the branches are cancelled too.
	ps, fs = probes(t, 2)
	g := RaceOfAsync(fs...)
	g.Cancel()
	cancels(t, ps, 1, 1)
}

func TestRaceOfPanicCancelsOthers(t *testing.T) {
	ps, fs := probes(t, 3)
	ps[1].boom = "boom"
	f := RaceOfAsync(fs...)
	_, cx := newCX()
	func() {
		defer func() {
			pe, ok := recover().(*rt.PanicError)
			if !ok || pe.Value != "boom" {
				t.Fatalf("recovered %v, want *rt.PanicError with the branch's value", pe)
			}
		}()
		f.Poll(cx)
	}()
	cancels(t, ps, 1, 0, 1)
	f.Cancel()
	cancels(t, ps, 1, 0, 1)
	if ps[2].polls != 0 {
		t.Fatal("a branch after the panicking one was polled")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("RaceOf with no branches did not panic")
		}
	}()
	g := RaceOfAsync[int]()
	g.Poll(cx)
}

// The loser of a select waiting for a Mutex gives up its place in the
// queue; the winner's value is what the select reports.
func TestSelectOfLoserReleasesMutexQueuePlace(t *testing.T) {
	var mu Mutex
	mu.Lock()
	ch := NewChannel[string]()
	lock := mu.LockAsync()
	recv := ch.RecvAsync()
	f := SelectOfAsync(&lock, &recv)
	w, cx := newCX()
	pending(t, &f, cx)
	if q := numQueued(&mu.mu, &mu.waiters); q != 1 {
		t.Fatalf("lock branch not queued (%d)", q)
	}
	ch.Send("hello")
	wakes(t, w, 1, "select")
	ready(t, &f, cx)
	if i := f.Result(); i != 1 {
		t.Fatalf("winner %d, want 1", i)
	}
	if v, err := recv.Result(); v != "hello" || err != nil {
		t.Fatalf("winner's value %q, %v", v, err)
	}
	if q := numQueued(&mu.mu, &mu.waiters); q != 0 {
		t.Fatal("the losing Lock still holds a place in the mutex queue")
	}
	mu.Unlock()
	if !mu.TryLock() {
		t.Fatal("mutex handed to the cancelled loser")
	}
}

func TestRacePlainFunctions(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	within(t, hang, "Race", func() {
		i, v := Race(
			func() string { <-release; return "slow" },
			func() string { return "fast" },
		)
		if i != 1 || v != "fast" {
			t.Errorf("Race = %d, %q; want 1, fast", i, v)
		}
	})
	within(t, hang, "Select", func() {
		var got int
		i := Select(
			func() { <-release },
			func() { got = 42 },
		)
		if i != 1 || got != 42 {
			t.Errorf("Select = %d (got %d); want 1 (42)", i, got)
		}
	})
	within(t, hang, "Race with a panicking winner", func() {
		defer func() {
			pe, ok := recover().(*rt.PanicError)
			if !ok || pe.Value != "boom" {
				t.Errorf("recovered %v, want *rt.PanicError{boom}", pe)
			}
		}()
		Race(func() int { <-release; return 0 }, func() int { panic("boom") })
		t.Error("Race returned normally")
	})
}

// Race from a task: a plain-function Race suspends the task (its
// branches run in goroutines) instead of blocking the worker.
func TestRaceInTasks(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var res [2]int
	rt.Run(func() {
		h := rt.SpawnFuture[raceTask, [2]int](raceTask{never: release})
		res = rt.Await[[2]int](h)
	}, rt.Workers(2))
	if res != [2]int{1, 2} {
		t.Fatalf("task race = %v, want branch 1 with 2", res)
	}
}

// raceTask is the task of
//
//	i, v := sync.Race(func() int { <-never; return 1 }, func() int { return 2 })
//	return [2]int{i, v}
type raceTask struct {
	never   chan struct{}
	r       RaceFuture[int]
	started bool
}

func (t *raceTask) Poll(cx *rt.Context) bool {
	if !t.started {
		never := t.never
		t.r = RaceAsync(func() int { <-never; return 1 }, func() int { return 2 })
		t.started = true
	}
	return t.r.Poll(cx)
}

func (t *raceTask) Result() [2]int {
	i, v := t.r.Result()
	return [2]int{i, v}
}

func (t *raceTask) Cancel() { t.r.Cancel() }

// Aborting a task suspended in SelectOf cancels both branches: the mutex
// queue place and the channel receive are released.
func TestSelectOfAbortReleasesRegistrations(t *testing.T) {
	var mu Mutex
	ch := NewChannel[int]()
	rt.Run(func() {
		mu.Lock()
		h := rt.SpawnFuture[selectTask, int](selectTask{mu: &mu, ch: ch})
		for numQueued(&mu.mu, &mu.waiters) == 0 || numQueued(&ch.mu, &ch.recvq) == 0 {
			time.Sleep(time.Millisecond)
		}
		h.Abort()
		rt.Await[int](h)
		if !errors.Is(h.Err(), rt.ErrAborted) {
			t.Errorf("Err = %v, want ErrAborted", h.Err())
		}
	}, rt.Workers(2))
	if q := numQueued(&mu.mu, &mu.waiters); q != 0 {
		t.Fatal("aborted select still queued on the mutex")
	}
	if q := numQueued(&ch.mu, &ch.recvq); q != 0 {
		t.Fatal("aborted select still queued on the channel")
	}
	mu.Unlock()
	if !mu.TryLock() {
		t.Fatal("mutex handed to the aborted select")
	}
}

// selectTask is the task of
//
//	sync.Select(func() { mu.Lock() }, func() { ch.Recv() })
//
// lowered to SelectOf over the two branch futures.
type selectTask struct {
	mu   *Mutex
	ch   *Channel[int]
	lock MutexLockFuture
	recv ChannelRecvFuture[int]
	sel  SelectOfFuture
	init bool
}

func (t *selectTask) Poll(cx *rt.Context) bool {
	if !t.init {
		t.lock, t.recv = t.mu.LockAsync(), t.ch.RecvAsync()
		t.sel = SelectOfAsync(&t.lock, &t.recv)
		t.init = true
	}
	return t.sel.Poll(cx)
}

func (t *selectTask) Result() int { return t.sel.Result() }

func (t *selectTask) Cancel() { t.sel.Cancel() }

// A lowered race mixes async-literal futures with lifted plain functions
// (what asyncgen passes for a branch that is not an async literal).
func TestRaceOfMixedWithLift(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	p := &probe{val: 5, t: t}
	f := RaceOfAsync(Lift(func() int { <-release; return 1 }), rt.Future[int](p))
	_, cx := newCX()
	pending(t, &f, cx)
	p.ready = true
	ready(t, &f, cx)
	if i, v := f.Result(); i != 1 || v != 5 {
		t.Fatalf("Result = %d, %d; want the probe's 1, 5", i, v)
	}

	// The lifted function wins when it returns first.
	q := &probe{t: t}
	within(t, hang, "lifted branch", func() {
		if i, v := RaceOf(rt.Future[int](q), Lift(func() int { return 9 })); i != 1 || v != 9 {
			t.Errorf("RaceOf = %d, %d; want 1, 9", i, v)
		}
	})
	if q.cancels != 1 {
		t.Fatalf("probe cancelled %d times, want 1", q.cancels)
	}
}
