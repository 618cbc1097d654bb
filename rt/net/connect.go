//go:build linux

package net

import (
	"net/netip"
	"os"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// Connect opens a TCP connection to addr ("host:port"; an empty host is
// the local host). It starts a non-blocking connect, waits for the socket
// to become writable, and reads SO_ERROR: a refused or unreachable
// connection is an error returned by Connect itself.
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

// ConnectFuture is the future of Connect.
type ConnectFuture struct {
	addr   string
	remote netip.AddrPort
	src    *rt.Source // set while connecting
	wait   waitState
	s      *TCPStream
	err    error
	done   bool
}

// Poll starts the connection on the first call, then waits for
// writability and checks SO_ERROR.
func (f *ConnectFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	if f.src == nil {
		if f.start() {
			f.done = true
			return true
		}
	}
	for {
		ev := f.src.Snapshot(rt.Writable)
		if ev.Ready() == 0 && !f.wait.poll(cx, f.src, rt.Writable) {
			return false
		}
		switch err := f.check(); err {
		case nil:
			f.wait.done()
			f.s = &TCPStream{src: f.src, remote: f.remote}
			if fd, err := f.src.Acquire(); err == nil {
				f.s.local = localAddr(fd)
				f.src.Release()
			}
			f.src = nil
			f.done = true
			return true
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR, unix.ENOTCONN:
			if ev.Ready()&(rt.ReadyWriteClosed|rt.ReadyShutdown) != 0 {
				// Hung up (final) yet not connected: never will be.
				f.fail(err)
				return true
			}
			// Spurious readiness: not connected yet.
			f.src.ClearReady(ev)
		default:
			f.fail(err)
			return true
		}
	}
}

// start parses the address and issues connect(2). It returns true when
// the future is complete (connected at once, or failed).
func (f *ConnectFuture) start() bool {
	ap, err := parseAddr(f.addr, false)
	if err != nil {
		f.err = &OpError{Op: "connect", Net: "tcp", Err: err}
		return true
	}
	f.remote = ap
	sa, family := sockaddr(ap)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		f.err = &OpError{Op: "connect", Net: "tcp", Addr: ap, Err: os.NewSyscallError("socket", err)}
		return true
	}
	err = unix.Connect(fd, sa)
	switch err {
	case nil, unix.EINPROGRESS, unix.EINTR, unix.EALREADY:
	default:
		unix.Close(fd)
		f.err = &OpError{Op: "connect", Net: "tcp", Addr: ap, Err: os.NewSyscallError("connect", err)}
		return true
	}
	// Registered only now: a socket that has not started connecting
	// reports EPOLLHUP, a final readiness that would never clear.
	src, rerr := rt.NewSource(fd)
	if rerr != nil {
		unix.Close(fd)
		f.err = &OpError{Op: "connect", Net: "tcp", Addr: ap, Err: rerr}
		return true
	}
	if err == nil {
		f.s = &TCPStream{src: src, local: localAddr(fd), remote: ap}
		return true
	}
	f.src = src
	return false
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

func (f *ConnectFuture) fail(err error) {
	f.wait.done()
	f.src.Close()
	f.src = nil
	f.done = true
	call := "connect"
	if err == rt.ErrSourceClosed {
		call = ""
	}
	f.err = &OpError{Op: "connect", Net: "tcp", Addr: f.remote, Err: wrapErr(call, err)}
}

// Result returns the connected stream, or the error.
func (f *ConnectFuture) Result() (*TCPStream, error) { return f.s, f.err }

// Cancel abandons the connection attempt and closes its socket. It is
// idempotent, and a no-op once the future has completed.
func (f *ConnectFuture) Cancel() {
	f.wait.done()
	if f.src != nil {
		f.src.Close()
		f.src = nil
	}
	f.done = true
}
