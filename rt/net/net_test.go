//go:build linux

package net

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// within fails the test if f does not return within d.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still running after %v", what, d)
	}
}

func listenLocal(t *testing.T) *TCPListener {
	t.Helper()
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// pair returns both ends of a loopback connection.
func pair(t *testing.T) (client, server *TCPStream) {
	t.Helper()
	l := listenLocal(t)
	type acc struct {
		s   *TCPStream
		err error
	}
	ch := make(chan acc, 1)
	go func() {
		s, _, err := l.Accept()
		ch <- acc{s, err}
	}()
	c, err := Connect(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	a := <-ch
	if a.err != nil {
		t.Fatal(a.err)
	}
	t.Cleanup(func() { c.Close(); a.s.Close() })
	return c, a.s
}

func readFull(s *TCPStream, p []byte) error {
	for len(p) > 0 {
		n, err := s.Read(p)
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

func TestEchoRoundTrip(t *testing.T) {
	l := listenLocal(t)
	peerCh := make(chan string, 1)
	go func() {
		s, peer, err := l.Accept()
		if err != nil {
			peerCh <- "accept: " + err.Error()
			return
		}
		defer s.Close()
		peerCh <- peer.String()
		buf := make([]byte, 100)
		for {
			n, err := s.Read(buf)
			if err != nil {
				return
			}
			if err := s.WriteAll(buf[:n]); err != nil {
				return
			}
		}
	}()
	within(t, 10*time.Second, "echo", func() {
		c, err := Connect(l.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		if got := <-peerCh; got != c.LocalAddr().String() {
			t.Errorf("Accept peer = %s, client local = %s", got, c.LocalAddr())
		}
		if c.RemoteAddr() != l.Addr() {
			t.Errorf("RemoteAddr = %s, listener = %s", c.RemoteAddr(), l.Addr())
		}
		for _, msg := range []string{"hello", "x", "a longer message, with more bytes in it"} {
			if err := c.WriteAll([]byte(msg)); err != nil {
				t.Error(err)
				return
			}
			got := make([]byte, len(msg))
			if err := readFull(c, got); err != nil {
				t.Error(err)
				return
			}
			if string(got) != msg {
				t.Errorf("echo = %q, want %q", got, msg)
			}
		}
		c.CloseWrite()
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("Read after peer close = %d, %v; want 0, EOF", n, err)
		}
	})
}

func TestListenAddr(t *testing.T) {
	l := listenLocal(t)
	if !l.Addr().Addr().IsLoopback() || l.Addr().Port() == 0 {
		t.Fatalf("Addr = %v, want loopback with an ephemeral port", l.Addr())
	}
	all, err := Listen(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	if all.Addr().Port() == 0 || !all.Addr().Addr().IsUnspecified() {
		t.Fatalf("Listen(\":0\").Addr() = %v", all.Addr())
	}
	// Reachable over IPv4 (dual-stack or IPv4 any-address).
	within(t, 5*time.Second, "connect to :port", func() {
		go func() {
			if s, _, err := all.Accept(); err == nil {
				s.Close()
			}
		}()
		c, err := Connect(fmt.Sprintf(":%d", all.Addr().Port()))
		if err != nil {
			t.Error(err)
			return
		}
		c.Close()
	})
}

func TestIPv6Loopback(t *testing.T) {
	l, err := Listen("[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	defer l.Close()
	within(t, 5*time.Second, "IPv6 connect", func() {
		go func() {
			s, peer, err := l.Accept()
			if err != nil {
				t.Error(err)
				return
			}
			if !peer.Addr().Is6() {
				t.Errorf("peer %v is not IPv6", peer)
			}
			s.WriteAll([]byte("v6"))
			s.Close()
		}()
		c, err := Connect(l.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		b := make([]byte, 2)
		if err := readFull(c, b); err != nil || string(b) != "v6" {
			t.Errorf("read %q, %v", b, err)
		}
	})
}

func TestWriteWaitsForWritability(t *testing.T) {
	c, s := pair(t)
	// The server never writes, so the client socket never becomes
	// readable: a write that waited for readability would hang here.
	if n, err := c.Write([]byte{1}); n != 1 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	one := make([]byte, 1)
	if err := readFull(s, one); err != nil {
		t.Fatal(err)
	}
	const size = 16 << 20 // far more than the socket buffers hold
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7)
	}
	done := make(chan error, 1)
	go func() { done <- c.WriteAll(data) }()
	select {
	case err := <-done:
		t.Fatalf("WriteAll of %d bytes finished while the peer read nothing: %v", size, err)
	case <-time.After(100 * time.Millisecond):
	}
	got := make([]byte, size)
	within(t, 20*time.Second, "drain", func() {
		if err := readFull(s, got); err != nil {
			t.Error(err)
		}
	})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("blocked WriteAll did not complete after the peer drained")
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data corrupted")
	}
}

func TestCloseWakesBlockedRead(t *testing.T) {
	c, _ := pair(t)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 10))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("blocked Read returned %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake the blocked Read")
	}
	if err := c.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
}

func TestCloseWakesBlockedAccept(t *testing.T) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := l.Accept()
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	l.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("blocked Accept returned %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake the blocked Accept")
	}
}

