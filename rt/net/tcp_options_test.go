//go:build linux

package net

import (
	"context"
	"errors"
	"io"
	stdnet "net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestListenAddrPort(t *testing.T) {
	l, err := ListenAddrPort(netip.MustParseAddrPort("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Addr().Port() == 0 || l.Addr().Addr() != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("Addr = %v", l.Addr())
	}
	within(t, 5*time.Second, "connect", func() {
		go func() {
			if s, _, err := l.Accept(); err == nil {
				s.Close()
			}
		}()
		c, err := ConnectAddrPort(l.Addr())
		if err != nil {
			t.Error(err)
			return
		}
		c.Close()
	})
	if _, err := ListenAddrPort(netip.AddrPort{}); err == nil {
		t.Fatal("ListenAddrPort of the zero AddrPort succeeded")
	}
	if _, err := ConnectAddrPort(netip.AddrPort{}); err == nil {
		t.Fatal("ConnectAddrPort of the zero AddrPort succeeded")
	}
}

func TestReusePort(t *testing.T) {
	lc := ListenConfig{ReusePort: true}
	l1, err := lc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	l2, err := lc.ListenAddrPort(l1.Addr())
	if err != nil {
		t.Fatalf("second SO_REUSEPORT listener: %v", err)
	}
	defer l2.Close()
	if l3, err := Listen(l1.Addr().String()); err == nil {
		l3.Close()
		t.Fatal("a listener without ReusePort joined the group")
	} else if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("error = %v, want EADDRINUSE", err)
	}
	const conns = 64
	var got [2]atomic.Int32
	var wg sync.WaitGroup
	for i, l := range []*TCPListener{l1, l2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				s, _, err := l.Accept()
				if err != nil {
					return
				}
				got[i].Add(1)
				s.Close()
			}
		}()
	}
	within(t, 20*time.Second, "connections", func() {
		for range conns {
			c, err := Connect(l1.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			c.Close()
		}
		for got[0].Load()+got[1].Load() < conns {
			time.Sleep(time.Millisecond)
		}
	})
	l1.Close()
	l2.Close()
	wg.Wait()
	t.Logf("accepted %d + %d", got[0].Load(), got[1].Load())
	if got[0].Load() == 0 || got[1].Load() == 0 {
		t.Fatalf("connections not spread: %d + %d", got[0].Load(), got[1].Load())
	}
}

func TestReadFull(t *testing.T) {
	c, s := pair(t)
	within(t, 5*time.Second, "ReadFull", func() {
		go func() {
			s.WriteAll([]byte("hel"))
			time.Sleep(20 * time.Millisecond)
			s.WriteAll([]byte("lo"))
			time.Sleep(20 * time.Millisecond)
			s.WriteAll([]byte("xy"))
			s.CloseWrite()
		}()
		b := make([]byte, 5)
		if n, err := c.ReadFull(b); n != 5 || err != nil || string(b) != "hello" {
			t.Errorf("ReadFull = %d %q %v", n, b[:n], err)
		}
		b = make([]byte, 4)
		if n, err := c.ReadFull(b); n != 2 || err != io.ErrUnexpectedEOF || string(b[:n]) != "xy" {
			t.Errorf("ReadFull at the end = %d %q %v, want 2 \"xy\" ErrUnexpectedEOF", n, b[:n], err)
		}
		if n, err := c.ReadFull(b); n != 0 || err != io.EOF {
			t.Errorf("ReadFull after the end = %d %v, want 0 EOF", n, err)
		}
		if n, err := c.ReadFull(nil); n != 0 || err != nil {
			t.Errorf("ReadFull(nil) = %d %v", n, err)
		}
	})
}

