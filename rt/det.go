package rt

// The deterministic mode.
//
// # Theory of operation
//
// A deterministic runtime (option Deterministic(seed)) has one worker and
// runs every task on the goroutine that called Run or RunFuture. Three
// small interfaces make each of its choices reproducible:
//
//   - chooser: which ready task runs next. The default is a PCG generator
//     seeded with the seed; the ready set is a slice, the chosen task is
//     swapped out of it, so the whole schedule is a function of the seed
//     and of the program.
//   - clock: a virtualClock (clock.go) that starts at 2000-01-01 UTC and
//     only moves when no task is runnable: it then jumps to the next timer
//     of the runtime's own timer wheel, which fires. Sleeping costs no real
//     time, and every timeout fires in the same order in every run.
//   - detIO: what the runtime does when no task is runnable and no timer
//     is pending. The default (externalIO) waits for a wake from another
//     goroutine: a real I/O event dispatched by the process driver, or a
//     goroutine completing a future. Those wakes are not deterministic;
//     a simulated network implements detIO (and uses the virtual clock)
//     to make I/O deterministic too.
//
// With Run(main), main itself runs on the calling goroutine: every BlockOn
// (or Await) that main makes drives the scheduler inline until its future
// completes, so main is ordinary code that interleaves deterministically
// with the tasks. A main that starts goroutines gives up determinism for
// what those goroutines do.
//
// A panic that ends a deterministic run (in the main task or a detached
// task) is reported with the seed, so that the failing schedule can be
// replayed with Deterministic(seed).

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Deterministic makes the runtime deterministic: a single thread (the
// goroutine calling Run or RunFuture), the next ready task chosen by a
// PRNG seeded with seed, and a virtual clock (see Now) that jumps to the
// next timer when no task is runnable. The same seed gives the same
// schedule, bit for bit, as long as the program itself is deterministic
// and does not wait for real I/O or for other goroutines. A panic that
// ends the run carries the seed (PanicError.Seed). In chaos mode (see
// ChaosEnv), Run and RunFuture without a scheduler option run as with
// Deterministic(SEED).
func Deterministic(seed uint64) Option {
	return func(c *config) {
		c.det = true
		c.seed = seed
		c.single = true
		c.sched = true
	}
}

// chooser picks the index of the next task to run among n ready ones.
type chooser interface {
	choose(n int) int
}

// pcgChooser is the default chooser: a seeded PCG generator.
type pcgChooser struct{ r *rand.Rand }

func newPCGChooser(seed uint64) *pcgChooser {
	return &pcgChooser{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

func (c *pcgChooser) choose(n int) int { return c.r.IntN(n) }

// detIO is consulted when no task is runnable and no timer is pending.
type detIO interface {
	// wait blocks until a wake may have made a task runnable.
	wait()
	// notify is called by a wake from outside the runtime's goroutine.
	notify()
}

// externalIO waits for wakes from other goroutines.
type externalIO struct{ ch chan struct{} }

func (x *externalIO) wait() { <-x.ch }
func (x *externalIO) notify() {
	select {
	case x.ch <- struct{}{}:
	default:
	}
}

// detState is the state of a deterministic runtime.
type detState struct {
	seed    uint64
	chooser chooser
	clk     *virtualClock
	io      detIO

	mu     sync.Mutex
	ready  []*header // guarded by mu (wakes may come from other goroutines)
	closed bool      // guarded by mu

	g uintptr // the runtime's goroutine

	mainWoken bool // BlockOn of Run's main: its future was woken
	steps     uint64
}

func newDetExecutor(seed uint64) *executor {
	e := newExecutor(1, true)
	clk := &virtualClock{}
	e.det = &detState{
		seed:    seed,
		chooser: newPCGChooser(seed),
		clk:     clk,
		io:      &externalIO{ch: make(chan struct{}, 1)},
	}
	e.drv = nil
	e.clk = clk
	e.wheel = newTimerWheel(clk, nil)
	e.workers[0].cx.timers = e.wheel
	return e
}

// push makes h ready; false once the runtime is shut down.
func (d *detState) push(h *header) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return false
	}
	d.ready = append(d.ready, h)
	d.mu.Unlock()
	if getg() != d.g {
		d.io.notify()
	}
	return true
}

// close refuses further pushes and returns the ready tasks.
func (d *detState) close() []*header {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	r := d.ready
	d.ready = nil
	return r
}

// pick removes and returns a ready task chosen by the chooser, or nil.
func (d *detState) pick() *header {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.ready)
	if n == 0 {
		return nil
	}
	i := 0
	if n > 1 {
		i = d.chooser.choose(n)
	}
	h := d.ready[i]
	d.ready[i] = d.ready[n-1]
	d.ready[n-1] = nil
	d.ready = d.ready[:n-1]
	return h
}

// step runs one ready task; if none is ready it advances the virtual
// clock to the next timer, or waits for an outside wake. It reports
// false when the runtime is stopping.
func (e *executor) detStep() {
	d := e.det
	w := e.workers[0]
	if h := d.pick(); h != nil {
		d.steps++
		w.detRunTask(h)
		w.flushStats()
		return
	}
	if dl, ok := e.wheel.nextDeadline(); ok {
		d.clk.set(dl)
		e.wheel.advance(d.clk.now())
		return
	}
	d.io.wait()
}

// detRunTask runs one task in deterministic mode, recovering the panic of
// its poll (recoverPoll).
func (w *worker) detRunTask(h *header) {
	defer w.recoverPoll(nil)
	w.polling = true
	w.runTask(h)
	w.polling = false
}

// detRun runs the deterministic scheduler until the runtime stops (the
// main task completed).
func (e *executor) detRun() {
	d := e.det
	d.g = getg()
	w := e.workers[0]
	g, prev := registerG(gidEntry{exec: e, worker: w})
	defer deregisterG(g, prev)
	for !e.stopping.Load() {
		e.detStep()
	}
}

// detMainWaker is the waker of a future that Run's main function blocks
// on in a deterministic runtime.
type detMainWaker struct{ e *executor }

// Wake marks main's future woken (and wakes the scheduler if it waits).
func (m *detMainWaker) Wake() {
	d := m.e.det
	d.mu.Lock()
	d.mainWoken = true
	d.mu.Unlock()
	if getg() != d.g {
		d.io.notify()
	}
}

// detBlockOn is BlockOn called by Run's main function in a deterministic
// runtime: it runs the scheduler until f completes.
func (e *executor) detBlockOn(f Pollable) {
	d := e.det
	cx := &Context{waker: Waker{target: &detMainWaker{e}}, timers: e.wheel}
	for {
		if f.Poll(cx) {
			return
		}
		for {
			d.mu.Lock()
			woken := d.mainWoken
			d.mainWoken = false
			d.mu.Unlock()
			if woken {
				break
			}
			e.detStep()
		}
	}
}

// seedNote is appended to panics that end a deterministic run.
func seedNote(seed uint64) string {
	return fmt.Sprintf("deterministic runtime, seed %d: rerun with rt.Deterministic(%d)", seed, seed)
}
