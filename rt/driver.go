package rt

// The I/O and time driver, and who turns it.
//
// # Theory of operation
//
// The process has one ioDriver: the platform driver (epoll), the reactor
// that maps its events to Sources, and the timer wheel on the real clock.
// A turn of the driver parks in the platform driver (epoll_wait) for at
// most the time until the next timer, dispatches the I/O events it got
// (waking the tasks that wait for them) and fires the timers that are due.
// One goroutine at a time turns the driver: whoever holds d.lock.
//
// Who turns it:
//
//   - An idle worker. A worker that finds no task anywhere registers as
//     idle and then tries to take the driver lock; the one that gets it
//     parks in epoll_wait, the others park on their own channel. The
//     tasks that the events and timers wake are queued by the holder
//     itself (its LIFO slot and local queue, see executor.schedule), and
//     it runs them after the turn: in the common case an I/O event is
//     received and handled on the same thread, with no hand-off.
//   - A busy worker, every globalCheckInterval tasks, if nobody turned
//     the driver for pollInterval: a non-blocking turn (epoll_wait with a
//     zero timeout), so that I/O and timers progress while every worker is
//     busy. It takes no more I/O events than its local queue has room for
//     (at least minTurnEvents): the rest stay in the kernel's ready list,
//     in order, for the next turn. Taking more would overflow the queue,
//     and an overflow moves its older half to the injection queue, from
//     which it is taken back behind the newer tasks: with many busy
//     connections the oldest requests would wait longest (at 1000 echo
//     connections, p99 latency 24-29 ms instead of 16-19 ms).
//   - The fallback poller goroutine. While no runtime is running it turns
//     the driver with blocking turns, so that I/O and timers work for plain
//     goroutines (BlockOn) without any runtime. While a runtime runs it
//     only watches: every monitorInterval it makes a non-blocking turn if
//     nobody else turned the driver meanwhile (all workers stuck in long
//     polls). A runtime that starts interrupts its blocking turn.
//
// Whenever a runtime has an idle worker, one idle worker waits in
// epoll_wait, so that I/O of plain goroutines (BlockOn), which wakes no
// worker, is still handled at once. An idle worker that finds the driver
// locked parks on its channel; that is only right if the holder parks in
// the driver itself. The holders that do not (a busy worker's or the
// fallback's non-blocking turn, the fallback's blocking turn interrupted
// by a starting runtime) hand the driver over when they release it: they
// unpark an idle worker, which parks again, in the driver (see
// releaseHandOff). And a producer that unparks an idle worker picks one
// parked on its channel before the one parked in the driver
// (executor.notifyOne), so the driver stays turned while the others work.
//
// # Parking protocol (see worker.parkIdle and executor.unpark)
//
// A worker's park has two forms: on its channel, or in the driver. The
// unparker (a producer that queued a task and found the worker in the idle
// list) first sets w.unparked, then sends the channel token, then reads
// w.driving and, if set, interrupts the driver (the eventfd). The worker
// sets w.driving, then reads w.unparked and only parks in the driver if it
// is not set. With sequentially consistent atomics one of the two sees the
// other's store: the eventfd is written only when the worker may really be
// in epoll_wait, and a wake-up is never lost. A timer registered earlier
// than the deadline the holder sleeps until interrupts it the same way
// (timerWheel.parkedUntil).

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// pollInterval: a busy worker makes a non-blocking turn when nobody
	// turned the driver for this long.
	pollInterval = time.Millisecond
	// monitorInterval: the fallback poller's watch period while runtimes
	// run.
	monitorInterval = 10 * time.Millisecond
	// turnEvents: the most I/O events one turn takes.
	turnEvents = 256
	// minTurnEvents: the fewest a busy worker's turn takes, however full
	// its queue.
	minTurnEvents = 16
)

// ioDriver is the process-wide I/O reactor and real-time timer wheel.
type ioDriver struct {
	drv   driver
	r     *reactor // nil when the platform has no I/O reactor
	rerr  error    // why r is nil
	clk   clock
	wheel *timerWheel

	lock   atomic.Bool // held by the goroutine turning the driver
	evs    []event     // scratch of the holder
	batch  []dispatch  // scratch of the holder
	wakers []Waker     // scratch of the holder

	lastTurn atomic.Int64  // clock time of the last turn's end
	runtimes atomic.Int32  // running executors whose workers turn the driver
	resume   chan struct{} // wakes the fallback poller when runtimes drops to 0

	// The running executors (copy on write under execsMu), for handOff.
	execsMu sync.Mutex
	execs   atomic.Pointer[[]*executor]

	events atomic.Uint64 // I/O events dispatched (statistics)
	turns  atomic.Uint64
}

