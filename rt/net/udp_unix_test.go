//go:build linux

package net

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

func TestUDPSendToRecvFrom(t *testing.T) {
	a, err := ListenUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ListenUDPAddrPort(netip.MustParseAddrPort("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if c, err := ListenUDP(a.LocalAddr().String()); err == nil {
		c.Close()
		t.Fatal("second ListenUDP on a bound port succeeded")
	} else if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("second ListenUDP = %v, want EADDRINUSE", err)
	}
	within(t, 5*time.Second, "udp", func() {
		got := make(chan string, 1)
		go func() {
			p := make([]byte, 64)
			n, from, err := b.RecvFrom(p)
			if err != nil {
				got <- err.Error()
				return
			}
			got <- fmt.Sprintf("%s from %v", p[:n], from)
		}()
		time.Sleep(10 * time.Millisecond) // let the receiver wait first
		if n, err := a.SendTo([]byte("ping"), b.LocalAddr()); n != 4 || err != nil {
			t.Errorf("SendTo = %d, %v", n, err)
		}
		if g, want := <-got, "ping from "+a.LocalAddr().String(); g != want {
			t.Errorf("RecvFrom: %s, want %s", g, want)
		}
		// Truncation: the rest of the datagram is discarded.
		b.SendTo([]byte("0123456789"), a.LocalAddr())
		b.SendTo([]byte("next"), a.LocalAddr())
		p := make([]byte, 4)
		if n, _, err := a.RecvFrom(p); n != 4 || err != nil || string(p) != "0123" {
			t.Errorf("truncated RecvFrom = %d %q %v", n, p[:n], err)
		}
		if n, _, err := a.RecvFrom(p); n != 4 || err != nil || string(p) != "next" {
			t.Errorf("RecvFrom after truncation = %d %q %v", n, p[:n], err)
		}
		// Empty datagrams are datagrams.
		b.SendTo(nil, a.LocalAddr())
		if n, from, err := a.RecvFrom(p); n != 0 || err != nil || from != b.LocalAddr() {
			t.Errorf("empty datagram: %d %v %v", n, from, err)
		}
	})
}

func TestUDPDualStack(t *testing.T) {
	u, err := ListenUDP(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	c, err := DialUDP(fmt.Sprintf("127.0.0.1:%d", u.LocalAddr().Port()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	within(t, 5*time.Second, "dual-stack udp", func() {
		c.Send([]byte("v4"))
		p := make([]byte, 8)
		n, from, err := u.RecvFrom(p)
		if err != nil || string(p[:n]) != "v4" || !from.Addr().Is4() {
			t.Errorf("RecvFrom = %q %v %v", p[:n], from, err)
			return
		}
		// Reply to an IPv4 peer from the IPv6 socket.
		if _, err := u.SendTo([]byte("back"), from); err != nil {
			t.Error(err)
		}
		if n, err := c.Recv(p); err != nil || string(p[:n]) != "back" {
			t.Errorf("Recv = %q %v", p[:n], err)
		}
	})
}

func TestUDPConnected(t *testing.T) {
	srv, err := ListenUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := DialUDP(srv.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.RemoteAddr() != srv.LocalAddr() || !c.LocalAddr().IsValid() {
		t.Fatalf("addresses %v -> %v", c.LocalAddr(), c.RemoteAddr())
	}
	within(t, 5*time.Second, "connected udp", func() {
		if _, err := c.Send([]byte("hi")); err != nil {
			t.Error(err)
		}
		p := make([]byte, 8)
		n, from, err := srv.RecvFrom(p)
		if err != nil || string(p[:n]) != "hi" || from != c.LocalAddr() {
			t.Errorf("RecvFrom = %q %v %v", p[:n], from, err)
		}
		srv.SendTo([]byte("yo"), from)
		if n, err := c.Recv(p); err != nil || string(p[:n]) != "yo" {
			t.Errorf("Recv = %q %v", p[:n], err)
		}
		// The peer goes away: ICMP port unreachable surfaces as
		// ECONNREFUSED on a later operation.
		srv.Close()
		var rerr error
		for i := 0; i < 20 && rerr == nil; i++ {
			c.Send([]byte("anyone?"))
			time.Sleep(5 * time.Millisecond)
			f := c.RecvAsync(p)
			w := &countWaker{}
			if f.Poll(rt.NewContext(rt.NewWaker(w))) {
				_, rerr = f.Result()
			} else {
				f.Cancel()
			}
		}
		if !errors.Is(rerr, syscall.ECONNREFUSED) {
			t.Errorf("error after the peer left = %v, want ECONNREFUSED", rerr)
		}
	})
}

func TestUDPCloseWakesRecv(t *testing.T) {
	u, err := ListenUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := u.RecvFrom(make([]byte, 10))
		done <- err
	}()
	time.Sleep(30 * time.Millisecond)
	u.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("RecvFrom after Close = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake RecvFrom")
	}
	if _, err := u.SendTo([]byte("x"), netip.MustParseAddrPort("127.0.0.1:9")); !errors.Is(err, ErrClosed) {
		t.Fatalf("SendTo after Close = %v", err)
	}
	if err := u.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v", err)
	}
}

func unixPath(t *testing.T) string {
	// Socket paths are limited to 107 bytes; t.TempDir can be long.
	dir, err := os.MkdirTemp("", "rtnet")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s")
}

func TestUnixEcho(t *testing.T) {
	for _, path := range []string{unixPath(t), fmt.Sprintf("@asyncgo-rtnet-%d", os.Getpid())} {
		l, err := ListenUnix(path)
		if err != nil {
			t.Fatal(err)
		}
		if l.Addr() != path {
			t.Errorf("Addr = %q", l.Addr())
		}
		go func() {
			s, err := l.Accept()
			if err != nil {
				return
			}
			defer s.Close()
			buf := make([]byte, 1024)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				s.WriteAll(buf[:n])
			}
		}()
		within(t, 5*time.Second, "unix echo", func() {
			c, err := ConnectUnix(path)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if c.RemoteAddr() != path {
				t.Errorf("RemoteAddr = %q", c.RemoteAddr())
			}
			msg := bytes.Repeat([]byte("unix!"), 10000)
			go c.WriteAll(msg)
			got := make([]byte, len(msg))
			if n, err := c.ReadFull(got); n != len(msg) || err != nil || !bytes.Equal(got, msg) {
				t.Errorf("ReadFull = %d, %v", n, err)
			}
			c.CloseWrite()
			if _, err := c.Read(got); err != io.EOF {
				t.Errorf("Read after CloseWrite = %v, want EOF", err)
			}
		})
		l.Close()
		if path[0] != '@' {
			if _, err := os.Lstat(path); !os.IsNotExist(err) {
				t.Errorf("socket file left after Close: %v", err)
			}
		}
		if _, err := ConnectUnix(path); !errors.Is(err, syscall.ENOENT) && !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("ConnectUnix after Close = %v", err)
		}
	}
}

