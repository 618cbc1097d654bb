package rt

// Workers: the loop that takes tasks from the LIFO slot, the local queue,
// the injection queue and other workers' queues, polls them, and parks when
// there is nothing to do. See executor.go for the overall design.

import (
	"sync/atomic"
	"time"
)

const localCap = 256

// Deferred help after a driver turn (see "Waking helpers" in executor.go).
const (
	// helpBatch queued tasks wake a helper at once.
	helpBatch = 4
	// helpDelay is how long fewer queued tasks wait for the worker that
	// holds them before it wakes a helper: about what the wake itself costs.
	helpDelay = 50 * time.Microsecond
)

type worker struct {
	exec *executor
	id   int
	park chan struct{} // one token: unparked

	// The parking protocol with the driver (driver.go).
	driving  atomic.Bool // may be parked in the driver
	unparked atomic.Bool // taken out of the idle list by an unparker

	// Owned by the worker goroutine.
	lifo      *header
	lifoPolls int
	tick      uint32
	searching bool
	polling   bool    // deterministic mode: a task's Poll is on the stack
	current   *header // the task whose Poll is on the stack (see recoverPoll)
	helpDue   int64   // clock time to wake a helper for queued tasks; 0: none; -1: decide after the turn
	rng       uint32
	cx        Context
	st        workerStats

	local localQueue
}

// run is the body of a worker goroutine (or of the Run goroutine in
// single-threaded mode).
func (w *worker) run() {
	g, prev := registerG(gidEntry{exec: w.exec, worker: w})
	defer deregisterG(g, prev)
	for w.loop() {
		// A task's poll panicked; recoverPoll dealt with it. Go on.
	}
	if w.searching {
		w.searching = false
		w.exec.searching.Add(-1)
	}
	// Tasks left in the queues (LIFO slot included) are cancelled by the
	// shutdown sweep.
	w.flushStats()
}

// loop runs tasks until the executor stops (false), or until a task's
// poll panics (true, once recoverPoll has dealt with the panic). The
// panic of a poll is recovered here, once per loop, rather than by a
// deferred call around every poll, which would cost every poll a
// deferred closure and a recover.
func (w *worker) loop() (panicked bool) {
	defer w.recoverPoll(&panicked)
	e := w.exec
	for !e.stopping.Load() {
		h := w.next()
		if h == nil {
			h = w.search()
		}
		if h == nil {
			w.parkIdle()
			continue
		}
		if w.searching {
			w.endSearch()
		}
		if w.helpDue != 0 {
			w.maybeHelp()
		}
		w.runTask(h)
	}
	return false
}

// next returns the next task of this worker's own queues, or of the
// injection queue.
func (w *worker) next() *header {
	w.tick++
	if w.tick%globalCheckInterval == 0 {
		w.maintenance()
		if h := w.popInject(); h != nil {
			return h
		}
	}
	if h := w.lifo; h != nil {
		w.lifo = nil
		if w.lifoPolls < maxLIFOPolls {
			w.lifoPolls++
			return h
		}
		// Budget used up: the slot's task waits its turn in the queue.
		w.pushLocal(h, false)
	}
	w.lifoPolls = 0
	if h := w.local.pop(); h != nil {
		return h
	}
	return w.popInject()
}

// popInject moves a batch from the injection queue to the local queue and
// returns its first task.
func (w *worker) popInject() *header {
	e := w.exec
	l := int(e.inject.len.Load())
	if l == 0 {
		return nil
	}
	n := min(l/len(e.workers)+1, localCap/2, localCap-w.local.len()+1)
	first, got := e.inject.popN(n)
	if first == nil {
		return nil
	}
	rest := first.next
	first.next = nil
	for rest != nil {
		nx := rest.next
		rest.next = nil
		w.local.push(rest) // cannot fail: room was checked, only we push
		rest = nx
	}
	if got > 1 {
		e.notifyOne()
	}
	return first
}

// search looks for work in other workers' queues and in the injection queue.
func (w *worker) search() *header {
	e := w.exec
	if !w.searching {
		w.searching = true
		e.searching.Add(1)
	}
	n := uint32(len(e.workers))
	start := w.rand() % n
	for i := uint32(0); i < n; i++ {
		v := e.workers[(start+i)%n]
		if v == w {
			continue
		}
		if h := w.local.stealFrom(&v.local); h != nil {
			w.st.steals++
			return h
		}
	}
	return w.popInject()
}

// endSearch leaves the searching state after finding work; the last
// searcher to leave wakes another worker if work remains.
func (w *worker) endSearch() {
	w.searching = false
	if w.exec.searching.Add(-1) == 0 && w.exec.hasWork() {
		w.exec.notifyOne()
	}
}

