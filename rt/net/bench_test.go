//go:build linux

package net

import (
	stdnet "net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// Ping-pong over loopback: a client goroutine writes a message, an echo
// goroutine sends it back. Both sides use rt/net through the BlockOn
// bridges, compared with package net.

func BenchmarkPingPong1B(b *testing.B)    { benchRT(b, 1) }
func BenchmarkPingPong4K(b *testing.B)    { benchRT(b, 4096) }
func BenchmarkStdPingPong1B(b *testing.B) { benchStd(b, 1) }
func BenchmarkStdPingPong4K(b *testing.B) { benchStd(b, 4096) }

func benchRT(b *testing.B, size int) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, _, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, size)
		for {
			if err := readFull(s, buf); err != nil {
				return
			}
			if s.WriteAll(buf) != nil {
				return
			}
		}
	}()
	c, err := Connect(l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteAll(msg); err != nil {
			b.Fatal(err)
		}
		if err := readFull(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStd(b *testing.B, size int) {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, size)
		for {
			if _, err := readFullStd(s, buf); err != nil {
				return
			}
			if _, err := s.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := stdnet.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := readFullStd(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func readFullStd(c stdnet.Conn, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Read(p[n:])
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// Connection rates over loopback. The side that is not measured is the
// same for both variants (package net), and every connection is closed
// by the server with SO_LINGER 0 (a reset), so no TIME_WAIT state piles
// up however many connections a run makes.

func BenchmarkAcceptRate(b *testing.B) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	stop := dialers(b, l.Addr().String())
	defer func() { b.StopTimer(); l.Close(); stop() }()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		s, _, err := l.Accept()
		if err != nil {
			b.Fatal(err)
		}
		resetClose(s)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

// acceptN is an accept loop as an executor task.
type acceptN struct {
	l   *TCPListener
	n   int
	acc TCPListenerAcceptFuture
	on  bool
	err error
}

func (f *acceptN) Poll(cx *rt.Context) bool {
	for f.n > 0 {
		if !f.on {
			f.acc = f.l.AcceptAsync()
			f.on = true
		}
		if !f.acc.Poll(cx) {
			return false
		}
		f.on = false
		s, _, err := f.acc.Result()
		if err != nil {
			f.err = err
			return true
		}
		resetClose(s)
		f.n--
	}
	return true
}

func (f *acceptN) Cancel() { f.acc.Cancel() }

func BenchmarkAcceptRateTask(b *testing.B) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	stop := dialers(b, l.Addr().String())
	defer func() { b.StopTimer(); l.Close(); stop() }()
	b.ResetTimer()
	start := time.Now()
	task := &acceptN{l: l, n: b.N}
	rt.RunFuture(acceptRef{task}, rt.Workers(1))
	if task.err != nil {
		b.Fatal(task.err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

type acceptRef struct{ f *acceptN }

func (r *acceptRef) Poll(cx *rt.Context) bool { return r.f.Poll(cx) }
func (r *acceptRef) Cancel()                  { r.f.Cancel() }

func BenchmarkStdAcceptRate(b *testing.B) {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	stop := dialers(b, l.Addr().String())
	defer func() { b.StopTimer(); l.Close(); stop() }()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		c, err := l.Accept()
		if err != nil {
			b.Fatal(err)
		}
		c.(*stdnet.TCPConn).SetLinger(0)
		c.Close()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

func BenchmarkConnectRate(b *testing.B) {
	addr, stop := resetServer(b)
	defer func() { b.StopTimer(); stop() }()
	start := time.Now()
	for b.Loop() {
		c, err := Connect(addr)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

func BenchmarkStdConnectRate(b *testing.B) {
	addr, stop := resetServer(b)
	defer func() { b.StopTimer(); stop() }()
	start := time.Now()
	for b.Loop() {
		c, err := stdnet.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
}

// dialers starts client goroutines (package net) that connect to addr in
// a loop, each waiting for the server to close before the next.
func dialers(b *testing.B, addr string) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1)
			for !done.Load() {
				c, err := stdnet.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					continue
				}
				c.SetReadDeadline(time.Now().Add(time.Second))
				c.Read(buf) // until the server's reset
				c.Close()
			}
		}()
	}
	return func() { done.Store(true); wg.Wait() }
}

// resetServer accepts connections (package net), waits for each client
// to close (so that the client's connect has surely completed) and then
// resets it.
func resetServer(b *testing.B) (addr string, stop func()) {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				c.Read(make([]byte, 1)) // EOF
				c.(*stdnet.TCPConn).SetLinger(0)
				c.Close()
			}()
		}
	}()
	return l.Addr().String(), func() { l.Close(); wg.Wait() }
}

// resetClose closes s with SO_LINGER 0.
func resetClose(s *TCPStream) {
	if fd, err := s.src.Acquire(); err == nil {
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		s.src.Release()
	}
	s.Close()
}

// BenchmarkTryReadEmpty is one TryRead of a connected stream with nothing
// to read: the receive system call and the stream's bookkeeping, without a
// transfer. The choice of system call shows in it: 420–436 ns per call
// with recv(2) on the 2-core benchmark machine, 455–460 ns with read(2).
func BenchmarkTryReadEmpty(b *testing.B) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan *TCPStream, 1)
	go func() {
		s, _, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- s
	}()
	c, err := Connect(l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s, ok := <-accepted
	if !ok {
		b.Fatal("accept failed")
	}
	defer s.Close()
	buf := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.TryRead(buf); err != ErrWouldBlock {
			b.Fatalf("TryRead: %v, want ErrWouldBlock", err)
		}
	}
}
