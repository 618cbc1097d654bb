//go:build linux

package net

import (
	"errors"
	"net/netip"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// TCPListener is a listening TCP socket registered with the rt reactor.
// Its methods are safe for concurrent use.
type TCPListener struct {
	src  *rt.Source
	addr netip.AddrPort
}

// ListenConfig holds the options of a TCP listener. The zero value gives
// Listen's defaults.
type ListenConfig struct {
	// ReusePort sets SO_REUSEPORT before binding, so that several
	// listeners (in this process or others of the same user) can bind the
	// same address and port; the kernel spreads incoming connections
	// among them. Every listener sharing the port must set it.
	ReusePort bool
	// Backlog is the length of the queue of connections not yet
	// accepted; 0 means the system's maximum (SOMAXCONN).
	Backlog int
}

// Listen opens a TCP listening socket on addr ("host:port"; see the
// package documentation for the accepted forms) with SO_REUSEADDR set.
// Port 0 picks an ephemeral port; Addr reports it. An empty host listens on
// all interfaces, IPv6 and IPv4 (dual-stack) where the system allows.
// Host names other than "localhost" are not resolved (an *AddrError).
// Listen does not block: it is an ordinary function.
func Listen(addr string) (*TCPListener, error) { return ListenConfig{}.Listen(addr) }

// ListenAddrPort is Listen on an already parsed address. The unspecified
// IPv6 address [::] listens dual-stack.
func ListenAddrPort(ap netip.AddrPort) (*TCPListener, error) {
	return ListenConfig{}.ListenAddrPort(ap)
}

// Listen is the package-level Listen with lc's options.
func (lc ListenConfig) Listen(addr string) (*TCPListener, error) {
	ap, err := parseAddr(addr, true)
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "tcp", Err: err}
	}
	l, err := lc.listen(ap)
	if errors.Is(err, unix.EAFNOSUPPORT) && ap.Addr() == netip.IPv6Unspecified() && addr[0] != '[' {
		// No IPv6 on this system: fall back to IPv4's any-address.
		ap = netip.AddrPortFrom(netip.IPv4Unspecified(), ap.Port())
		l, err = lc.listen(ap)
	}
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "tcp", Addr: ap, Err: err}
	}
	return l, nil
}

// ListenAddrPort is the package-level ListenAddrPort with lc's options.
func (lc ListenConfig) ListenAddrPort(ap netip.AddrPort) (*TCPListener, error) {
	if !ap.IsValid() {
		return nil, &OpError{Op: "listen", Net: "tcp", Err: &AddrError{Err: "invalid address", Addr: ap.String()}}
	}
	l, err := lc.listen(ap)
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "tcp", Addr: ap, Err: err}
	}
	return l, nil
}

