package rt

// Starting and stopping runtimes, and finding the current one.
//
// Spawning needs a runtime. The current runtime of a goroutine is, in order:
//
//  1. the runtime whose worker it is (code running in a task), or whose Run
//     main function it runs;
//  2. otherwise the most recently started Run that has not returned yet
//     (so goroutines started by Run's main spawn into it);
//  3. otherwise a process-wide default runtime with GOMAXPROCS workers,
//     started lazily by the first spawn outside any Run and never stopped,
//     so that ordinary code (tests, libraries, init) can spawn tasks.
//     Its idle workers are parked and cost no CPU.

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Option configures a runtime started by Run or RunFuture.
type Option func(*config)

type config struct {
	workers  int
	single   bool
	sched    bool // Workers, SingleThreaded or Deterministic was given
	det      bool
	seed     uint64
	grace    time.Duration
	blocking int
}

// ShutdownTimeout bounds the shutdown of a runtime by Run or RunFuture
// once the main function or task has ended. Shutdown stops the workers
// (each after its current poll), cancels every task still alive (its
// in-flight child first, then its deferred calls), aborts queued
// SpawnBlocking jobs and waits for running ones. With d > 0, Run returns
// after at most d even if a poll or a blocking job does not return; the
// rest of the shutdown then completes in the background. The default
// (d <= 0) waits as long as it takes.
func ShutdownTimeout(d time.Duration) Option {
	return func(c *config) { c.grace = d }
}

// BlockingThreads sets the maximum number of goroutines that run
// SpawnBlocking jobs at once (default 512).
func BlockingThreads(n int) Option {
	return func(c *config) { c.blocking = n }
}

// Workers sets the number of worker goroutines polling tasks (default
// runtime.GOMAXPROCS(0)). n < 1 means the default.
func Workers(n int) Option {
	return func(c *config) { c.workers, c.sched = n, true }
}

