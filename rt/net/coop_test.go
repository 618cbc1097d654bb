//go:build linux

package net

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// The cooperative budget (rt.Context.Proceed) in rt/net: a task that reads
// a stream whose data is always available never suspends for real, yet it
// must be preempted so that the other task on its worker makes progress.

// coopStepper yields until it was polled steps times, then sets stop.
type coopStepper struct {
	steps, n int
	stop     *atomic.Bool
}

func (f *coopStepper) Poll(cx *rt.Context) bool {
	if f.n++; f.n < f.steps {
		cx.Waker().Wake()
		return false
	}
	f.stop.Store(true)
	return true
}
func (f *coopStepper) Cancel() {}

// coopReader is `for !stop { s.Read(buf[:1]) }` (or WaitReadable then
// Read), giving up after limit reads.
type coopReader struct {
	s       *TCPStream
	wait    bool // await WaitReadable before each read
	stop    *atomic.Bool
	gaveUp  *atomic.Bool
	limit   int
	n       int
	state   int
	buf     [1]byte
	rd      TCPStreamReadFuture
	wr      TCPStreamWaitReadableFuture
	readErr error
}

func (f *coopReader) Poll(cx *rt.Context) bool {
	for !f.stop.Load() {
		switch f.state {
		case 0:
			if f.n++; f.n > f.limit {
				f.gaveUp.Store(true)
				return true
			}
			if f.wait {
				f.wr = f.s.WaitReadableAsync()
				f.state = 1
			} else {
				f.rd = f.s.ReadAsync(f.buf[:])
				f.state = 2
			}
		case 1:
			if !f.wr.Poll(cx) {
				return false
			}
			if err := f.wr.Result(); err != nil {
				f.readErr = err
				return true
			}
			f.rd = f.s.ReadAsync(f.buf[:])
			f.state = 2
		case 2:
			if !f.rd.Poll(cx) {
				return false
			}
			if _, err := f.rd.Result(); err != nil {
				f.readErr = err
				return true
			}
			f.state = 0
		}
	}
	return true
}
func (f *coopReader) Cancel() { f.rd.Cancel(); f.wr.Cancel() }

// coopMain spawns the reader, then the stepper, and waits for both.
type coopMain struct {
	r       coopReader
	st      coopStepper
	started bool
	hs      [2]*rt.JoinHandle[struct{}]
}

type unitFuture[F any, PF rt.PollablePtr[F]] struct{ f F }

func (u *unitFuture[F, PF]) Poll(cx *rt.Context) bool { return PF(&u.f).Poll(cx) }
func (u *unitFuture[F, PF]) Result() struct{}         { return struct{}{} }
func (u *unitFuture[F, PF]) Cancel()                  { PF(&u.f).Cancel() }

func (m *coopMain) Poll(cx *rt.Context) bool {
	if !m.started {
		m.started = true
		m.hs[0] = rt.SpawnFuture[unitFuture[coopReader, *coopReader], struct{}](unitFuture[coopReader, *coopReader]{f: m.r})
		m.hs[1] = rt.SpawnFuture[unitFuture[coopStepper, *coopStepper], struct{}](unitFuture[coopStepper, *coopStepper]{f: m.st})
	}
	for _, h := range m.hs {
		if !h.Poll(cx) {
			return false
		}
	}
	return true
}
func (m *coopMain) Cancel() {}

// TestCoopBudgetReadyReads: a task reading one byte at a time from a
// stream with 32 KiB buffered (every read completes at once) is preempted
// so that a second task on the same (single) worker runs. Without the
// budget the reader would consume limit bytes in one Poll first.
func TestCoopBudgetReadyReads(t *testing.T) {
	for _, wait := range []bool{false, true} {
		client, server := pair(t)
		const size = 32 << 10
		if err := client.WriteAll(make([]byte, size)); err != nil {
			t.Fatal(err)
		}
		// Let the bytes reach the server's receive buffer (loopback).
		time.Sleep(20 * time.Millisecond)
		var stop, gaveUp atomic.Bool
		m := coopMain{
			r:  coopReader{s: server, wait: wait, stop: &stop, gaveUp: &gaveUp, limit: size / 2},
			st: coopStepper{steps: 10, stop: &stop},
		}
		within(t, 30*time.Second, "coop reads", func() { rt.RunFuture(m, rt.SingleThreaded()) })
		if gaveUp.Load() {
			t.Fatalf("wait=%v: the other task made no progress during %d ready reads: no cooperative preemption", wait, size/2)
		}
		if !stop.Load() {
			t.Fatalf("wait=%v: the stepper did not finish", wait)
		}
	}
}