var theDriver struct {
	once sync.Once
	d    *ioDriver
}

// globalDriver returns the process-wide driver, creating it and its
// fallback poller goroutine on first use.
func globalDriver() *ioDriver {
	theDriver.once.Do(func() {
		d := &ioDriver{clk: processClock, resume: make(chan struct{}, 1)}
		if newDriver != nil {
			drv, err := newDriver()
			if err == nil {
				d.drv = drv
				d.r = newReactor(drv)
			} else {
				d.rerr = err
			}
		} else {
			d.rerr = errors.New("rt: no I/O reactor on this platform")
		}
		if d.drv == nil {
			d.drv = newChanDriver()
		}
		d.wheel = newTimerWheel(d.clk, d.drv.unpark)
		d.evs = make([]event, 0, turnEvents)
		theDriver.d = d
		go d.fallback()
	})
	return theDriver.d
}

func (d *ioDriver) tryLock() bool { return !d.lock.Load() && d.lock.CompareAndSwap(false, true) }
func (d *ioDriver) unlock()       { d.lock.Store(false) }

// turn parks in the platform driver for at most timeout (negative: until
// an event, a timer or an unpark), then dispatches at most limit I/O events
// (at most turnEvents) and fires due timers. Only the lock holder calls it.
// It returns the number of events and timers processed.
//
// w is the worker turning the driver (nil for the fallback poller): the
// tasks of its runtime that the events wake go straight to its queues.
func (d *ioDriver) turn(timeout time.Duration, limit int, w *worker) int {
	d.turns.Add(1)
	if timeout != 0 {
		if dl, ok := d.wheel.prepark(); ok {
			wait := time.Duration(dl - d.clk.now())
			if wait < 0 {
				wait = 0
			}
			if timeout < 0 || wait < timeout {
				timeout = wait
			}
		}
	}
	evs, err := d.drv.park(d.evs[:0], min(limit, cap(d.evs)), timeout)
	d.wheel.unprepark()
	if err != nil {
		panic("rt: driver: " + err.Error())
	}
	n := len(evs)
	if n > 0 && d.r != nil {
		d.batch, d.wakers = d.r.dispatch(evs, d.batch[:0], d.wakers[:0])
		wakeFrom(w, d.wakers)
		d.events.Add(uint64(n))
	}
	now := d.clk.now()
	n += d.wheel.advance(now)
	d.lastTurn.Store(now)
	return n
}

// maybeTurn makes a non-blocking turn taking at most limit I/O events if
// nobody turned the driver for at least since, and nobody holds it.
func (d *ioDriver) maybeTurn(since time.Duration, limit int, w *worker) {
	if time.Duration(d.clk.now()-d.lastTurn.Load()) < since {
		return
	}
	if d.tryLock() {
		d.turn(0, limit, w)
		d.releaseHandOff()
	}
}

// runtimeStarted and runtimeStopped count the executors whose workers
// turn the driver; the fallback poller steps aside while there are any.
func (d *ioDriver) runtimeStarted(e *executor) {
	d.execsMu.Lock()
	var es []*executor
	if p := d.execs.Load(); p != nil {
		es = append(es, *p...)
	}
	es = append(es, e)
	d.execs.Store(&es)
	d.execsMu.Unlock()
	if d.runtimes.Add(1) == 1 {
		d.drv.unpark() // interrupt the fallback's blocking turn
	}
}

func (d *ioDriver) runtimeStopped(e *executor) {
	d.execsMu.Lock()
	var es []*executor
	if p := d.execs.Load(); p != nil {
		for _, x := range *p {
			if x != e {
				es = append(es, x)
			}
		}
	}
	d.execs.Store(&es)
	d.execsMu.Unlock()
	if d.runtimes.Add(-1) == 0 {
		d.kick()
	}
}

// kick wakes the fallback poller to re-examine whether it must drive.
func (d *ioDriver) kick() {
	select {
	case d.resume <- struct{}{}:
	default:
	}
}