func TestUnixStaleSocket(t *testing.T) {
	path := unixPath(t)
	// A socket file left behind by a dead listener.
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	l, err := ListenUnix(path)
	if err != nil {
		t.Fatalf("ListenUnix over a stale socket: %v", err)
	}
	// A live listener is not stale.
	if l2, err := ListenUnix(path); err == nil {
		l2.Close()
		t.Fatal("second ListenUnix on a live socket succeeded")
	} else if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("second ListenUnix = %v, want EADDRINUSE", err)
	}
	l.Close()
	// A regular file is never removed.
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := ListenUnix(path); err == nil {
		l.Close()
		t.Fatal("ListenUnix over a regular file succeeded")
	} else {
		t.Log(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "keep me" {
		t.Fatalf("regular file damaged: %q %v", b, err)
	}
	// Close does not remove a file that replaced the socket.
	os.Remove(path)
	l, err = ListenUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	os.WriteFile(path, []byte("new"), 0o600)
	l.Close()
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatal("Close removed a file that was not its socket")
	}
}

func TestUnixConnectRetriesFullQueue(t *testing.T) {
	path := unixPath(t)
	l, err := listenUnix(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var held []*UnixStream
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	// Fill the queue until a connect has to wait.
	var f ConnectUnixFuture
	for i := 0; ; i++ {
		if i == 20 {
			t.Skip("accept queue never filled")
		}
		f = ConnectUnixAsync(path)
		if !f.Poll(cx) {
			break
		}
		c, err := f.Result()
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// Accepting one makes room; the retry (on its timer) gets in.
	within(t, 5*time.Second, "retry", func() {
		s, err := l.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		defer s.Close()
		for !f.Poll(cx) {
			time.Sleep(5 * time.Millisecond)
		}
		c, err := f.Result()
		if err != nil {
			t.Error(err)
			return
		}
		c.Close()
		if w.n.Load() == 0 {
			t.Error("waiting ConnectUnix was never woken")
		}
	})
	f2 := ConnectUnixAsync(path)
	if f2.Poll(cx) {
		if c, err := f2.Result(); err == nil {
			c.Close()
		}
	}
	f2.Cancel()
	f2.Cancel()
}
