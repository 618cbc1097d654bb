package rt

// The executor.
//
// N workers (goroutines; in single-threaded mode the goroutine that called
// Run is the only one) poll tasks. Each worker has
//
//   - a LIFO slot: a task woken or spawned by the task running on that
//     worker is run next, on the same worker (message passing between two
//     tasks stays on one worker and in cache). At most maxLIFOPolls tasks
//     in a row come from the slot; then the slot's task goes to the back of
//     the local queue, so a ping-pong pair cannot starve the queue.
//   - a bounded local run queue (ring buffer; the owner pushes and pops,
//     others steal half of it when they are idle). On overflow half of it
//     moves to the injection queue. A busy worker's driver turn takes no
//     more I/O events than the queue has room for (driver.go), so events
//     do not overflow it.
//
// and all workers share the injection queue (a locked intrusive list),
// where wakes and spawns from goroutines that are not workers (the
// fallback poller, BlockOn goroutines, another runtime's driver holder)
// land. Every globalCheckInterval-th
// task a worker looks at the injection queue first, so it is not starved
// by busy local queues.
//
// Idle workers search (steal from the others, take from the injection
// queue) once, then park: one of them in the I/O and timer driver (it
// waits in epoll_wait until an event, the next timer or an unpark, and
// runs what they wake itself), the others on their own channel (see
// driver.go for the protocol). A producer that queues a
// task unparks at most one worker, and only when no worker is searching
// already; a searcher that finds work while it was the last searcher
// unparks the next one. Work spreads out one worker at a time, without a
// thundering herd and without spinning. No wake-up is lost: a worker
// registers as idle before re-checking every queue, and a producer queues
// before looking for idle (or searching) workers, so one of the two sees
// the other (Go's atomics are sequentially consistent).
//
// Waking helpers. Unparking a worker goroutine is not cheap in Go: the
// channel send readies it on the waker's P, the Go scheduler wakes an idle
// thread (a futex), which spins, sleeps a few microseconds before it may
// steal from a running P, and steals; about as much CPU as serving a short
// request. So the tasks a blocking driver turn wakes (I/O events, timers)
// do not unpark a helper while they are queued: after the turn, the
// worker wakes one at once only if helpBatch tasks wait in its queue, and
// otherwise only if some are still waiting after helpDelay, checked
// between its polls. A few short I/O-woken tasks are run by the worker
// that received their events, with no cross-thread hand-off at all; a
// batch, or a backlog that does not drain, still spreads out. A task stuck
// behind one long poll waits at most about monitorInterval: nobody turns
// the driver meanwhile (an idle worker that would take it sees the queued
// task and steals it instead), so the fallback poller's watch turns it and
// hands it to an idle worker (driver.go), which steals the task. Spawns
// and wakes from running tasks unpark helpers as described above.
//
// Shutdown: every live task is also in the executor's list of owned tasks
// (sharded, intrusive). When the main function or task ends, the workers
// are told to stop and waited for; then, with no worker left, the Run
// goroutine closes the list (later spawns are cancelled at once), calls
// Cancel on each remaining task and completes it as aborted, waking its
// joiner; then the blocking pool is closed (queued jobs aborted, running
// ones waited for). The whole is bounded by ShutdownTimeout if set (see
// executor.close). Wakes after that point are dropped.

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

const (
	maxLIFOPolls        = 3
	globalCheckInterval = 61
	ownedShards         = 16
)