func TestSocketOptions(t *testing.T) {
	c, _ := pair(t)
	get := func(level, opt int) int {
		fd, _ := c.src.Acquire()
		defer c.src.Release()
		v, err := unix.GetsockoptInt(fd, level, opt)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := c.SetNoDelay(true); err != nil {
		t.Fatal(err)
	}
	if get(unix.IPPROTO_TCP, unix.TCP_NODELAY) == 0 {
		t.Error("TCP_NODELAY not set")
	}
	c.SetNoDelay(false)
	if get(unix.IPPROTO_TCP, unix.TCP_NODELAY) != 0 {
		t.Error("TCP_NODELAY not cleared")
	}
	if err := c.SetKeepAlive(1500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if get(unix.SOL_SOCKET, unix.SO_KEEPALIVE) == 0 || get(unix.IPPROTO_TCP, unix.TCP_KEEPIDLE) != 2 ||
		get(unix.IPPROTO_TCP, unix.TCP_KEEPINTVL) != 2 {
		t.Error("keep-alive not set to 2 s")
	}
	c.SetKeepAlive(0)
	if get(unix.SOL_SOCKET, unix.SO_KEEPALIVE) != 0 {
		t.Error("keep-alive not disabled")
	}
	c.Close()
	if err := c.SetNoDelay(true); !errors.Is(err, ErrClosed) {
		t.Errorf("SetNoDelay on closed stream = %v", err)
	}
}

// fullBacklog returns the address of a listener whose accept queue is
// full, so that a further connect hangs (Linux drops the SYN).
func fullBacklog(t *testing.T) string {
	t.Helper()
	l, err := ListenConfig{Backlog: 1}.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for i := range 16 {
		c, err := ConnectTimeout(l.Addr().String(), 200*time.Millisecond)
		if err != nil {
			var oe *OpError
			if errors.As(err, &oe) && oe.Timeout() {
				return l.Addr().String()
			}
			t.Fatalf("filling the backlog: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		if i == 15 {
			t.Skip("could not fill the accept queue")
		}
	}
	return ""
}

func TestConnectTimeout(t *testing.T) {
	addr := fullBacklog(t)
	within(t, 10*time.Second, "ConnectTimeout", func() {
		start := time.Now()
		c, err := ConnectTimeout(addr, 150*time.Millisecond)
		el := time.Since(start)
		if err == nil {
			c.Close()
			t.Error("ConnectTimeout to a full backlog succeeded")
			return
		}
		var oe *OpError
		if !errors.As(err, &oe) || !oe.Timeout() || !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("error %v is not a timeout *OpError", err)
		}
		var ne stdnet.Error = oe
		if !ne.Timeout() {
			t.Error("net.Error.Timeout() = false")
		}
		if el < 150*time.Millisecond || el > 3*time.Second {
			t.Errorf("timed out after %v, want about 150ms", el)
		}
		t.Log(err, el)
	})
	// A live listener: the timer must not matter.
	l := listenLocal(t)
	go func() {
		if s, _, err := l.Accept(); err == nil {
			s.Close()
		}
	}()
	c, err := ConnectTimeout(l.Addr().String(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// No time limit.
	go func() {
		if s, _, err := l.Accept(); err == nil {
			s.Close()
		}
	}()
	c, err = ConnectTimeout(l.Addr().String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// withResolver replaces the resolver for the duration of the test.
func withResolver(t *testing.T, f func(ctx context.Context, network, host string) ([]netip.Addr, error)) {
	old := lookupNetIP
	lookupNetIP = f
	t.Cleanup(func() { lookupNetIP = old })
}

func TestResolve(t *testing.T) {
	var calls atomic.Int32
	withResolver(t, func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		calls.Add(1)
		switch host {
		case "two.test":
			return []netip.Addr{netip.MustParseAddr("::ffff:127.0.0.1"), netip.MustParseAddr("::1")}, nil
		case "none.test":
			return nil, nil
		}
		return nil, &stdnet.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
	within(t, 10*time.Second, "Resolve", func() {
		for _, tc := range []struct{ in, want string }{
			{"localhost:80", "127.0.0.1:80"},
			{"[::1]:443", "[::1]:443"},
			{":7", "127.0.0.1:7"},
			{"two.test:5", "127.0.0.1:5 [::1]:5"},
		} {
			aps, err := Resolve(tc.in)
			if err != nil {
				t.Errorf("Resolve(%q): %v", tc.in, err)
				continue
			}
			got := ""
			for i, ap := range aps {
				if i > 0 {
					got += " "
				}
				got += ap.String()
			}
			if got != tc.want {
				t.Errorf("Resolve(%q) = %s, want %s", tc.in, got, tc.want)
			}
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("resolver called %d times, want 1 (only for two.test)", n)
		}
		for _, name := range []string{"example.invalid:1", "nosuch.test:1", "none.test:1", "INVALID.:1"} {
			_, err := Resolve(name)
			var de *stdnet.DNSError
			if !errors.As(err, &de) || !de.IsNotFound {
				t.Errorf("Resolve(%q) = %v, want a not-found *net.DNSError", name, err)
			}
			c, err := Connect(name)
			if err == nil {
				c.Close()
				t.Errorf("Connect(%q) succeeded", name)
			} else if !errors.As(err, &de) {
				t.Errorf("Connect(%q) = %v, want a *net.DNSError inside", name, err)
			} else {
				t.Log(err)
			}
		}
		if n := calls.Load(); n != 5 {
			t.Errorf("resolver called %d times, want 5 (two names, twice each, plus two.test; .invalid is never looked up)", n)
		}
	})
}

func TestConnectHostName(t *testing.T) {
	l := listenLocal(t)
	port := l.Addr().Port()
	withResolver(t, func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		if host == "svc.test" {
			// The first address refuses (or is unreachable); the second works.
			return []netip.Addr{netip.MustParseAddr("127.0.0.3"), netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, &stdnet.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
	go func() {
		for {
			s, _, err := l.Accept()
			if err != nil {
				return
			}
			s.Close()
		}
	}()
	within(t, 10*time.Second, "Connect by name", func() {
		c, err := Connect("svc.test:" + itoa(int(port)))
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		if c.RemoteAddr() != l.Addr() {
			t.Errorf("connected to %v, want %v", c.RemoteAddr(), l.Addr())
		}
	})
}

func TestConnectSystemResolver(t *testing.T) {
	// A loopback name of /etc/hosts (other than "localhost", which this
	// package maps itself), so that the real resolver answers from the
	// file and no DNS query leaves the machine.
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		t.Skip(err)
	}
	var name string
	for line := range strings.SplitSeq(string(hosts), "\n") {
		f := strings.Fields(strings.SplitN(line, "#", 2)[0])
		if len(f) < 2 {
			continue
		}
		if ip, err := netip.ParseAddr(f[0]); err != nil || !ip.IsLoopback() {
			continue
		}
		for _, n := range f[1:] {
			if n != "localhost" && validHostName(n) {
				name = n
				break
			}
		}
		if name != "" {
			break
		}
	}
	if name == "" {
		t.Skip("no loopback name besides localhost in /etc/hosts")
	}
	within(t, 10*time.Second, "Resolve "+name, func() {
		aps, err := Resolve(name + ":9")
		if err != nil || len(aps) == 0 || !aps[0].Addr().IsLoopback() || aps[0].Port() != 9 {
			t.Errorf("Resolve(%q) = %v, %v", name, aps, err)
		}
		t.Logf("%s: %v", name, aps)
	})
}

func TestResolveHangIsBoundedByTimeout(t *testing.T) {
	ctxDone := make(chan error, 1)
	withResolver(t, func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		<-ctx.Done() // a resolver that never answers
		ctxDone <- ctx.Err()
		return nil, ctx.Err()
	})
	within(t, 10*time.Second, "hung resolver", func() {
		start := time.Now()
		_, err := ConnectTimeout("hang.test:1", 100*time.Millisecond)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("ConnectTimeout with a hung resolver = %v, want a timeout", err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("took %v", el)
		}
		select {
		case err := <-ctxDone:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("lookup context ended with %v, want Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("abandoned lookup's context was not cancelled")
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