func TestConnectRefused(t *testing.T) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	within(t, 5*time.Second, "refused connect", func() {
		c, err := Connect(addr)
		if err == nil {
			c.Close()
			t.Error("Connect to a closed port succeeded")
			return
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Connect error = %v, want ECONNREFUSED", err)
		}
		var oe *OpError
		if !errors.As(err, &oe) || oe.Op != "connect" || oe.Addr.String() != addr {
			t.Errorf("error %#v is not a connect *OpError for %s", err, addr)
		}
		t.Log(err)
	})
}

func TestMalformedAddresses(t *testing.T) {
	for _, addr := range []string{
		"", "nope", "1.2.3.4:99999", "[::1", "::1:80", "bad host!:80", "[example.com]:80",
		"[::1]x", "[::1]", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4:http", "[fe80::1%eth0]:80", "[1:2]:3]:4",
	} {
		l, err := Listen(addr)
		if err == nil {
			l.Close()
			t.Errorf("Listen(%q) succeeded", addr)
		}
		c, err2 := Connect(addr)
		if err2 == nil {
			c.Close()
			t.Errorf("Connect(%q) succeeded", addr)
		}
		for _, e := range []error{err, err2} {
			var ae *AddrError
			if e != nil && !errors.As(e, &ae) {
				t.Errorf("%q: error %v carries no *AddrError", addr, e)
			}
		}
		if err != nil {
			t.Logf("%q: %v", addr, err)
		}
	}
}

func TestPeerResetIsAnError(t *testing.T) {
	c, s := pair(t)
	fd, _ := s.src.Acquire()
	if err := unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
		t.Fatal(err)
	}
	s.src.Release()
	s.Close() // sends RST
	within(t, 5*time.Second, "reset", func() {
		_, err := c.Read(make([]byte, 10))
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Read after peer reset = %v, want ECONNRESET", err)
		}
		var werr error
		for i := 0; i < 10 && werr == nil; i++ { // the first write may still be accepted
			_, werr = c.Write([]byte("after reset"))
		}
		if !errors.Is(werr, syscall.EPIPE) && !errors.Is(werr, syscall.ECONNRESET) {
			t.Errorf("Write after peer reset = %v, want EPIPE or ECONNRESET", werr)
		}
		t.Log(werr)
	})
}

func TestZeroLength(t *testing.T) {
	c, s := pair(t)
	within(t, 5*time.Second, "zero-length ops", func() {
		if n, err := c.Read(nil); n != 0 || err != nil {
			t.Errorf("Read(nil) = %d, %v", n, err)
		}
		if n, err := c.Write(nil); n != 0 || err != nil {
			t.Errorf("Write(nil) = %d, %v", n, err)
		}
		if err := c.WriteAll(nil); err != nil {
			t.Errorf("WriteAll(nil) = %v", err)
		}
		// Zero-length operations consumed and produced nothing.
		c.Write([]byte("z"))
		b := make([]byte, 2)
		if n, err := s.Read(b); n != 1 || err != nil || b[0] != 'z' {
			t.Errorf("peer Read = %d %q %v", n, b[:n], err)
		}
		c.Close()
		if _, err := c.Read(nil); !errors.Is(err, ErrClosed) {
			t.Errorf("Read(nil) on closed = %v", err)
		}
		if _, err := c.Write(nil); !errors.Is(err, ErrClosed) {
			t.Errorf("Write(nil) on closed = %v", err)
		}
	})
}

func TestConcurrentReadAndWrite(t *testing.T) {
	c, s := pair(t)
	const size = 4 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i>>8 ^ i)
	}
	go func() { // echo server
		buf := make([]byte, 32<<10)
		for {
			n, err := s.Read(buf)
			if err != nil {
				return
			}
			if s.WriteAll(buf[:n]) != nil {
				return
			}
		}
	}()
	got := make([]byte, size)
	var wg sync.WaitGroup
	wg.Add(2)
	within(t, 30*time.Second, "concurrent read/write", func() {
		go func() {
			defer wg.Done()
			for off := 0; off < size; off += 100 << 10 {
				if err := c.WriteAll(data[off:min(off+100<<10, size)]); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			if err := readFull(c, got); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
	})
	if !bytes.Equal(got, data) {
		t.Fatal("echoed data differs")
	}
}

func TestManyConnections(t *testing.T) {
	const clients, size = 100, 64 << 10
	l := listenLocal(t)
	go func() {
		for {
			s, _, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer s.Close()
				buf := make([]byte, 16<<10)
				for {
					n, err := s.Read(buf)
					if err != nil {
						return
					}
					if s.WriteAll(buf[:n]) != nil {
						return
					}
				}
			}()
		}
	}()
	var failed atomic.Int32
	within(t, 60*time.Second, "100 clients", func() {
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := Connect(l.Addr().String())
				if err != nil {
					t.Error(err)
					failed.Add(1)
					return
				}
				defer c.Close()
				data := bytes.Repeat([]byte{byte(i)}, size)
				go c.WriteAll(data)
				got := make([]byte, size)
				if err := readFull(c, got); err != nil || !bytes.Equal(got, data) {
					t.Errorf("client %d: echo mismatch (%v)", i, err)
					failed.Add(1)
				}
			}()
		}
		wg.Wait()
	})
	if failed.Load() != 0 {
		t.Fatalf("%d clients failed", failed.Load())
	}
}