type executor struct {
	workers []*worker
	single  bool

	inject injectQueue

	// Idle workers.
	idleMu    sync.Mutex
	idle      []*worker
	numIdle   atomic.Int32
	searching atomic.Int32
	unparks   atomic.Uint64 // statistics, for tests

	stopping     atomic.Bool // workers exit
	graceExpired atomic.Bool // close returned before everything ended
	closed       atomic.Bool // no more scheduling: wakes and spawns are dropped

	owned [ownedShards]ownedShard

	wg       sync.WaitGroup // worker goroutines
	mainDone chan struct{}  // closed when the main task completes

	// Time and I/O: the global driver, its wheel and clock; in a
	// deterministic runtime drv is nil and wheel/clk are virtual.
	drv   *ioDriver
	wheel *timerWheel
	clk   clock
	det   *detState // non-nil in deterministic mode

	blockingOnce sync.Once
	blocking     *blockingPool
	blockingMax  int

	// Statistics flushed by the workers (see stats.go).
	stats execStats
}

func newExecutor(n int, single bool) *executor {
	e := &executor{single: single, mainDone: make(chan struct{})}
	e.drv = globalDriver()
	e.wheel = e.drv.wheel
	e.clk = e.drv.clk
	e.workers = make([]*worker, n)
	for i := range e.workers {
		e.workers[i] = &worker{
			exec: e,
			id:   i,
			park: make(chan struct{}, 1),
			rng:  uint32(i)*2654435761 + 1,
		}
		e.workers[i].cx.timers = e.wheel
	}
	return e
}

// start launches the worker goroutines (all of them, or none in
// single-threaded mode, where the caller runs worker 0 itself).
func (e *executor) start() {
	if e.single {
		return
	}
	for _, w := range e.workers {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			w.run()
		}()
	}
}

// schedule queues a notified task: into the LIFO slot when called on one
// of e's workers, otherwise into the injection queue.
func (e *executor) schedule(h *header) {
	if e.closed.Load() {
		return
	}
	if e.det != nil {
		e.det.push(h)
		return
	}
	if w := currentWorker(); w != nil && w.exec == e {
		w.st.wakeups++
		w.pushLIFO(h)
		return
	}
	e.stats.wakeups.Add(1)
	if e.inject.push(h) {
		e.notifyOne()
	}
}

// wakeFrom wakes ws, the wakers an I/O driver turn collected, and clears
// them. w is the worker that turned the driver (nil: not a worker): a task
// of its own runtime is queued on it directly, as schedule would after
// finding w by its goroutine, without that look-up.
func wakeFrom(w *worker, ws []Waker) {
	for i, wk := range ws {
		ws[i] = Waker{}
		if h, ok := wk.target.(*header); ok && w != nil && h.exec == w.exec && w.exec.det == nil {
			if h.transitionToNotified() && !w.exec.closed.Load() {
				w.st.wakeups++
				w.pushLIFO(h)
			}
			continue
		}
		wk.Wake()
	}
}

// notifyOne unparks one idle worker if there is one and nobody searches,
// preferring a worker that is not parked in the driver.
func (e *executor) notifyOne() {
	if e.searching.Load() != 0 || e.numIdle.Load() == 0 {
		return
	}
	e.idleMu.Lock()
	if e.searching.Load() != 0 || len(e.idle) == 0 {
		e.idleMu.Unlock()
		return
	}
	// The most recently parked worker, but not the one parked in the
	// driver if another is idle: the driver holder stays in epoll_wait
	// (see driver.go).
	i := len(e.idle) - 1
	for j := i; j >= 0; j-- {
		if !e.idle[j].driving.Load() {
			i = j
			break
		}
	}
	w := e.idle[i]
	e.idle = append(e.idle[:i], e.idle[i+1:]...)
	e.numIdle.Add(-1)
	e.searching.Add(1) // w wakes up searching
	e.idleMu.Unlock()
	e.unparks.Add(1)
	e.unpark(w)
}

// unpark wakes w, which the caller has just taken out of the idle list
// (the parking protocol is described in driver.go): the token on its
// channel, and the driver's eventfd only if w may be parked in the driver.
func (e *executor) unpark(w *worker) {
	w.unparked.Store(true)
	w.park <- struct{}{}
	if w.driving.Load() {
		e.drv.drv.unpark()
	}
}

