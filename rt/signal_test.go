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
