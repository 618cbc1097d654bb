//go:build linux

package net

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
)

// waitWoken waits until w has been woken at least once.
func waitWoken(t *testing.T, w *countWaker) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); w.n.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("waker not woken")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWaitReadableHoldsNoBuffer(t *testing.T) {
	c, s := pair(t)
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	if n, err := c.TryRead(make([]byte, 8)); n != 0 || err != ErrWouldBlock {
		t.Fatalf("TryRead with nothing to read = %d, %v; want ErrWouldBlock", n, err)
	}
	f := c.WaitReadableAsync()
	if f.Poll(cx) {
		t.Fatal("WaitReadable completed with nothing to read")
	}
	s.WriteAll([]byte("wake"))
	waitWoken(t, w)
	if !f.Poll(cx) || f.Result() != nil {
		t.Fatalf("WaitReadable after data: %v", f.Result())
	}
	buf := GetBuffer(4096)
	n, err := c.TryRead(buf)
	if err != nil || string(buf[:n]) != "wake" {
		t.Fatalf("TryRead = %q, %v", buf[:n], err)
	}
	PutBuffer(buf)
	// Drained: TryRead says so and clears the readiness, so the next
	// WaitReadable really waits.
	if _, err := c.TryRead(make([]byte, 8)); err != ErrWouldBlock {
		t.Fatalf("TryRead when drained = %v", err)
	}
	w.n.Store(0)
	f = c.WaitReadableAsync()
	if f.Poll(cx) {
		t.Fatal("WaitReadable completed on a drained stream")
	}
	s.CloseWrite()
	waitWoken(t, w)
	if !f.Poll(cx) || f.Result() != nil {
		t.Fatal("WaitReadable did not report end of stream")
	}
	if _, err := c.TryRead(make([]byte, 8)); err != io.EOF {
		t.Fatalf("TryRead at end = %v, want EOF", err)
	}
	// Close wakes a goroutine blocked in WaitReadable.
	c2, _ := pair(t)
	done := make(chan error, 1)
	go func() { done <- c2.WaitReadable() }()
	time.Sleep(20 * time.Millisecond)
	c2.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("WaitReadable after Close = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake WaitReadable")
	}
	if _, err := c2.TryRead(make([]byte, 1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryRead after Close = %v", err)
	}
}

// The pattern of the package documentation, end to end: a server whose
// idle connections hold no buffer.
func TestPooledEchoServer(t *testing.T) {
	c, s := pair(t)
	go func() {
		for {
			if err := s.WaitReadable(); err != nil {
				return
			}
			buf := GetBuffer(2048)
			n, err := s.TryRead(buf)
			if err == ErrWouldBlock {
				PutBuffer(buf)
				continue
			}
			if err != nil {
				PutBuffer(buf)
				s.Close()
				return
			}
			err = s.WriteAll(buf[:n])
			PutBuffer(buf)
			if err != nil {
				return
			}
		}
	}()
	within(t, 10*time.Second, "pooled echo", func() {
		for i := range 50 {
			msg := []byte{byte(i), 'x', byte(i)}
			c.WriteAll(msg)
			got := make([]byte, 3)
			if _, err := c.ReadFull(got); err != nil || string(got) != string(msg) {
				t.Errorf("echo %d: %q %v", i, got, err)
				return
			}
		}
		c.CloseWrite()
		if _, err := c.ReadFull(make([]byte, 1)); err != io.EOF {
			t.Errorf("after CloseWrite: %v", err)
		}
	})
}

func TestBufferPool(t *testing.T) {
	for _, tc := range []struct{ size, cap int }{
		{0, 512}, {1, 512}, {512, 512}, {513, 1024}, {4096, 4096}, {5000, 8192}, {64 << 10, 64 << 10}, {64<<10 + 1, 64<<10 + 1},
	} {
		b := GetBuffer(tc.size)
		if len(b) != tc.size || cap(b) != tc.cap {
			t.Errorf("GetBuffer(%d): len %d cap %d, want cap %d", tc.size, len(b), cap(b), tc.cap)
		}
		PutBuffer(b)
	}
	PutBuffer(make([]byte, 100))  // ignored: not a class size
	PutBuffer(make([]byte, 3000)) // ignored
	PutBuffer(nil)
	if raceEnabled {
		return // the race detector makes sync.Pool drop items at random
	}
	b := GetBuffer(1000)
	p := unsafe.SliceData(b)
	PutBuffer(b)
	if b2 := GetBuffer(700); unsafe.SliceData(b2) != p {
		t.Log("pool did not return the same buffer (GC in between?)")
	} else {
		PutBuffer(b2)
	}
	if a := testing.AllocsPerRun(1000, func() { PutBuffer(GetBuffer(4096)) }); a != 0 {
		t.Errorf("GetBuffer+PutBuffer: %v allocs, want 0", a)
	}
}

// bufferUser borrows a buffer, marks it, suspends once (so that other
// tasks run on the same worker meanwhile), checks that nobody else wrote
// to it, and gives it back; rounds times.
type bufferUser struct {
	id, rounds int
	buf        []byte
	err        error
}

func (f *bufferUser) Poll(cx *rt.Context) bool {
	for f.rounds > 0 {
		if f.buf == nil {
			f.buf = GetBuffer(1000 + f.id%3*2000) // three classes
			for i := range f.buf {
				f.buf[i] = byte(f.id)
			}
			cx.Waker().Wake()
			return false
		}
		for i, c := range f.buf {
			if c != byte(f.id) {
				f.err = fmt.Errorf("task %d: byte %d of its buffer changed to %d while it held it", f.id, i, c)
				return true
			}
		}
		PutBuffer(f.buf)
		f.buf = nil
		f.rounds--
	}
	return true
}

func (f *bufferUser) Result() error { return f.err }
func (f *bufferUser) Cancel()       {}

// bufferUsers spawns n bufferUsers and joins them.
type bufferUsers struct {
	n int
	joinAll
}

func (f *bufferUsers) Poll(cx *rt.Context) bool {
	if f.hs == nil {
		for i := range f.n {
			f.hs = append(f.hs, rt.SpawnFuture[bufferUser, error](bufferUser{id: i, rounds: 300}))
		}
	}
	return f.poll(cx)
}

func (f *bufferUsers) Cancel() {}

// bufferUsersRef lets the test read the result after RunFuture returns.
type bufferUsersRef struct{ f *bufferUsers }

func (r *bufferUsersRef) Poll(cx *rt.Context) bool { return r.f.Poll(cx) }
func (r *bufferUsersRef) Cancel()                  {}

// TestBufferPoolOnWorkers has tasks on two workers borrow and return
// buffers concurrently, each suspending while it holds one (and possibly
// resuming on the other worker): a buffer must never be handed to two
// holders at once, and under -race no access may race.
func TestBufferPoolOnWorkers(t *testing.T) {
	for _, opts := range [][]rt.Option{{rt.Workers(2)}, {rt.SingleThreaded()}} {
		f := &bufferUsers{n: 64}
		within(t, 30*time.Second, "buffer users", func() { rt.RunFuture(bufferUsersRef{f}, opts...) })
		if f.next != f.n {
			t.Fatalf("joined %d of %d tasks", f.next, f.n)
		}
		for _, err := range f.errs {
			t.Error(err)
		}
	}
}
