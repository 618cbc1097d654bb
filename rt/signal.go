package rt

import (
	"os"
	"os/signal"
	"sync"
)

// Signal waits until the process receives one of sigs and returns it: the
// async form of signal.Notify, for graceful shutdown of servers:
//
//	rt.GoFuture(...serve...)
//	rt.Signal(syscall.SIGINT, syscall.SIGTERM) // suspends the task
//	// stop accepting, let Run's shutdown cancel the rest
//
// While the wait is pending (from its first Poll until it completes or is
// cancelled) the signals are delivered to it instead of their default
// action; afterwards the default action is restored unless other
// signal.Notify registrations exist. With no sigs, it waits for any
// signal (as signal.Notify does).
//
//asyncgo:async
func Signal(sigs ...os.Signal) os.Signal {
	f := SignalAsync(sigs...)
	BlockOn(&f)
	return f.Result()
}

// SignalAsync returns the future of Signal. Nothing is registered until
// its first Poll.
func SignalAsync(sigs ...os.Signal) SignalFuture { return SignalFuture{sigs: sigs} }

// SignalFuture is the future of Signal: a Signals registration made at
// its first Poll, waited on once, and stopped when the wait ends.
type SignalFuture struct {
	sigs []os.Signal
	s    *Signals
	wait SignalsWaitFuture
	got  os.Signal
	done bool
}

// Poll registers the wait on its first call and completes when one of
// the signals arrived.
func (f *SignalFuture) Poll(cx *Context) bool {
	if f.done {
		return true
	}
	if f.s == nil {
		f.s = NotifySignals(f.sigs...)
		f.wait = f.s.WaitAsync()
	}
	if !f.wait.Poll(cx) {
		return false
	}
	f.got = f.wait.Result()
	f.release()
	return true
}

// Result returns the signal received.
func (f *SignalFuture) Result() os.Signal { return f.got }

// Cancel stops waiting and restores the signals' previous handling.
// Idempotent.
func (f *SignalFuture) Cancel() {
	if !f.done {
		f.wait.Cancel()
		f.release()
	}
}

func (f *SignalFuture) release() {
	f.done = true
	if f.s != nil {
		f.s.Stop()
	}
}

// signalWait bridges os/signal's channel to a waker: one goroutine per
// registration (signal waits are rare and long).
type signalWait struct {
	ch   chan os.Signal
	stop chan struct{}

	mu      sync.Mutex
	waker   Waker
	pending []os.Signal // received, not yet waited for
	stopped bool        // Stop was called
}

// Signals is a registration for OS signals made at once, for servers that
// must not miss a signal sent right after they announce readiness (a
// Signal wait registers only at its first Poll):
//
//	sigs := rt.NotifySignals(syscall.SIGINT, syscall.SIGTERM)
//	defer sigs.Stop()
//	fmt.Println("listening on", ln.Addr()) // a SIGTERM from now on is caught
//	...
//	sig := sigs.Wait() // in async code: suspends the task
//
// From NotifySignals until Stop the signals are delivered to it instead of
// their default action; signals that arrive while nobody waits are kept,
// in order, for the next Wait. One task waits at a time.
type Signals struct {
	w *signalWait
}

// NotifySignals registers for sigs (all signals if none) and returns the
// registration.
func NotifySignals(sigs ...os.Signal) *Signals {
	w := &signalWait{ch: make(chan os.Signal, 8), stop: make(chan struct{})}
	signal.Notify(w.ch, sigs...)
	go w.queue()
	return &Signals{w: w}
}

// queue moves signals from os/signal's channel to the pending list until
// Stop.
func (s *signalWait) queue() {
	for {
		select {
		case sig := <-s.ch:
			s.mu.Lock()
			s.pending = append(s.pending, sig)
			w := s.waker
			s.waker = Waker{}
			s.mu.Unlock()
			w.Wake()
		case <-s.stop:
			return
		}
	}
}

// Wait returns the next signal received (at once if one arrived since the
// last Wait). Cancelling a Wait loses no signal.
//
//asyncgo:async
func (s *Signals) Wait() os.Signal {
	f := s.WaitAsync()
	BlockOn(&f)
	return f.Result()
}

// WaitAsync returns the future of Wait.
func (s *Signals) WaitAsync() SignalsWaitFuture { return SignalsWaitFuture{s: s} }

// SignalsWaitFuture is the future of (*Signals).Wait.
type SignalsWaitFuture struct {
	s   *Signals
	got os.Signal
}

// Poll completes with the oldest pending signal.
func (f *SignalsWaitFuture) Poll(cx *Context) bool {
	if f.got != nil {
		return true
	}
	w := f.s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) > 0 {
		f.got = w.pending[0]
		w.pending = w.pending[1:]
		return true
	}
	if !w.waker.WillWake(cx.Waker()) {
		w.waker = cx.Waker()
	}
	return false
}

// Result returns the signal received.
func (f *SignalsWaitFuture) Result() os.Signal { return f.got }

// Cancel stops waiting; a signal that arrives later stays pending.
func (f *SignalsWaitFuture) Cancel() {
	if f.s == nil {
		return
	}
	w := f.s.w
	w.mu.Lock()
	w.waker = Waker{}
	w.mu.Unlock()
}

// Stop ends the registration and restores the signals' previous handling.
// Idempotent.
func (s *Signals) Stop() {
	s.w.mu.Lock()
	stopped := s.w.stopped
	s.w.stopped = true
	s.w.mu.Unlock()
	if !stopped {
		signal.Stop(s.w.ch)
		close(s.w.stop)
	}
}
