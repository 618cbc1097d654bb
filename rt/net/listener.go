//go:build linux

package net

import (
	"errors"
	"net/netip"
	"os"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// TCPListener is a listening TCP socket registered with the rt reactor.
// Its methods are safe for concurrent use.
type TCPListener struct {
	src  *rt.Source
	addr netip.AddrPort
}

// Listen opens a TCP listening socket on addr ("host:port"; see the
// package documentation for the accepted forms) with SO_REUSEADDR set.
// Port 0 picks an ephemeral port; Addr reports it. An empty host listens on
// all interfaces, IPv6 and IPv4 (dual-stack) where the system allows.
// Listen does not block: it is an ordinary function.
func Listen(addr string) (*TCPListener, error) {
	ap, err := parseAddr(addr, true)
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "tcp", Err: err}
	}
	l, err := listen(ap)
	if errors.Is(err, unix.EAFNOSUPPORT) && ap.Addr() == netip.IPv6Unspecified() && addr[0] != '[' {
		// No IPv6 on this system: fall back to IPv4's any-address.
		ap = netip.AddrPortFrom(netip.IPv4Unspecified(), ap.Port())
		l, err = listen(ap)
	}
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "tcp", Addr: ap, Err: err}
	}
	return l, nil
}

func listen(ap netip.AddrPort) (*TCPListener, error) {
	sa, family := sockaddr(ap)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	fail := func(call string, err error) (*TCPListener, error) {
		unix.Close(fd)
		return nil, os.NewSyscallError(call, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fail("setsockopt", err)
	}
	if family == unix.AF_INET6 && ap.Addr().IsUnspecified() {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0); err != nil {
			return fail("setsockopt", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		return fail("listen", err)
	}
	local := localAddr(fd)
	src, err := rt.NewSource(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &TCPListener{src: src, addr: local}, nil
}

// Addr returns the address the listener is bound to, with the actual port
// when Listen was given port 0.
func (l *TCPListener) Addr() netip.AddrPort { return l.addr }

// Close closes the listener. A task suspended in Accept wakes up and
// fails with ErrClosed. Closing twice returns an error wrapping ErrClosed.
func (l *TCPListener) Close() error {
	if err := l.src.Close(); err != nil {
		return &OpError{Op: "close", Net: "tcp", Addr: l.addr, Err: wrapErr("close", err)}
	}
	return nil
}

// Accept waits for the next incoming connection and returns it, with the
// peer's address. The new stream is non-blocking, close-on-exec, and
// registered with the reactor.
//
//asyncgo:async
func (l *TCPListener) Accept() (*TCPStream, netip.AddrPort, error) {
	f := l.AcceptAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// AcceptAsync returns the future of Accept; nothing happens until it is
// polled.
func (l *TCPListener) AcceptAsync() TCPListenerAcceptFuture {
	return TCPListenerAcceptFuture{l: l}
}

// TCPListenerAcceptFuture is the future of TCPListener.Accept.
type TCPListenerAcceptFuture struct {
	l    *TCPListener
	wait waitState
	s    *TCPStream
	peer netip.AddrPort
	err  error
}

// Poll tries accept4 and, while it says EAGAIN, waits for the listener to
// become readable.
func (f *TCPListenerAcceptFuture) Poll(cx *rt.Context) bool {
	src := f.l.src
	for {
		ev := src.Snapshot(rt.Readable)
		nfd, sa, err := accept(src)
		switch err {
		case nil:
			f.wait.done()
			local := localAddr(nfd)
			s, err := rt.NewSource(nfd)
			if err != nil {
				unix.Close(nfd)
				f.err = &OpError{Op: "accept", Net: "tcp", Addr: f.l.addr, Err: err}
				return true
			}
			f.peer = addrPort(sa)
			f.s = &TCPStream{src: s, local: local, remote: f.peer}
			return true
		case unix.EAGAIN:
		case unix.ECONNABORTED:
			// The connection was reset before we took it: try the next.
			continue
		default:
			f.wait.done()
			f.err = &OpError{Op: "accept", Net: "tcp", Addr: f.l.addr, Err: wrapErr("accept4", err)}
			return true
		}
		src.ClearReady(ev) // ev predates the failed accept: no edge lost
		if !f.wait.poll(cx, src, rt.Readable) {
			return false
		}
	}
}

func accept(src *rt.Source) (int, unix.Sockaddr, error) {
	fd, err := src.Acquire()
	if err != nil {
		return -1, nil, err
	}
	defer src.Release()
	for {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != unix.EINTR {
			return nfd, sa, err
		}
	}
}

// Result returns the accepted stream and the peer's address, or the error.
func (f *TCPListenerAcceptFuture) Result() (*TCPStream, netip.AddrPort, error) {
	return f.s, f.peer, f.err
}

// Cancel abandons the accept, releasing the listener's waiter slot. It
// is idempotent.
func (f *TCPListenerAcceptFuture) Cancel() { f.wait.done() }

// waitState remembers where a future stored its waker, so that Cancel (or
// completion) can remove it: a waiter slot never outlives its future.
type waitState struct {
	src *rt.Source
	dir rt.Interest
	w   rt.Waker
}

// poll is src.PollReady recording the registration; it reports whether
// the source is ready.
func (ws *waitState) poll(cx *rt.Context, src *rt.Source, dir rt.Interest) bool {
	// Recorded even when the answer is "ready": PollReady may have stored
	// the waker before its re-check found the Source ready.
	w := cx.Waker()
	if ws.src != nil && (ws.src != src || ws.dir != dir || !ws.w.WillWake(w)) {
		ws.done() // the task's waker changed: drop the old registration
	}
	ws.src, ws.dir, ws.w = src, dir, w
	_, ok := src.PollReady(cx, dir)
	return ok
}

// done removes the recorded registration, if any.
func (ws *waitState) done() {
	if ws.src != nil {
		ws.src.CancelWait(ws.dir, ws.w)
		*ws = waitState{}
	}
}
