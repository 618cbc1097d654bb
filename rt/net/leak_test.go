//go:build linux

package net

import (
	stdnet "net"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// stableFDs returns the number of open descriptors once it has stopped
// changing (connections of earlier tests finish closing).
func stableFDs(t *testing.T) int {
	n := countFDs(t)
	for stable := 0; stable < 10; {
		time.Sleep(10 * time.Millisecond)
		if m := countFDs(t); m != n {
			n, stable = m, 0
		} else {
			stable++
		}
	}
	return n
}

func TestNoFDLeaksAllKinds(t *testing.T) {
	l0, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l0.Close()
	before := stableFDs(t)
	within(t, 30*time.Second, "churn", func() {
		for range 5 {
			// UDP.
			u, v := udpPairNoCleanup(t)
			v.Send([]byte("x"))
			u.RecvFrom(make([]byte, 4))
			u.Close()
			v.Close()
			ListenUDP("nope")
			// Unix.
			path := unixPath(t)
			ul, err := ListenUnix(path)
			if err != nil {
				t.Error(err)
				return
			}
			go func() {
				if s, err := ul.Accept(); err == nil {
					s.Close()
				}
			}()
			if c, err := ConnectUnix(path); err == nil {
				c.ReadFull(make([]byte, 1)) // EOF when the server closes
				c.Close()
			}
			ul.Close()
			ConnectUnix(path) // ENOENT
			ListenUnix("/nonexistent-dir/s")
			// Timeouts and cancellations of connects.
			withFullBacklog(t, func(addr string) {
				if _, err := ConnectTimeout(addr, 10*time.Millisecond); err == nil {
					t.Error("connect to a full queue succeeded")
				}
				f := ConnectAsync(addr)
				if f.Poll(rt.NewContext(rt.NewWaker(&countWaker{}))) {
					t.Error("connect to a full queue completed")
				}
				f.Cancel()
			})
			// Resolution failures.
			Connect("example.invalid:1")
			// Adoption of a package net connection (dup, then both closed),
			// and the net.Conn bridge.
			sl, _ := stdnet.Listen("tcp", "127.0.0.1:0")
			go func() {
				if c, err := sl.Accept(); err == nil {
					c.Close()
				}
			}()
			if std, err := stdnet.Dial("tcp", sl.Addr().String()); err == nil {
				if s, err := TCPStreamFromConn(std.(*stdnet.TCPConn)); err == nil {
					nc := s.Conn()
					nc.SetReadDeadline(time.Now().Add(time.Second))
					nc.Read(make([]byte, 1))
					nc.Close()
				}
				std.Close()
			}
			sl.Close()
			// Reuse-port listeners.
			a, _ := ListenConfig{ReusePort: true}.Listen("127.0.0.1:0")
			if a != nil {
				b, _ := ListenConfig{ReusePort: true}.ListenAddrPort(a.Addr())
				if b != nil {
					b.Close()
				}
				a.Close()
			}
		}
	})
	after := countFDs(t)
	for deadline := time.Now().Add(3 * time.Second); after != before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		after = countFDs(t)
	}
	if after != before {
		t.Fatalf("fds: %d before, %d after", before, after)
	}
}

func udpPairNoCleanup(t *testing.T) (*UDPConn, *UDPConn) {
	u, err := ListenUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	v, err := DialUDP(u.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	return u, v
}

// withFullBacklog runs f with the address of a listener whose accept
// queue is full, and closes everything it opened before returning.
func withFullBacklog(t *testing.T, f func(addr string)) {
	l, err := ListenConfig{Backlog: 1}.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []*TCPStream
	defer func() {
		for _, c := range held {
			c.Close()
		}
		l.Close()
	}()
	for range 16 {
		c, err := ConnectTimeout(l.Addr().String(), 100*time.Millisecond)
		if err != nil {
			break // timed out: the queue is full
		}
		held = append(held, c)
	}
	f(l.Addr().String())
}