// release unlocks the driver after a worker's blocking turn (parkIdle);
// if no runtime counts any more (a late worker of a stopped runtime), the
// fallback takes over. A worker that leaves the driver to run what its
// turn woke does not hand it over (that would cost a cross-thread wake per
// event); it takes it back when it is idle again.
func (d *ioDriver) release() {
	d.unlock()
	if d.runtimes.Load() == 0 {
		d.kick()
	}
}

// releaseHandOff unlocks the driver after a turn by a holder that does not
// park in it (a non-blocking turn of a busy worker or of the fallback's
// watch, or the fallback's blocking turn that a starting runtime
// interrupted). An idle worker may have found the driver locked by it and
// parked on its channel instead: then nobody would wait in epoll_wait, and
// I/O of plain goroutines (BlockOn) would only progress at the fallback's
// watch interval. So the driver is handed to an idle worker: one is
// unparked, finds no work, and parks again, in the driver this time.
//
// No hand-off is missed: an idle worker registers as idle (executor.addIdle)
// before it tries the driver lock, and the holder unlocks before it looks
// for idle workers; with sequentially consistent atomics either the worker
// gets the lock or the holder sees it idle.
func (d *ioDriver) releaseHandOff() {
	d.unlock()
	if d.runtimes.Load() == 0 {
		d.kick()
		return
	}
	d.handOff()
}

// handOff unparks an idle worker of a running executor, unless somebody
// holds the driver again.
func (d *ioDriver) handOff() {
	p := d.execs.Load()
	if p == nil {
		return
	}
	for _, e := range *p {
		if d.lock.Load() {
			return // taken: by an idle worker, or by one that will release it here
		}
		if e.numIdle.Load() > 0 {
			e.notifyOne()
			return
		}
	}
}

// fallback is the fallback poller goroutine (see the top of the file).
func (d *ioDriver) fallback() {
	t := time.NewTimer(monitorInterval)
	for {
		if d.runtimes.Load() > 0 {
			t.Reset(monitorInterval)
			select {
			case <-d.resume:
			case <-t.C:
				d.maybeTurn(monitorInterval, turnEvents, nil)
			}
			continue
		}
		if !d.tryLock() {
			// A worker of a runtime that stopped (its grace period
			// expired) still holds it: it kicks resume when it lets go.
			t.Reset(time.Millisecond)
			select {
			case <-d.resume:
			case <-t.C:
			}
			continue
		}
		d.turn(-1, turnEvents, nil)
		// A runtime that started interrupted this turn: its idle workers
		// may have found the driver locked (see releaseHandOff).
		d.releaseHandOff()
	}
}

// prepark computes the clock time of the next timer and records its tick
// as the one the driver holder sleeps until (math.MaxInt64 if none), under
// the wheel lock, so that a timer registered later and due earlier
// interrupts the park.
func (tw *timerWheel) prepark() (int64, bool) {
	tw.mu.Lock()
	_, _, start, ok := tw.nextExpiration()
	if ok {
		tw.parkedUntil.Store(start)
	} else {
		tw.parkedUntil.Store(maxTick)
	}
	tw.mu.Unlock()
	return start * tickNs, ok
}

// unprepark records that nobody sleeps on the wheel any more.
func (tw *timerWheel) unprepark() { tw.parkedUntil.Store(minTick) }

// chanDriver is the driver of platforms without an I/O reactor: it only
// sleeps (for timers) and can be interrupted.
type chanDriver struct{ ch chan struct{} }

func newChanDriver() *chanDriver { return &chanDriver{ch: make(chan struct{}, 1)} }

var errNoReactor = errors.New("rt: no I/O reactor on this platform")

func (c *chanDriver) register(int, uint64) error { return errNoReactor }
func (c *chanDriver) deregister(int) error       { return errNoReactor }
func (c *chanDriver) closeFD(int) error          { return errNoReactor }

func (c *chanDriver) park(evs []event, _ int, timeout time.Duration) ([]event, error) {
	switch {
	case timeout == 0:
		select {
		case <-c.ch:
		default:
		}
	case timeout < 0:
		<-c.ch
	default:
		t := time.NewTimer(timeout)
		select {
		case <-c.ch:
		case <-t.C:
		}
		t.Stop()
	}
	return evs, nil
}

func (c *chanDriver) unpark() {
	select {
	case c.ch <- struct{}{}:
	default:
	}
}