// addIdle records w as parked; removeIdle takes it back if nobody
// unparked it meanwhile.
func (e *executor) addIdle(w *worker) {
	e.idleMu.Lock()
	e.idle = append(e.idle, w)
	e.numIdle.Add(1)
	e.idleMu.Unlock()
}

func (e *executor) removeIdle(w *worker) bool {
	e.idleMu.Lock()
	defer e.idleMu.Unlock()
	for i, x := range e.idle {
		if x == w {
			e.idle = append(e.idle[:i], e.idle[i+1:]...)
			e.numIdle.Add(-1)
			return true
		}
	}
	return false
}

// hasWork reports whether any queue holds a task (used before parking).
func (e *executor) hasWork() bool {
	if e.inject.len.Load() != 0 {
		return true
	}
	for _, w := range e.workers {
		if w.local.len() != 0 {
			return true
		}
	}
	return false
}

// requestStop makes every worker exit its loop after its current task.
func (e *executor) requestStop() {
	e.stopping.Store(true)
	e.idleMu.Lock()
	idle := e.idle
	e.idle = nil
	e.numIdle.Store(0)
	e.searching.Add(int32(len(idle))) // unparked workers count as searching
	e.idleMu.Unlock()
	for _, w := range idle {
		e.unpark(w)
	}
}

// stop makes every worker exit and waits for them (multi-threaded mode).
func (e *executor) stop() {
	e.requestStop()
	e.wg.Wait()
}

// close ends the runtime once its main task or function is done: the
// workers stop after their current poll, the tasks still alive are
// cancelled (shutdown), queued blocking jobs are aborted and running ones
// waited for. With grace > 0 close returns after at most grace; whatever
// is still running then (a poll or a blocking job that does not return)
// is finished in the background: the remaining tasks are cancelled as
// soon as the last worker has stopped.
func (e *executor) close(grace time.Duration) {
	finish := func() {
		e.stop()
		e.shutdown()
		p := e.blockingPool()
		p.close()
		p.wait()
	}
	if grace <= 0 {
		finish()
		return
	}
	done := make(chan struct{})
	go func() {
		finish()
		close(done)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		e.graceExpired.Store(true)
	}
}

// shutdown is called on the Run goroutine once no worker polls any more:
// it cancels every live task (Cancel runs here, never concurrently with a
// Poll) and completes it as aborted.
func (e *executor) shutdown() {
	e.closed.Store(true)
	var all []*header
	for i := range e.owned {
		all = append(all, e.owned[i].close()...)
	}
	// Queued tasks that never parked are only in the queues.
	for h := e.inject.close(); h != nil; {
		n := h.next
		h.next = nil
		all = append(all, h)
		h = n
	}
	for _, w := range e.workers {
		if w.lifo != nil {
			all = append(all, w.lifo)
			w.lifo = nil
		}
		for h := w.local.pop(); h != nil; h = w.local.pop() {
			all = append(all, h)
		}
	}
	if d := e.det; d != nil {
		all = append(all, d.close()...)
	}
	for _, h := range all {
		// A task both parked and queued is listed twice: cancel it once.
		if h.state.Load()&stComplete != 0 {
			continue
		}
		h.cancel()
		h.complete(stAborted)
		e.stats.completed.Add(1)
	}
}

// spawn binds a new task to the current runtime (see currentExecutor),
// with one lookup of the calling goroutine.
func spawn(h *header) {
	g := currentG()
	e := g.exec
	if e == nil {
		e = currentExecutor()
	}
	e.bindFrom(h, g.worker)
}

// bind registers a new task with e and queues it.
func (e *executor) bind(h *header) { e.bindFrom(h, currentWorker()) }