// parkIdle blocks until a producer or shutdown unparks the worker.
func (w *worker) parkIdle() {
	e := w.exec
	if w.searching {
		w.searching = false
		e.searching.Add(-1)
	}
	w.st.parks++
	w.flushStats()
	e.addIdle(w)
	// Re-check after registering as idle: a producer that queued work
	// before seeing us idle did not unpark anybody.
	if e.stopping.Load() || e.hasWork() {
		if e.removeIdle(w) {
			return
		}
		w.waitToken()
		return
	}
	if d := e.drv; d != nil && d.tryLock() {
		w.driving.Store(true)
		if !w.unparked.Load() {
			d.turn(-1, turnEvents, w)
		}
		w.driving.Store(false)
		d.release()
		// The tasks the turn woke are in our own queues: run them here.
		// (If it woke several, afterTurn decides whether a helper is worth
		// waking, see "Waking helpers" in executor.go. The driver is not
		// handed over to an idle worker: that would cost a cross-thread
		// wake per event; busy workers and the fallback's watch keep it
		// turning, see driver.go.)
		if e.removeIdle(w) {
			if w.helpDue != 0 {
				w.afterTurn()
			}
			return
		}
	}
	w.waitToken()
}

// afterTurn decides about the helper that the turn's wakes deferred: wake
// one now if a batch is queued, else only if the tasks are still queued
// after helpDelay (maybeHelp).
func (w *worker) afterTurn() {
	if w.local.len() >= helpBatch {
		w.helpDue = 0
		w.exec.notifyOne()
		return
	}
	w.helpDue = w.exec.clk.now() + int64(helpDelay)
}

// maybeHelp runs between polls while a helper wake is deferred: the wake
// is dropped once the queue is empty, and made once helpDelay has passed.
func (w *worker) maybeHelp() {
	switch {
	case w.local.len() == 0:
		w.helpDue = 0
	case w.helpDue < 0 || w.exec.clk.now() >= w.helpDue:
		w.helpDue = 0
		w.exec.notifyOne()
	}
}

// waitToken waits for the token of the unparker that took w out of the
// idle list.
func (w *worker) waitToken() {
	<-w.park
	w.unparked.Store(false)
	w.searching = true // the unparker counted us as searching
}

// maintenance runs every globalCheckInterval tasks: keep the driver
// turning while every worker is busy, taking no more events than the local
// queue has room for, beside the task a wake moves out of the LIFO slot
// (see driver.go).
func (w *worker) maintenance() {
	w.flushStats()
	if d := w.exec.drv; d != nil {
		d.maybeTurn(pollInterval, max(localCap-w.local.len()-1, minTurnEvents), w)
	}
}

func (w *worker) rand() uint32 {
	x := w.rng
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	w.rng = x
	return x
}

// pushLIFO puts a task woken or spawned by the running task in the LIFO
// slot; a task already there moves to the local queue.
func (w *worker) pushLIFO(h *header) {
	if old := w.lifo; old != nil {
		w.pushLocal(old, true)
	}
	w.lifo = h
}

// pushLocal appends to the local queue, spilling half of it to the
// injection queue when full.
func (w *worker) pushLocal(h *header, notify bool) {
	if !w.local.push(h) {
		w.overflow(h)
		notify = true
	}
	if notify {
		if w.driving.Load() { // a blocking turn's wake (nothing else runs here then)
			w.helpDue = -1 // decided after the turn (afterTurn)
			return
		}
		w.exec.notifyOne()
	}
}

func (w *worker) overflow(h *header) {
	w.st.overflows++
	var batch [localCap / 2]*header
	n := w.local.popHalf(batch[:])
	first, last := h, h
	h.next = nil
	for _, x := range batch[:n] {
		x.next = nil
		last.next = x
		last = x
	}
	w.exec.inject.pushBatch(first, last, n+1)
}

// runTask polls (or cancels) a task popped from a queue.
func (w *worker) runTask(h *header) {
	run, cancelled := h.startRun()
	if !run {
		return
	}
	if cancelled {
		w.cancelTask(h)
		return
	}
	w.cx.waker = Waker{target: h}
	w.cx.budget, w.cx.budgeted = coopBudget, true
	w.st.polls++
	w.current = h
	done := h.poll(&w.cx)
	w.current = nil
	w.cx.waker = Waker{}
	if done {
		w.finish(h, 0)
		return
	}
	if !h.inList {
		// First park: from now on wakers hold the task, so it joins the
		// list of live tasks that shutdown cancels.
		w.exec.ownedShard(h).add(h)
	}
	switch h.endPoll() {
	case endRequeue:
		// Woken during its poll (a yield, or a quick wake): back of the
		// queue, after the tasks that were already waiting.
		if d := w.exec.det; d != nil {
			d.push(h)
			return
		}
		w.pushLocal(h, w.local.len() > 0)
	case endCancel:
		w.cancelTask(h)
	}
}

