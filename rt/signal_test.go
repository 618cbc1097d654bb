//go:build unix

package rt

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// Signal completes with the signal sent, from a task and from a plain
// goroutine, and cancelling it stops the delivery.
func TestSignal(t *testing.T) {
	// Never let a signal sent before the wait registered kill the test.
	guard := make(chan os.Signal, 16)
	signal.Notify(guard, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(guard)
	within(t, 10*time.Second, func() {
		Run(func() {
			h := SpawnFuture[signalResult, os.Signal](signalResult{SignalAsync(syscall.SIGUSR1)})
			// Keep sending until the task has registered and received.
			for h.Err() == nil && h.hdr().state.Load()&stComplete == 0 {
				syscall.Kill(os.Getpid(), syscall.SIGUSR1)
				time.Sleep(2 * time.Millisecond)
			}
			if got := Await[os.Signal](h); got != syscall.SIGUSR1 {
				t.Errorf("task got %v", got)
			}
		}, Workers(2))
		done := make(chan os.Signal, 1)
		go func() { done <- Signal(syscall.SIGUSR2) }()
		for {
			syscall.Kill(os.Getpid(), syscall.SIGUSR2)
			select {
			case got := <-done:
				if got != syscall.SIGUSR2 {
					t.Errorf("goroutine got %v", got)
				}
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	})
	f := SignalAsync(syscall.SIGUSR1)
	f.Poll(NewContext(Waker{}))
	f.Cancel()
	f.Cancel()
}

type signalResult struct{ f SignalFuture }

func (s *signalResult) Poll(cx *Context) bool { return s.f.Poll(cx) }
func (s *signalResult) Result() os.Signal     { return s.f.Result() }
func (s *signalResult) Cancel()               { s.f.Cancel() }

// NotifySignals catches a signal sent before anyone waits, keeps a signal
// that arrives while the only wait was cancelled, and Stop is idempotent.
func TestNotifySignals(t *testing.T) {
	guard := make(chan os.Signal, 16)
	signal.Notify(guard, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(guard)
	sigs := NotifySignals(syscall.SIGUSR1, syscall.SIGUSR2)
	defer sigs.Stop()
	within(t, 10*time.Second, func() {
		// Sent before any Wait: kept for the first one.
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		if got := sigs.Wait(); got != syscall.SIGUSR1 {
			t.Errorf("first Wait got %v", got)
		}
		// A wait polled and cancelled, then a signal: the next Wait gets it.
		f := sigs.WaitAsync()
		if f.Poll(NewContext(Waker{})) {
			t.Fatal("Wait completed with no signal pending")
		}
		f.Cancel()
		syscall.Kill(os.Getpid(), syscall.SIGUSR2)
		Run(func() {
			if got := sigs.Wait(); got != syscall.SIGUSR2 {
				t.Errorf("Wait after a cancelled wait got %v", got)
			}
		}, Workers(1))
	})
	sigs.Stop()
	sigs.Stop()
}
