package rt

// The blocking pool: SpawnBlocking runs blocking work (file I/O, DNS, cgo,
// CPU-heavy loops) on a bounded set of goroutines, so it never stalls a
// worker. Each runtime has its own pool, created on first use; goroutines
// are started on demand up to the limit (option BlockingThreads) and exit
// after blockingKeepAlive without work, or when the runtime shuts down.
// Jobs beyond the limit wait in a FIFO queue.

import (
	"sync"
	"time"
)

const (
	defaultBlockingThreads = 512
	blockingKeepAlive      = 10 * time.Second
)

// SpawnBlocking runs f on the current runtime's pool of blocking
// goroutines and returns a handle to its result (await it from a task
// with Await). At most BlockingThreads jobs run at once; the others wait
// their turn. A panic in f is re-raised in whoever awaits the handle.
// Abort cancels a job that has not started yet; a running job cannot be
// stopped: Abort then only detaches it (see Spawn). At shutdown, Run waits
// for running jobs within the grace period (ShutdownTimeout) and aborts
// the queued ones.
func SpawnBlocking[T any](f func() T) *JoinHandle[T] {
	t := newGoTask[T]()
	job := func() {
		if t.state.Load()&stComplete != 0 {
			return // aborted before it started
		}
		ok := false
		defer func() {
			if ok {
				return
			}
			r := recover()
			if r == nil {
				t.complete(stAborted)
				return
			}
			pe := newPanicError(r)
			t.jh.js.panic = pe
			if !t.complete(stPanicked) {
				panic(pe)
			}
		}()
		t.res = f()
		ok = true
		t.complete(0)
	}
	if !currentExecutor().blockingPool().submit(job, &t.header) {
		t.complete(stAborted)
	}
	return &t.jh
}

// blockingPool is a bounded, lazily grown set of goroutines.
type blockingPool struct {
	max int

	mu      sync.Mutex
	queue   []blockingJob
	threads int
	idle    int
	closed  bool
	wakeup  chan struct{} // one token per idle goroutine told to look again
	done    chan struct{} // closed at shutdown
	running sync.WaitGroup
}

type blockingJob struct {
	run func()
	h   *header
}

func newBlockingPool(max int) *blockingPool {
	if max < 1 {
		max = defaultBlockingThreads
	}
	return &blockingPool{max: max, wakeup: make(chan struct{}, max), done: make(chan struct{})}
}

// blockingPool returns e's pool, creating it on first use.
func (e *executor) blockingPool() *blockingPool {
	e.blockingOnce.Do(func() { e.blocking = newBlockingPool(e.blockingMax) })
	return e.blocking
}

// submit queues run; false if the pool is shut down.
func (p *blockingPool) submit(run func(), h *header) bool {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return false
	}
	p.queue = append(p.queue, blockingJob{run, h})
	switch {
	case p.idle > 0:
		p.idle--
		p.wakeup <- struct{}{} // under the lock: a timing-out goroutine sees it
	case p.threads < p.max:
		p.threads++
		p.running.Add(1)
		go p.loop()
	}
	p.mu.Unlock()
	return true
}

// loop is the body of a pool goroutine.
func (p *blockingPool) loop() {
	defer p.running.Done()
	timer := time.NewTimer(blockingKeepAlive)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if len(p.queue) > 0 {
			job := p.queue[0]
			p.queue[0] = blockingJob{}
			p.queue = p.queue[1:]
			p.mu.Unlock()
			job.run()
			continue
		}
		if p.closed {
			p.threads--
			p.mu.Unlock()
			return
		}
		p.idle++
		p.mu.Unlock()
		timer.Reset(blockingKeepAlive)
		select {
		case <-p.wakeup:
			continue
		case <-p.done:
			// closed: loop around to exit (idle was reset by close)
			continue
		case <-timer.C:
		}
		p.mu.Lock()
		select {
		case <-p.wakeup: // a submitter counted on us after all
			p.mu.Unlock()
			continue
		default:
		}
		if p.closed {
			p.mu.Unlock()
			continue
		}
		p.idle--
		p.threads--
		p.mu.Unlock()
		return
	}
}

// close stops accepting jobs, aborts the queued ones and lets idle
// goroutines exit. wait then waits for the running jobs.
func (p *blockingPool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	q := p.queue
	p.queue = nil
	p.idle = 0
	close(p.done)
	p.mu.Unlock()
	for _, j := range q {
		j.h.complete(stAborted)
	}
}

func (p *blockingPool) wait() { p.running.Wait() }

// stats returns the number of goroutines and of queued jobs.
func (p *blockingPool) stats() (threads, queued int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.threads, len(p.queue)
}
