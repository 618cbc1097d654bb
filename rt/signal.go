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

// SignalFuture is the future of Signal.
type SignalFuture struct {
	sigs []os.Signal
	w    *signalWait
	got  os.Signal
	done bool
}

// signalWait bridges os/signal's channel to a waker: one goroutine per
// pending wait (signal waits are rare and long).
type signalWait struct {
	ch   chan os.Signal
	stop chan struct{}

	mu    sync.Mutex
	waker Waker
	got   os.Signal
}

func (s *signalWait) forward() {
	select {
	case sig := <-s.ch:
		s.mu.Lock()
		s.got = sig
		w := s.waker
		s.waker = Waker{}
		s.mu.Unlock()
		w.Wake()
	case <-s.stop:
	}
}

// Poll registers the wait on its first call and completes when one of
// the signals arrived.
func (f *SignalFuture) Poll(cx *Context) bool {
	if f.done {
		return true
	}
	if f.w == nil {
		f.w = &signalWait{ch: make(chan os.Signal, 1), stop: make(chan struct{})}
		f.w.waker = cx.Waker()
		signal.Notify(f.w.ch, f.sigs...)
		go f.w.forward()
		return false
	}
	f.w.mu.Lock()
	got := f.w.got
	if got == nil && !f.w.waker.WillWake(cx.Waker()) {
		f.w.waker = cx.Waker()
	}
	f.w.mu.Unlock()
	if got == nil {
		return false
	}
	f.got = got
	f.release()
	return true
}

// Result returns the signal received.
func (f *SignalFuture) Result() os.Signal { return f.got }

// Cancel stops waiting and restores the signals' previous handling.
// Idempotent.
func (f *SignalFuture) Cancel() {
	if !f.done {
		f.release()
	}
}

func (f *SignalFuture) release() {
	f.done = true
	if f.w != nil {
		signal.Stop(f.w.ch)
		close(f.w.stop)
	}
}