// recoverPoll is deferred by the loops that run tasks (worker.loop,
// executor.detStep). If a task's Poll is panicking (w.current is set), it
// recovers the panic and completes the task with it: a joinable task's
// handle keeps it; a panic in a detached task crashes the process, as in a
// goroutine, with the value, the task's future type, the source position
// of the panic and the task's stack. Any other panic (in the runtime
// itself) goes on. It sets *panicked when it recovered one.
func (w *worker) recoverPoll(panicked *bool) {
	h := w.current
	if h == nil {
		return
	}
	r := recover()
	w.current = nil
	w.polling = false
	w.cx.waker = Waker{}
	if r == nil { // runtime.Goexit in a poll: let it unwind
		return
	}
	pe := newPanicError(r)
	pe.Task = h.name()
	if d := w.exec.det; d != nil {
		pe.Seed, pe.Deterministic = d.seed, true
	}
	if h.flags&flagJoinable == 0 {
		crash(pe)
	}
	h.join().panic = pe
	w.finish(h, stPanicked)
	if panicked != nil {
		*panicked = true
	}
}

// crash ends the process with pe, like an unrecovered panic in a
// goroutine. It panics on a fresh goroutine, so that nobody (not even
// Run's caller, whose goroutine is the worker in single-threaded mode)
// can recover it.
func crash(pe *PanicError) {
	go panic(pe)
	select {}
}

func (w *worker) cancelTask(h *header) {
	h.cancel()
	w.finish(h, stAborted)
}

// finish completes a running task.
func (w *worker) finish(h *header, outcome uint32) {
	e := w.exec
	h.complete(outcome)
	e.release(h)
	w.st.completed++
	if h.flags&flagMain != 0 {
		close(e.mainDone)
		if e.single {
			e.requestStop()
		}
	}
}

// localQueue is a worker's bounded run queue: a ring buffer that the owner
// pushes to and pops from, and that other workers steal half of. head is
// advanced by CAS (owner pop, steal); tail is written by the owner only.
type localQueue struct {
	head atomic.Uint32
	tail atomic.Uint32
	buf  [localCap]atomic.Pointer[header]
}

func (q *localQueue) len() int {
	h := q.head.Load()
	t := q.tail.Load()
	return int(t - h)
}

// push appends x (owner only); false when full.
func (q *localQueue) push(x *header) bool {
	h := q.head.Load()
	t := q.tail.Load()
	if t-h >= localCap {
		return false
	}
	q.buf[t%localCap].Store(x)
	q.tail.Store(t + 1)
	return true
}

// pop removes the oldest task (owner only).
func (q *localQueue) pop() *header {
	for {
		h := q.head.Load()
		t := q.tail.Load()
		if h == t {
			return nil
		}
		x := q.buf[h%localCap].Load()
		if q.head.CompareAndSwap(h, h+1) {
			return x
		}
	}
}

// popHalf removes the older half of the queue into out (owner only).
func (q *localQueue) popHalf(out []*header) int {
	for {
		h := q.head.Load()
		t := q.tail.Load()
		n := min((t-h)/2, uint32(len(out)))
		if n == 0 {
			return 0
		}
		for i := uint32(0); i < n; i++ {
			out[i] = q.buf[(h+i)%localCap].Load()
		}
		if q.head.CompareAndSwap(h, h+n) {
			return int(n)
		}
	}
}

// stealFrom moves half of v's tasks into q (q's owner only, q empty) and
// returns one of them.
func (q *localQueue) stealFrom(v *localQueue) *header {
	for {
		h := v.head.Load()
		t := v.tail.Load()
		n := t - h
		n -= n / 2
		if n == 0 {
			return nil
		}
		if n > localCap/2 {
			continue // inconsistent snapshot
		}
		qt := q.tail.Load()
		for i := uint32(0); i < n; i++ {
			q.buf[(qt+i)%localCap].Store(v.buf[(h+i)%localCap].Load())
		}
		if v.head.CompareAndSwap(h, h+n) {
			n--
			x := q.buf[(qt+n)%localCap].Load()
			if n > 0 {
				q.tail.Store(qt + n)
			}
			return x
		}
	}
}