func (lc ListenConfig) listen(ap netip.AddrPort) (*TCPListener, error) {
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
	if lc.ReusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if family == unix.AF_INET6 && ap.Addr().IsUnspecified() {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0); err != nil {
			return fail("setsockopt", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	backlog := lc.Backlog
	if backlog <= 0 {
		backlog = unix.SOMAXCONN
	}
	if err := unix.Listen(fd, backlog); err != nil {
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
	fdFreed()
	return nil
}

// Accept waits for the next incoming connection and returns it, with the
// peer's address. The new stream is non-blocking, close-on-exec, and
// registered with the reactor.
//
// When the process or the system is out of descriptors or memory
// (EMFILE, ENFILE, ENOBUFS, ENOMEM), Accept does not fail and does not
// spin: it retries after a back-off (5 ms doubling up to 100 ms), or as
// soon as a socket of this package is closed, whichever comes first, and
// returns the connection once a descriptor is available.
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
	acc  acceptCore
	s    *TCPStream
	peer netip.AddrPort
	err  error
}

// Poll tries accept4 and, while it says EAGAIN, waits for the listener to
// become readable (or, out of descriptors, for the back-off).
func (f *TCPListenerAcceptFuture) Poll(cx *rt.Context) bool {
	var rsa unix.RawSockaddrAny
	nfd, err := f.acc.poll(cx, f.l.src, &rsa)
	switch {
	case err == errPending:
		return false
	case err != nil:
		f.err = &OpError{Op: "accept", Net: "tcp", Addr: f.l.addr, Err: err}
		return true
	}
	s, err := rt.NewSource(nfd)
	if err != nil {
		unix.Close(nfd)
		f.err = &OpError{Op: "accept", Net: "tcp", Addr: f.l.addr, Err: err}
		return true
	}
	f.peer = rawAddrPort(&rsa)
	f.s = newTCPStream(s, f.peer)
	return true
}

// Result returns the accepted stream and the peer's address, or the error.
func (f *TCPListenerAcceptFuture) Result() (*TCPStream, netip.AddrPort, error) {
	return f.s, f.peer, f.err
}

// Cancel abandons the accept, releasing the listener's waiter slot and
// any back-off timer. It is idempotent.
func (f *TCPListenerAcceptFuture) Cancel() { f.acc.cancel(f.l.src) }

// Accept back-off bounds (see TCPListener.Accept).
const (
	acceptMinBackoff = 5 * time.Millisecond
	acceptMaxBackoff = 100 * time.Millisecond
)

// acceptBackoffs counts accept attempts that failed for lack of
// resources (for tests).
var acceptBackoffs atomic.Int64

// acceptCore is the accept loop shared by the listener types: accept4,
// EAGAIN → wait for readability, EMFILE and friends → back off.
type acceptCore struct {
	wait  waitState
	t     timer
	delay time.Duration
	until time.Time
	fdw   rt.Waker // registered for fdFreed while backing off
}

// poll returns an accepted fd and its peer's address, an error (wrapped
// for the caller's *OpError), or errPending.
//
// The peer's address is written to *rsa, which the caller keeps on its
// stack: accepting allocates nothing but the connection's own objects.
func (a *acceptCore) poll(cx *rt.Context, src *rt.Source, rsa *unix.RawSockaddrAny) (int, error) {
	if !cx.Proceed() { // may complete at once: cooperative budget
		return -1, errPending
	}
	for {
		ev := src.Snapshot(rt.Readable)
		nfd, err := accept(src, rsa)
		switch err {
		case nil:
			a.cancel(src)
			return nfd, nil
		case unix.EAGAIN:
			a.endBackoff()
			src.ClearReady(ev) // ev predates the failed accept: no edge lost
			if !a.wait.poll(cx, src, rt.Readable) {
				return -1, errPending
			}
		case unix.ECONNABORTED:
			// The connection was reset before we took it: try the next.
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			acceptBackoffs.Add(1)
			now := rt.Now()
			if a.until.IsZero() || !now.Before(a.until) {
				// First failure, or the back-off ran out: wait longer.
				// (An early poll, woken by a Close, keeps the deadline.)
				a.delay = min(max(2*a.delay, acceptMinBackoff), acceptMaxBackoff)
				a.until = now.Add(a.delay)
			}
			// (Re-)register: a wake by fdFreed consumed the registration.
			if w := cx.Waker(); !a.fdw.WillWake(w) {
				cancelFDFreed(a.fdw)
				a.fdw = w
			}
			waitFDFreed(a.fdw)
			if !a.t.poll(cx, a.until) {
				return -1, errPending
			}
		default:
			a.cancel(src)
			return -1, wrapErr("accept4", err)
		}
	}
}

// endBackoff leaves the back-off state.
func (a *acceptCore) endBackoff() {
	if !a.until.IsZero() {
		a.t.stop()
		cancelFDFreed(a.fdw)
		a.fdw = rt.Waker{}
		a.delay, a.until = 0, time.Time{}
	}
}

// cancel releases every registration; idempotent.
func (a *acceptCore) cancel(src *rt.Source) {
	a.wait.done(src, rt.Readable)
	a.endBackoff()
}

// accept is one accept4(2), retried on EINTR, writing the peer's address
// to *rsa (unix.Accept4 would allocate it, and a Sockaddr besides).
func accept(src *rt.Source, rsa *unix.RawSockaddrAny) (int, error) {
	fd, err := src.Acquire()
	if err != nil {
		return -1, err
	}
	defer src.Release()
	for {
		n := uint32(unix.SizeofSockaddrAny)
		r, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd),
			uintptr(unsafe.Pointer(rsa)), uintptr(unsafe.Pointer(&n)),
			unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		if e != unix.EINTR {
			if e != 0 {
				return -1, e
			}
			return int(r), nil
		}
	}
}

// waitState remembers the waker a future stored in a Source's waiter slot,
// so that Cancel (or completion) can remove it: a waiter slot never
// outlives its future. The Source and the direction are the future's own
// (a read future waits on its stream for readability, ...), passed to
// every call rather than stored: a waitState is the 16-byte waker alone,
// and every idle connection's task holds one per pending operation.
type waitState struct {
	w rt.Waker
}

// poll is src.PollReady recording the registration; it reports whether
// the source is ready.
func (ws *waitState) poll(cx *rt.Context, src *rt.Source, dir rt.Interest) bool {
	// Recorded even when the answer is "ready": PollReady may have stored
	// the waker before its re-check found the Source ready.
	w := cx.Waker()
	if !ws.w.IsZero() && !ws.w.WillWake(w) {
		ws.done(src, dir) // the task's waker changed: drop the old registration
	}
	ws.w = w
	_, ok := src.PollReady(cx, dir)
	return ok
}

// done removes the registration in src's dir slot, if any.
func (ws *waitState) done(src *rt.Source, dir rt.Interest) {
	if !ws.w.IsZero() {
		src.CancelWait(dir, ws.w)
		ws.w = rt.Waker{}
	}
}