type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

func TestCancelPendingRead(t *testing.T) {
	c, s := pair(t)
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	f := c.ReadAsync(make([]byte, 10))
	if f.Poll(cx) {
		t.Fatal("Read completed with no data sent")
	}
	f.Cancel()
	f.Cancel() // idempotent
	s.WriteAll([]byte("data"))
	time.Sleep(50 * time.Millisecond)
	if n := w.n.Load(); n != 0 {
		t.Fatalf("cancelled Read's waker woken %d times", n)
	}
	within(t, 5*time.Second, "Read after Cancel", func() {
		b := make([]byte, 10)
		n, err := c.Read(b)
		if err != nil || string(b[:n]) != "data" {
			t.Errorf("Read after Cancel = %q, %v", b[:n], err)
		}
	})
}

func TestCancelPendingConnectAndAccept(t *testing.T) {
	l := listenLocal(t)
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	a := l.AcceptAsync()
	if a.Poll(cx) {
		t.Fatal("Accept completed with no client")
	}
	a.Cancel()
	f := ConnectAsync(l.Addr().String())
	f.Poll(cx)
	f.Cancel() // closes the socket if still connecting
	within(t, 5*time.Second, "accept after cancel", func() {
		go func() {
			if c, err := Connect(l.Addr().String()); err == nil {
				c.Close()
			}
		}()
		s, _, err := l.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		s.Close()
	})
}

func countFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestNoFDLeaks(t *testing.T) {
	// Warm up: the reactor's epoll fd and eventfd are created once.
	l0, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l0.Close()
	// Let connections of earlier tests finish closing.
	before := countFDs(t)
	for stable := 0; stable < 10; {
		time.Sleep(10 * time.Millisecond)
		if n := countFDs(t); n != before {
			before, stable = n, 0
		} else {
			stable++
		}
	}
	within(t, 20*time.Second, "fd churn", func() {
		for range 20 {
			l, err := Listen("127.0.0.1:0")
			if err != nil {
				t.Error(err)
				return
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				s, _, err := l.Accept()
				if err != nil {
					return
				}
				b := make([]byte, 4)
				readFull(s, b)
				s.WriteAll(b)
				s.Close()
			}()
			c, err := Connect(l.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			c.WriteAll([]byte("ping"))
			readFull(c, make([]byte, 4))
			c.Close()
			<-done
			addr := l.Addr().String()
			l.Close()
			if c, err := Connect(addr); err == nil { // refused
				c.Close()
			}
			Listen("nope")
			Connect("[::1")
		}
	})
	after := countFDs(t)
	for deadline := time.Now().Add(2 * time.Second); after != before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		after = countFDs(t)
	}
	if after != before {
		t.Fatalf("fds: %d before, %d after", before, after)
	}
}

func TestAddrRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:80", "127.0.0.1:80"},
		{"localhost:8080", "127.0.0.1:8080"},
		{"[::1]:443", "[::1]:443"},
		{"[fe80::1%2]:80", "[fe80::1%2]:80"},
		{"[::ffff:1.2.3.4]:5", "1.2.3.4:5"}, // unmapped on the way back
		{":7", "[::]:7"},
	} {
		ap, err := parseAddr(tc.in, true)
		if err != nil {
			t.Errorf("parseAddr(%q): %v", tc.in, err)
			continue
		}
		sa, _ := sockaddr(ap)
		if got := addrPort(sa).String(); got != tc.want {
			t.Errorf("%q: round trip = %s, want %s", tc.in, got, tc.want)
		}
	}
	if ap, _ := parseAddr(":7", false); ap.String() != "127.0.0.1:7" {
		t.Errorf("Connect's \":7\" = %v, want 127.0.0.1:7", ap)
	}
}

func TestListenAddrInUse(t *testing.T) {
	l := listenLocal(t)
	l2, err := Listen(l.Addr().String())
	if err == nil {
		l2.Close()
		t.Fatal("second Listen on the same port succeeded")
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("error = %v, want EADDRINUSE", err)
	}
}
