package rt

import "sync/atomic"

// RuntimeStats is a snapshot of a runtime's counters, returned by Stats.
// Counters are cumulative since the runtime started. Workers publish
// their counters every few dozen tasks and whenever they park, so a
// snapshot of a busy runtime lags slightly behind; it is exact once the
// runtime is idle.
type RuntimeStats struct {
	// Workers is the number of worker goroutines.
	Workers int
	// LiveTasks is the number of tasks spawned and not yet completed.
	LiveTasks int
	// Spawned counts the tasks spawned (SpawnFuture, GoFuture, the main
	// task).
	Spawned uint64
	// Polls counts the calls of a task's Poll.
	Polls uint64
	// Steals counts the batches of tasks idle workers took from others.
	Steals uint64
	// Overflows counts the times a worker's local queue was full, so that
	// the older half of it moved to the injection queue.
	Overflows uint64
	// Parks counts the times a worker ran out of work and parked (on its
	// channel or in the driver).
	Parks uint64
	// Unparks counts the parked workers woken to run new work.
	Unparks uint64
	// Wakeups counts the wakes that made a task runnable (a wake of an
	// already runnable task is not counted).
	Wakeups uint64
	// DriverTurns and ReactorEvents count the turns of the process's I/O
	// driver and the I/O events it dispatched (process-wide figures,
	// shared by all runtimes).
	DriverTurns   uint64
	ReactorEvents uint64
	// TimersLive is the number of pending timers of the runtime's wheel;
	// TimersRegistered and TimersFired count registrations and firings.
	// Runtimes on the real clock share the process's wheel (so do
	// goroutines sleeping through the bridges): these are then
	// process-wide figures. A deterministic runtime has its own.
	TimersLive       int
	TimersRegistered uint64
	TimersFired      uint64
	// BlockingThreads and BlockingQueued describe the SpawnBlocking pool.
	BlockingThreads int
	BlockingQueued  int
}

// execStats are the published counters of an executor.
type execStats struct {
	spawned   atomic.Uint64
	completed atomic.Uint64
	polls     atomic.Uint64
	steals    atomic.Uint64
	overflows atomic.Uint64
	parks     atomic.Uint64
	wakeups   atomic.Uint64
}

// workerStats are a worker's private counters, published by flush.
type workerStats struct {
	polls, steals, overflows, parks, wakeups, spawned, completed uint64
}

// flushStats publishes w's counters (called by w's own goroutine).
func (w *worker) flushStats() {
	s := &w.exec.stats
	if w.st.polls != 0 {
		s.polls.Add(w.st.polls)
	}
	if w.st.steals != 0 {
		s.steals.Add(w.st.steals)
	}
	if w.st.overflows != 0 {
		s.overflows.Add(w.st.overflows)
	}
	if w.st.parks != 0 {
		s.parks.Add(w.st.parks)
	}
	if w.st.wakeups != 0 {
		s.wakeups.Add(w.st.wakeups)
	}
	if w.st.spawned != 0 {
		s.spawned.Add(w.st.spawned)
	}
	if w.st.completed != 0 {
		s.completed.Add(w.st.completed)
	}
	w.st = workerStats{}
}

// Stats returns the counters of the current runtime (the runtime of the
// calling task or Run, else the default runtime; see Spawn).
func Stats() RuntimeStats {
	return currentExecutor().snapshot()
}

func (e *executor) snapshot() RuntimeStats {
	st := RuntimeStats{
		Workers:   len(e.workers),
		Polls:     e.stats.polls.Load(),
		Steals:    e.stats.steals.Load(),
		Overflows: e.stats.overflows.Load(),
		Parks:     e.stats.parks.Load(),
		Unparks:   e.unparks.Load(),
		Wakeups:   e.stats.wakeups.Load(),
	}
	st.Spawned = e.stats.spawned.Load()
	if c := e.stats.completed.Load(); st.Spawned > c {
		st.LiveTasks = int(st.Spawned - c)
	}
	if d := e.drv; d != nil {
		st.DriverTurns = d.turns.Load()
		st.ReactorEvents = d.events.Load()
	}
	st.TimersLive = e.wheel.live()
	st.TimersRegistered = e.wheel.registeredTotal()
	st.TimersFired = e.wheel.firedTotal.Load()
	st.BlockingThreads, st.BlockingQueued = e.blockingPool().stats()
	return st
}