// SingleThreaded makes the goroutine that calls Run or RunFuture the only
// worker: it polls every task itself. With RunFuture, everything (the main
// task included) runs on that goroutine. With Run, the main function is
// ordinary blocking code, so it runs on a goroutine of its own (where
// BlockOn is allowed) while the calling goroutine runs the tasks.
func SingleThreaded() Option {
	return func(c *config) { c.single, c.sched = true, true }
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if !c.sched && chaos != nil {
		// Chaos mode seeds the wake order too (see ChaosEnv).
		Deterministic(chaos.seed)(&c)
	}
	if c.single {
		c.workers = 1
	} else if c.workers < 1 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Run starts a runtime, calls main with it up, and shuts the runtime down
// when main returns: tasks still alive are cancelled (their futures'
// Cancel runs, never concurrently with a Poll), the workers exit, and Run
// returns. main runs on the calling goroutine (see SingleThreaded for the
// exception); it may spawn tasks and wait for them with BlockOn or Await.
// A panic in main propagates out of Run after the shutdown.
//
// Run must not be called from a task (it would stall a worker); it panics
// there. When main is an async func literal, asyncgen calls RunFuture with
// the literal's future instead.
//
//asyncgo:lower RunFuture
func Run(main func(), opts ...Option) {
	if onWorker() {
		panic("rt: Run called on a runtime worker: a task cannot start and wait for a runtime")
	}
	cfg := newConfig(opts)
	if cfg.det {
		runDet(main, cfg)
		return
	}
	e := newExecutor(cfg.workers, cfg.single)
	e.blockingMax = cfg.blocking
	pushActive(e)
	defer popActive(e)
	e.drv.runtimeStarted(e)
	defer e.drv.runtimeStopped(e)
	if !cfg.single {
		e.start()
		g, prev := registerG(gidEntry{exec: e})
		defer func() {
			deregisterG(g, prev)
			e.close(cfg.grace)
		}()
		main()
		return
	}
	var pe *PanicError
	done := make(chan struct{})
	go func() {
		g, prev := registerG(gidEntry{exec: e})
		defer func() {
			if r := recover(); r != nil {
				pe = newPanicError(r)
			}
			deregisterG(g, prev)
			close(done)
			e.requestStop()
		}()
		main()
	}()
	e.workers[0].run()
	<-done
	e.close(cfg.grace)
	if pe != nil {
		panic(pe)
	}
}

// RunFuture starts a runtime, runs f as its main task, and shuts the
// runtime down when f completes (like Run). A panic in the main task
// propagates out of RunFuture as a *PanicError carrying the value and the
// task's stack. Call it with the future's type, e.g.
// rt.RunFuture(MainAsync()), or with explicit [F] where inference fails.
func RunFuture[F any, PF PollablePtr[F]](f F, opts ...Option) {
	if onWorker() {
		panic("rt: RunFuture called on a runtime worker: a task cannot start and wait for a runtime")
	}
	cfg := newConfig(opts)
	var e *executor
	if cfg.det {
		e = newDetExecutor(cfg.seed)
		detRunning.Add(1)
		defer detRunning.Add(-1)
	} else {
		e = newExecutor(cfg.workers, cfg.single)
	}
	e.blockingMax = cfg.blocking
	pushActive(e)
	defer popActive(e)
	t := newMainTask[F, PF](f)
	e.bind(&t.header)
	if cfg.det {
		e.detRun()
		e.close(cfg.grace)
		if t.state.Load()&stPanicked != 0 {
			t.jh.js.panic.Deterministic, t.jh.js.panic.Seed = true, cfg.seed
			panic(t.jh.js.panic)
		}
		return
	}
	e.drv.runtimeStarted(e)
	defer e.drv.runtimeStopped(e)
	if cfg.single {
		e.workers[0].run()
	} else {
		e.start()
		<-e.mainDone
	}
	e.close(cfg.grace)
	if t.state.Load()&stPanicked != 0 {
		panic(t.jh.js.panic)
	}
}

// active is the stack of running Run calls (rule 2 above).
var active struct {
	mu    sync.Mutex
	stack []*executor
	top   atomic.Pointer[executor]
}

func pushActive(e *executor) {
	active.mu.Lock()
	active.stack = append(active.stack, e)
	active.top.Store(e)
	active.mu.Unlock()
}

func popActive(e *executor) {
	active.mu.Lock()
	defer active.mu.Unlock()
	for i := len(active.stack) - 1; i >= 0; i-- {
		if active.stack[i] == e {
			active.stack = append(active.stack[:i], active.stack[i+1:]...)
			break
		}
	}
	if n := len(active.stack); n > 0 {
		active.top.Store(active.stack[n-1])
	} else {
		active.top.Store(nil)
	}
}

var defaultRuntime struct {
	once sync.Once
	e    *executor
}

// defaultExecutor returns the process-wide runtime, starting it if needed.
func defaultExecutor() *executor {
	defaultRuntime.once.Do(func() {
		e := newExecutor(runtime.GOMAXPROCS(0), false)
		e.drv.runtimeStarted(e)
		e.start()
		defaultRuntime.e = e
	})
	return defaultRuntime.e
}

// currentExecutor returns the runtime new tasks go to (see the top of
// this file).
func currentExecutor() *executor {
	if g := currentG(); g.exec != nil {
		return g.exec
	}
	if e := active.top.Load(); e != nil {
		return e
	}
	return defaultExecutor()
}

// runDet is Run in deterministic mode: main runs on the calling goroutine,
// which also runs every task, inside main's blocking calls (det.go).
func runDet(main func(), cfg config) {
	e := newDetExecutor(cfg.seed)
	detRunning.Add(1)
	defer detRunning.Add(-1)
	e.blockingMax = cfg.blocking
	pushActive(e)
	defer popActive(e)
	e.det.g = getg()
	g, prev := registerG(gidEntry{exec: e, worker: e.workers[0]})
	var pe *PanicError
	func() {
		defer func() {
			if r := recover(); r != nil {
				var ok bool
				if pe, ok = r.(*PanicError); !ok {
					pe = newPanicError(r)
				}
			}
		}()
		main()
	}()
	deregisterG(g, prev)
	e.close(cfg.grace)
	if pe != nil {
		pe.Deterministic, pe.Seed = true, cfg.seed
		panic(pe)
	}
}
