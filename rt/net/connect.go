//go:build linux

package net

import (
	"errors"
	"net/netip"
	"os"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// Connect opens a TCP connection to addr ("host:port"; an empty host is
// the local host). A host name is resolved first (see Resolve), and its
// addresses are tried in order until one accepts; the error of the first
// failure is returned if none does. Each attempt starts a non-blocking
// connect, waits for the socket to become writable, and reads SO_ERROR:
// a refused or unreachable connection is an error returned by Connect
// itself. Connect has no time limit of its own beyond the kernel's; see
// ConnectTimeout.
//
//asyncgo:async
func Connect(addr string) (*TCPStream, error) {
	f := ConnectAsync(addr)
	rt.BlockOn(&f)
	return f.Result()
}

// ConnectAsync returns the future of Connect; nothing happens (not even
// parsing addr) until it is polled.
func ConnectAsync(addr string) ConnectFuture {
	return ConnectFuture{addr: addr}
}

// ConnectAddrPort opens a TCP connection to ap, like Connect without the
// parsing and resolution.
//
//asyncgo:async
func ConnectAddrPort(ap netip.AddrPort) (*TCPStream, error) {
	f := ConnectAddrPortAsync(ap)
	rt.BlockOn(&f)
	return f.Result()
}

// ConnectAddrPortAsync returns the future of ConnectAddrPort; nothing
// happens until it is polled.
func ConnectAddrPortAsync(ap netip.AddrPort) ConnectAddrPortFuture {
	return ConnectAddrPortFuture{ConnectFuture{ap: ap, hasAP: true}}
}

// ConnectAddrPortFuture is the future of ConnectAddrPort.
type ConnectAddrPortFuture struct{ ConnectFuture }

// ConnectFuture is the future of Connect.
type ConnectFuture struct {
	addr  string
	ap    netip.AddrPort // ConnectAddrPort's address, if hasAP
	hasAP bool

	resolving bool
	res       ResolveFuture
	one       [1]netip.AddrPort // backing of addrs for a single address
	addrs     []netip.AddrPort  // nil until parsed or resolved
	next      int               // index of the next address to try

	remote   netip.AddrPort // the address being tried
	src      *rt.Source     // set while connecting
	wait     waitState
	firstErr error
	s        *TCPStream
	err      error
	done     bool
}

// Poll parses (and if need be resolves) the address on the first calls,
// then connects to each address in turn, waiting for writability and
// checking SO_ERROR.
func (f *ConnectFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	if f.addrs == nil && !f.addresses(cx) {
		return false
	}
	for !f.done {
		if f.src == nil {
			if f.next >= len(f.addrs) {
				f.finish(nil, f.firstErr)
				break
			}
			f.remote = f.addrs[f.next]
			f.next++
			f.start()
			continue
		}
		if !f.pollConnected(cx) {
			return false
		}
	}
	return true
}

// addresses fills f.addrs (or completes the future with an error). It
// reports false while a resolution is pending.
func (f *ConnectFuture) addresses(cx *rt.Context) bool {
	if f.hasAP {
		if !f.ap.IsValid() {
			f.finish(nil, &OpError{Op: "connect", Net: "tcp", Err: &AddrError{Err: "invalid address", Addr: f.ap.String()}})
			return true
		}
		f.one[0] = f.ap
		f.addrs = f.one[:]
		return true
	}
	if !f.resolving {
		ap, name, err := parseHostPort(f.addr, false)
		if err != nil {
			f.finish(nil, &OpError{Op: "connect", Net: "tcp", Err: err})
			return true
		}
		if name == "" {
			f.one[0] = ap
			f.addrs = f.one[:]
			return true
		}
		f.res = ResolveAsync(f.addr)
		f.resolving = true
	}
	if !f.res.Poll(cx) {
		return false
	}
	f.resolving = false
	addrs, err := f.res.Result()
	if err != nil {
		e := &OpError{Op: "connect", Net: "tcp", Err: err}
		var re *OpError
		if errors.As(err, &re) {
			e.Path, e.Err = re.Path, re.Err
		}
		f.finish(nil, e)
		return true
	}
	f.addrs = addrs
	return true
}

// finish completes the future.
func (f *ConnectFuture) finish(s *TCPStream, err error) {
	if err == nil && s == nil {
		err = &OpError{Op: "connect", Net: "tcp", Err: &AddrError{Err: "no addresses", Addr: f.addr}}
	}
	f.s, f.err, f.done = s, err, true
}

// attemptFailed records the failure of the current address and closes
// its socket; the next address (if any) is tried next.
func (f *ConnectFuture) attemptFailed(err error) {
	if f.src != nil {
		f.wait.done(f.src, rt.Writable)
		f.src.Close()
		f.src = nil
		fdFreed()
	}
	if f.firstErr == nil {
		f.firstErr = err
	}
}

// pollConnected waits for the current attempt to finish; it reports
// false while the connection is in progress.
func (f *ConnectFuture) pollConnected(cx *rt.Context) bool {
	for {
		ev := f.src.Snapshot(rt.Writable)
		if ev.Ready() == 0 && !f.wait.poll(cx, f.src, rt.Writable) {
			return false
		}
		switch err := f.check(); err {
		case nil:
			src := f.src
			f.wait.done(src, rt.Writable)
			f.src = nil
			f.finish(newTCPStream(src, f.remote), nil)
			return true
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR, unix.ENOTCONN:
			if ev.Ready()&(rt.ReadyWriteClosed|rt.ReadyShutdown) != 0 {
				// Hung up (final) yet not connected: never will be.
				f.attemptFailed(f.connectError(err))
				return true
			}
			// Spurious readiness: not connected yet.
			f.src.ClearReady(ev)
		default:
			f.attemptFailed(f.connectError(err))
			return true
		}
	}
}

func (f *ConnectFuture) connectError(err error) error {
	call := "connect"
	if err == rt.ErrSourceClosed {
		call = ""
	}
	return &OpError{Op: "connect", Net: "tcp", Addr: f.remote, Err: wrapErr(call, err)}
}

// start issues connect(2) to f.remote. On success (at once, or in
// progress) f.src is set or the future is complete; on failure the error
// is recorded for the next address.
func (f *ConnectFuture) start() {
	ap := f.remote
	sa, family := sockaddr(ap)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		f.attemptFailed(&OpError{Op: "connect", Net: "tcp", Addr: ap, Err: os.NewSyscallError("socket", err)})
		return
	}
	err = unix.Connect(fd, sa)
	switch err {
	case nil, unix.EINPROGRESS, unix.EINTR, unix.EALREADY:
	default:
		unix.Close(fd)
		f.attemptFailed(&OpError{Op: "connect", Net: "tcp", Addr: ap, Err: os.NewSyscallError("connect", err)})
		return
	}
	// Registered only now: a socket that has not started connecting
	// reports EPOLLHUP, a final readiness that would never clear.
	src, rerr := rt.NewSource(fd)
	if rerr != nil {
		unix.Close(fd)
		f.attemptFailed(&OpError{Op: "connect", Net: "tcp", Addr: ap, Err: rerr})
		return
	}
	if err == nil {
		f.finish(newTCPStream(src, ap), nil)
		return
	}
	f.src = src
}

