//go:build linux

package rt

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func socketpair(t *testing.T) (*Source, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSource(fds[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); unix.Close(fds[1]) })
	return s, fds[1]
}

// await runs op under the readiness protocol until it stops failing with
// EAGAIN, or fails the test after a timeout.
func await(t *testing.T, s *Source, i Interest, op func(fd int) error) error {
	t.Helper()
	w := newCountWaker()
	cx := NewContext(NewWaker(w))
	deadline := time.After(5 * time.Second)
	try := func() error {
		fd, err := s.Acquire()
		if err != nil {
			return err
		}
		defer s.Release()
		return op(fd)
	}
	for {
		ev, ok := s.PollReady(cx, i)
		if !ok {
			select {
			case <-w.ch:
				continue
			case <-deadline:
				t.Fatal("timed out waiting for readiness")
			}
		}
		if err := try(); err != unix.EAGAIN {
			return err
		}
		s.ClearReady(ev)
	}
}

func TestEpollReadWrite(t *testing.T) {
	s, peer := socketpair(t)
	buf := make([]byte, 64)
	got := make(chan int, 1)
	go func() {
		var n int
		await(t, s, Readable, func(fd int) (err error) { n, err = unix.Read(fd, buf); return })
		got <- n
	}()
	time.Sleep(20 * time.Millisecond) // let the reader park
	unix.Write(peer, []byte("hello"))
	select {
	case n := <-got:
		if string(buf[:n]) != "hello" {
			t.Fatalf("read %q", buf[:n])
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reader not woken")
	}
}

func TestEpollWriteWaitsForWritability(t *testing.T) {
	s, peer := socketpair(t)
	chunk := make([]byte, 64<<10)
	// Fill the buffer.
	fd, _ := s.Acquire()
	filled := 0
	for {
		n, err := unix.Write(fd, chunk)
		if err == unix.EAGAIN {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		filled += n
	}
	s.Release()
	done := make(chan error, 1)
	go func() {
		done <- await(t, s, Writable, func(fd int) error { _, err := unix.Write(fd, chunk[:1]); return err })
	}()
	select {
	case err := <-done:
		t.Fatalf("write on a full socket completed early: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	// Drain: the edge to writable must wake the writer.
	sink := make([]byte, 64<<10)
	for drained := 0; drained < filled; {
		n, err := unix.Read(peer, sink)
		if err == unix.EAGAIN {
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		drained += n
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("writer not woken by writability")
	}
}

func TestEpollCloseWakesWaiter(t *testing.T) {
	s, _ := socketpair(t)
	done := make(chan error, 1)
	go func() {
		done <- await(t, s, Readable, func(fd int) error { _, err := unix.Read(fd, make([]byte, 1)); return err })
	}()
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != ErrSourceClosed {
			t.Fatalf("woken with %v, want ErrSourceClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake the reader")
	}
}

// testEpollDriver returns a new epoll driver, closed when the test ends.
func testEpollDriver(t *testing.T) *epollDriver {
	t.Helper()
	d, err := newEpollDriver()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(d.epfd); unix.Close(d.evfd) })
	return d
}

func TestEpollUnpark(t *testing.T) {
	d := testEpollDriver(t)
	done := make(chan struct{})
	go func() {
		d.park(nil, 1, -1)
		close(done)
	}()
	time.Sleep(10 * time.Millisecond)
	d.unpark()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("unpark did not interrupt park")
	}
	// A zero timeout does not block.
	if evs, err := d.park(nil, 1, 0); err != nil || len(evs) != 0 {
		t.Fatalf("park(0) = %v, %v", evs, err)
	}
}

// TestEpollParkLimit checks that park takes at most limit events and that
// later parks return the rest, each once.
func TestEpollParkLimit(t *testing.T) {
	d := testEpollDriver(t)
	const n = 7
	for i := range n {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fds[0])
		defer unix.Close(fds[1])
		if err := d.register(fds[0], uint64(100+i)); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[uint64]int{}
	for _, limit := range []int{3, 3, 3} {
		evs, err := d.park(nil, limit, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) > limit {
			t.Fatalf("park(limit %d) returned %d events", limit, len(evs))
		}
		for _, e := range evs {
			seen[e.token]++
		}
	}
	if len(seen) != n {
		t.Fatalf("saw %d sources over three parks of 3, want all %d: %v", len(seen), n, seen)
	}
	for tok, c := range seen {
		if c != 1 {
			t.Fatalf("source %d reported %d times", tok, c)
		}
	}
}
