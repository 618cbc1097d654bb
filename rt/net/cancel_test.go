//go:build linux

package net

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// Every future of the package, cancelled while pending: it must not wake
// its task afterwards, must release what it holds (the fd counts of
// TestNoFDLeaksAllKinds check sockets), and must leave the object usable.
func TestCancelEveryPendingFuture(t *testing.T) {
	type tc struct {
		name string
		// setup returns the pending future's Pollable, a function that
		// makes the event it was waiting for happen, and a check that the
		// object still works.
		setup func(t *testing.T) (rt.Pollable, func(), func())
	}
	readCheck := func(t *testing.T, c *TCPStream, want string) func() {
		return func() {
			b := make([]byte, len(want))
			if _, err := c.ReadFull(b); err != nil || string(b) != want {
				t.Errorf("read after cancel = %q %v", b, err)
			}
		}
	}
	cases := []tc{
		{"Read", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			f := c.ReadAsync(make([]byte, 4))
			return &f, func() { s.WriteAll([]byte("data")) }, readCheck(t, c, "data")
		}},
		{"ReadFull", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			f := c.ReadFullAsync(make([]byte, 4))
			return &f, func() { s.WriteAll([]byte("data")) }, readCheck(t, c, "data")
		}},
		{"WaitReadable", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			f := c.WaitReadableAsync()
			return &f, func() { s.WriteAll([]byte("data")) }, readCheck(t, c, "data")
		}},
		{"Write", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			fillSendBuffer(t, c)
			f := c.WriteAsync([]byte("more"))
			return &f, func() { go drain(s) }, func() {
				if err := c.WriteAll([]byte("after")); err != nil {
					t.Error(err)
				}
			}
		}},
		{"WriteAll", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			f := c.WriteAllAsync(make([]byte, 64<<20))
			return &f, func() { go drain(s) }, func() {
				if err := c.WriteAll([]byte("after")); err != nil {
					t.Error(err)
				}
			}
		}},
		{"Accept", func(t *testing.T) (rt.Pollable, func(), func()) {
			l := listenLocal(t)
			f := l.AcceptAsync()
			var c *TCPStream
			return &f, func() {
					var err error
					if c, err = Connect(l.Addr().String()); err != nil {
						t.Error(err)
					}
				}, func() {
					s, _, err := l.Accept()
					if err != nil {
						t.Error(err)
						return
					}
					s.Close()
					c.Close()
				}
		}},
		{"UnixAccept", func(t *testing.T) (rt.Pollable, func(), func()) {
			l, err := ListenUnix(unixPath(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			f := l.AcceptAsync()
			var c *UnixStream
			return &f, func() {
					if c, err = ConnectUnix(l.Addr()); err != nil {
						t.Error(err)
					}
				}, func() {
					s, err := l.Accept()
					if err != nil {
						t.Error(err)
						return
					}
					s.Close()
					c.Close()
				}
		}},
		{"Connect", func(t *testing.T) (rt.Pollable, func(), func()) {
			addr := fullBacklog(t)
			f := ConnectAsync(addr)
			return &f, func() {}, func() {}
		}},
		{"ConnectTimeout", func(t *testing.T) (rt.Pollable, func(), func()) {
			addr := fullBacklog(t)
			f := ConnectTimeoutAsync(addr, 30*time.Millisecond)
			return &f, func() { time.Sleep(60 * time.Millisecond) }, func() {}
		}},
		{"Resolve", func(t *testing.T) (rt.Pollable, func(), func()) {
			release := make(chan struct{})
			withResolver(t, func(ctx context.Context, _, _ string) ([]netip.Addr, error) {
				select {
				case <-ctx.Done():
				case <-release:
				}
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			})
			f := ResolveAsync("slow.test:1")
			return &f, func() { close(release) }, func() {}
		}},
		{"ConnectByName", func(t *testing.T) (rt.Pollable, func(), func()) {
			release := make(chan struct{})
			withResolver(t, func(ctx context.Context, _, _ string) ([]netip.Addr, error) {
				select {
				case <-ctx.Done():
				case <-release:
				}
				return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
			})
			f := ConnectAsync("slow.test:1")
			return &f, func() { close(release) }, func() {}
		}},
		{"RecvFrom", func(t *testing.T) (rt.Pollable, func(), func()) {
			u, v := udpPair(t)
			f := u.RecvFromAsync(make([]byte, 8))
			return &f, func() { v.Send([]byte("dgram")) }, func() {
				b := make([]byte, 8)
				if n, _, err := u.RecvFrom(b); err != nil || string(b[:n]) != "dgram" {
					t.Errorf("RecvFrom after cancel = %q %v", b[:n], err)
				}
			}
		}},
		{"Recv", func(t *testing.T) (rt.Pollable, func(), func()) {
			u, v := udpPair(t)
			f := v.RecvAsync(make([]byte, 8))
			return &f, func() { u.SendTo([]byte("dgram"), v.LocalAddr()) }, func() {
				b := make([]byte, 8)
				if n, err := v.Recv(b); err != nil || string(b[:n]) != "dgram" {
					t.Errorf("Recv after cancel = %q %v", b[:n], err)
				}
			}
		}},
		{"NetConnRead", func(t *testing.T) (rt.Pollable, func(), func()) {
			c, s := pair(t)
			nc := c.Conn()
			nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			f := &deadlineFuture{op: &readFuture{c: &c.conn, p: make([]byte, 4)}, dl: &nc.rd}
			return f, func() { time.Sleep(40 * time.Millisecond); s.WriteAll([]byte("data")) }, readCheck(t, c, "data")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			within(t, 10*time.Second, tc.name, func() {
				f, trigger, check := tc.setup(t)
				w := &countWaker{}
				if f.Poll(rt.NewContext(rt.NewWaker(w))) {
					t.Error("future completed at once; the test needs it pending")
					return
				}
				f.Cancel()
				f.Cancel() // idempotent
				trigger()
				time.Sleep(50 * time.Millisecond)
				if n := w.n.Load(); n != 0 {
					t.Errorf("cancelled future woke its task %d times", n)
				}
				check()
			})
		})
	}
}

func udpPair(t *testing.T) (*UDPConn, *UDPConn) {
	u, err := ListenUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	v, err := DialUDP(u.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close(); v.Close() })
	return u, v
}

// fillSendBuffer writes to c until its send buffer (and the peer's receive
// buffer) is full.
func fillSendBuffer(t *testing.T, c *TCPStream) {
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	chunk := make([]byte, 64<<10)
	for range 10000 {
		f := c.WriteAsync(chunk)
		if !f.Poll(cx) {
			f.Cancel()
			return
		}
	}
	t.Fatal("send buffer never filled")
}

func drain(s *TCPStream) {
	buf := make([]byte, 64<<10)
	for {
		if _, err := s.Read(buf); err != nil {
			return
		}
	}
}