// bindFrom is bind called on worker w (nil: not on a worker).
//
// A new task is only in a run queue; it enters the list of live tasks
// (owned) when it first parks (worker.runTask), so a task that completes
// on its first poll never takes the list's lock. Shutdown drains the queues
// as well as the list.
func (e *executor) bindFrom(h *header, w *worker) {
	h.exec = e
	h.state.Store(stNotified)
	if w != nil && w.exec == e && e.det == nil {
		// A running worker: the runtime is not shut down (shutdown
		// happens after every worker stopped).
		w.st.spawned++
		w.pushLIFO(h)
		return
	}
	e.stats.spawned.Add(1)
	var ok bool
	if e.det != nil {
		ok = e.det.push(h)
	} else {
		ok = e.inject.push(h)
	}
	if !ok {
		// The runtime is shut down: the task never runs.
		h.state.Store(stRunning)
		h.cancel()
		h.complete(stAborted)
		e.stats.completed.Add(1)
		return
	}
	if e.det == nil {
		e.notifyOne()
	}
}

func (e *executor) ownedShard(h *header) *ownedShard {
	return &e.owned[(uintptr(unsafe.Pointer(h))>>6)%ownedShards]
}

// release removes a completed task from the live list, if it entered it.
// Called by the worker that completed h (inList was last written under
// the state protocol's happens-before chain).
func (e *executor) release(h *header) {
	if h.inList {
		e.ownedShard(h).remove(h)
	}
}

// ownedShard is one part of the executor's list of live tasks (an
// intrusive doubly linked list), kept so shutdown can cancel them.
type ownedShard struct {
	mu     sync.Mutex
	head   *header
	closed bool
	_      [40]byte // keep shards on separate cache lines
}

func (s *ownedShard) add(h *header) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	h.inList = true
	h.onext = s.head
	if s.head != nil {
		s.head.prev = h
	}
	s.head = h
	return true
}

func (s *ownedShard) remove(h *header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !h.inList {
		return
	}
	if h.prev != nil {
		h.prev.onext = h.onext
	} else {
		s.head = h.onext
	}
	if h.onext != nil {
		h.onext.prev = h.prev
	}
	h.prev, h.onext, h.inList = nil, nil, false
}

func (s *ownedShard) close() []*header {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var all []*header
	for h := s.head; h != nil; {
		n := h.onext
		h.prev, h.onext, h.inList = nil, nil, false
		all = append(all, h)
		h = n
	}
	s.head = nil
	return all
}

// injectQueue is the shared FIFO of tasks queued from outside the workers.
type injectQueue struct {
	mu         sync.Mutex
	head, tail *header
	len        atomic.Int64
	closed     bool
}

// push appends h; false if the queue is closed (runtime shut down).
func (q *injectQueue) push(h *header) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	h.next = nil
	if q.tail == nil {
		q.head = h
	} else {
		q.tail.next = h
	}
	q.tail = h
	q.len.Add(1)
	q.mu.Unlock()
	return true
}

// pushBatch appends a linked chain first..last of n tasks.
func (q *injectQueue) pushBatch(first, last *header, n int) {
	q.mu.Lock()
	if q.tail == nil {
		q.head = first
	} else {
		q.tail.next = first
	}
	q.tail = last
	q.len.Add(int64(n))
	q.mu.Unlock()
}

// close closes the queue and returns its tasks as a chain.
func (q *injectQueue) close() *header {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	h := q.head
	q.head, q.tail = nil, nil
	q.len.Store(0)
	return h
}

// popN removes up to n tasks and returns them as a chain.
func (q *injectQueue) popN(n int) (*header, int) {
	if q.len.Load() == 0 {
		return nil, 0
	}
	q.mu.Lock()
	first := q.head
	got := 0
	var last *header
	for h := q.head; h != nil && got < n; h = h.next {
		last = h
		got++
	}
	if got == 0 {
		q.mu.Unlock()
		return nil, 0
	}
	q.head = last.next
	if q.head == nil {
		q.tail = nil
	}
	last.next = nil
	q.len.Add(int64(-got))
	q.mu.Unlock()
	return first, got
}
