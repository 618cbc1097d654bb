package rt

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// detWorker logs n steps; between steps it yields or sleeps a duration
// derived from its id and step (so timers race each other).
type detWorker struct {
	id, i, n int
	log      *[]string
	waiting  bool
	sleep    SleepFuture
	yield    YieldFuture
}

func (f *detWorker) Poll(cx *Context) bool {
	for f.i < f.n {
		if !f.waiting {
			*f.log = append(*f.log, fmt.Sprintf("%s t%d.%d", Now().Format("15:04:05.000"), f.id, f.i))
			f.waiting = true
			if (f.id+f.i)%3 == 0 {
				f.yield = YieldAsync()
			} else {
				f.sleep = SleepAsync(time.Duration((f.id*7+f.i*5)%11) * time.Millisecond)
			}
		}
		if (f.id+f.i)%3 == 0 {
			if !f.yield.Poll(cx) {
				return false
			}
		} else if !f.sleep.Poll(cx) {
			return false
		}
		f.waiting = false
		f.i++
	}
	return true
}
func (f *detWorker) Result() int { return f.i }
func (f *detWorker) Cancel()     { f.sleep.Cancel() }

// detRoot spawns k detWorkers (some detached, some joined) and joins.
type detRoot struct {
	k   int
	log *[]string
	hs  []*JoinHandle[int]
	j   int
}

func (f *detRoot) Poll(cx *Context) bool {
	if f.hs == nil {
		for id := 0; id < f.k; id++ {
			if id%4 == 3 {
				GoFuture(detWorker{id: id, n: 5, log: f.log})
				continue
			}
			f.hs = append(f.hs, SpawnFuture[detWorker, int](detWorker{id: id, n: 6, log: f.log}))
		}
	}
	for ; f.j < len(f.hs); f.j++ {
		if !f.hs[f.j].Poll(cx) {
			return false
		}
	}
	*f.log = append(*f.log, "root done at "+Now().Format("15:04:05.000"))
	return true
}
func (f *detRoot) Result() int { return 0 }
func (f *detRoot) Cancel()     {}

func detTrace(seed uint64) string {
	var log []string
	RunFuture(detRoot{k: 12, log: &log}, Deterministic(seed))
	return strings.Join(log, "\n")
}

// The same seed gives the same trace bit for bit; different seeds give
// different interleavings.
func TestDeterministicSameSeedSameTrace(t *testing.T) {
	within(t, 20*time.Second, func() {
		a := detTrace(42)
		for i := 0; i < 5; i++ {
			if b := detTrace(42); a != b {
				t.Fatalf("seed 42 gave two different traces:\n%s\n---\n%s", a, b)
			}
		}
		distinct := map[string]bool{a: true}
		for seed := uint64(1); seed <= 10; seed++ {
			distinct[detTrace(seed)] = true
		}
		if len(distinct) < 5 {
			t.Fatalf("11 seeds gave only %d distinct traces", len(distinct))
		}
		if !strings.Contains(a, "root done at 00:00:00.") {
			t.Fatalf("virtual clock did not start at the epoch, or moved too far:\n%s", a)
		}
	})
}

// The virtual clock jumps: an hour of sleeping takes no real time, and
// Now moves by exactly the slept time.
func TestDeterministicVirtualClock(t *testing.T) {
	start := time.Now()
	var before, after time.Time
	Run(func() {
		before = Now()
		Sleep(time.Hour)
		after = Now()
	}, Deterministic(1))
	if d := after.Sub(before); d != time.Hour {
		t.Fatalf("virtual time moved by %v, want 1h", d)
	}
	if !before.Equal(virtualEpoch) {
		t.Fatalf("virtual clock started at %v", before)
	}
	if real := time.Since(start); real > 5*time.Second {
		t.Fatalf("an hour of virtual sleep took %v of real time", real)
	}
	// Timeouts fire in virtual time too.
	Run(func() {
		g := &gate{}
		_, err := TimeoutOf[gateFuture, int](time.Minute, gateFuture{g: g, p: &probe{}})
		if err != ErrTimeout {
			t.Errorf("TimeoutOf in deterministic mode: %v", err)
		}
		if d := Now().Sub(virtualEpoch); d != time.Minute+time.Hour*0 {
			t.Errorf("timeout after %v of virtual time, want 1m", d)
		}
	}, Deterministic(2))
}

// Run's main function interleaves deterministically with the tasks.
func TestDeterministicRunMain(t *testing.T) {
	trace := func(seed uint64) string {
		var log []string
		Run(func() {
			var hs []*JoinHandle[int]
			for id := 0; id < 6; id++ {
				hs = append(hs, SpawnFuture[detWorker, int](detWorker{id: id, n: 4, log: &log}))
			}
			Sleep(3 * time.Millisecond)
			log = append(log, "main woke at "+Now().Format("15:04:05.000"))
			for _, h := range hs {
				Await[int](h)
			}
		}, Deterministic(seed))
		return strings.Join(log, "\n")
	}
	a := trace(7)
	if b := trace(7); a != b {
		t.Fatalf("same seed, different traces:\n%s\n---\n%s", a, b)
	}
	if !strings.Contains(a, "main woke at 00:00:00.003") {
		t.Fatalf("main did not wake at 3ms virtual:\n%s", a)
	}
	if trace(8) == a && trace(9) == a && trace(10) == a {
		t.Fatalf("different seeds, same trace")
	}
}

// A panic that ends a deterministic run reports the seed.
func TestDeterministicFailureReportsSeed(t *testing.T) {
	r := catch(func() {
		RunFuture(funcFuture{poll: func(cx *Context) bool { panic("bad interleaving") }}, Deterministic(1234))
	})
	var pe *PanicError
	if err, ok := r.(error); !ok || !errors.As(err, &pe) {
		t.Fatalf("recovered %v", r)
	}
	if !pe.Deterministic || pe.Seed != 1234 || !strings.Contains(pe.Error(), "rt.Deterministic(1234)") {
		t.Fatalf("panic does not report the seed: %v", pe.Error())
	}
	r = catch(func() {
		Run(func() { panic("main failed") }, Deterministic(99))
	})
	if pe, ok := r.(*PanicError); !ok || pe.Seed != 99 || !strings.Contains(pe.Error(), "main failed") {
		t.Fatalf("Run main panic: %v", r)
	}
	// Blocking on a task's poll is still refused in deterministic mode.
	r = catch(func() {
		RunFuture(funcFuture{poll: func(cx *Context) bool { Yield(); return true }}, Deterministic(5))
	})
	if r == nil || !strings.Contains(fmt.Sprint(r), "blocking call to async rt.Yield") {
		t.Fatalf("BlockOn in a deterministic task: %v", r)
	}
}