// check returns the socket's connection state: nil when connected.
func (f *ConnectFuture) check() error {
	fd, err := f.src.Acquire()
	if err != nil {
		return err
	}
	defer f.src.Release()
	soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if soerr != 0 {
		return unix.Errno(soerr)
	}
	if _, err := unix.Getpeername(fd); err != nil {
		return err // ENOTCONN: still connecting
	}
	return nil
}

// Result returns the connected stream, or the error.
func (f *ConnectFuture) Result() (*TCPStream, error) { return f.s, f.err }

// Cancel abandons the connection attempt: a pending resolution is
// abandoned and a connecting socket closed. It is idempotent, and a no-op
// once the future has completed.
func (f *ConnectFuture) Cancel() {
	if f.done {
		return
	}
	if f.resolving {
		f.res.Cancel()
		f.resolving = false
	}
	if f.src != nil {
		f.wait.done(f.src, rt.Writable)
		f.src.Close()
		f.src = nil
		fdFreed()
	}
	f.done = true
}

// ConnectTimeout is Connect with a time limit covering resolution and
// every connection attempt. When it runs out, the attempt in progress is
// cancelled (its socket closed) and the error is an *OpError wrapping
// ErrTimeout (its Timeout method reports true). A timeout <= 0 means no
// limit.
//
//asyncgo:async
func ConnectTimeout(addr string, timeout time.Duration) (*TCPStream, error) {
	f := ConnectTimeoutAsync(addr, timeout)
	rt.BlockOn(&f)
	return f.Result()
}

// ConnectTimeoutAsync returns the future of ConnectTimeout; nothing
// happens (the clock does not start) until it is polled.
func ConnectTimeoutAsync(addr string, timeout time.Duration) ConnectTimeoutFuture {
	return ConnectTimeoutFuture{c: ConnectAsync(addr), d: timeout}
}

// ConnectTimeoutFuture is the future of ConnectTimeout.
type ConnectTimeoutFuture struct {
	c       ConnectFuture
	d       time.Duration
	when    time.Time
	t       timer
	started bool
	timeout bool
}

// Poll starts the clock on the first call, then polls the connection and
// the timer.
func (f *ConnectTimeoutFuture) Poll(cx *rt.Context) bool {
	if f.timeout {
		return true
	}
	if !f.started {
		f.started = true
		if f.d > 0 {
			f.when = rt.Now().Add(f.d)
		}
	}
	if f.c.Poll(cx) {
		f.t.stop()
		return true
	}
	if f.when.IsZero() || !f.t.poll(cx, f.when) {
		return false
	}
	remote := netip.AddrPort{}
	if f.c.src != nil {
		remote = f.c.remote
	}
	f.c.Cancel()
	f.timeout = true
	f.c.err = &OpError{Op: "connect", Net: "tcp", Addr: remote, Err: ErrTimeout}
	return true
}

// Result returns the connected stream, or the error.
func (f *ConnectTimeoutFuture) Result() (*TCPStream, error) { return f.c.Result() }

// Cancel abandons the connection attempt and stops the timer. It is
// idempotent.
func (f *ConnectTimeoutFuture) Cancel() {
	f.t.stop()
	f.c.Cancel()
}
