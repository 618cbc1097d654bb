//go:build linux

package net

import (
	"os"
	"syscall"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// TCPStreamFromFD adopts fd, a connected TCP socket (IPv4 or IPv6): it is
// switched to non-blocking mode and registered with the reactor, and the
// returned stream owns it (Close closes it). On error the caller still
// owns fd. Use it for descriptors inherited from a parent process or
// received over a Unix socket.
func TCPStreamFromFD(fd int) (*TCPStream, error) {
	if err := checkSocket(fd, false); err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	peer, err := unix.Getpeername(fd)
	if err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: os.NewSyscallError("getpeername", err)}
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: os.NewSyscallError("fcntl", err)}
	}
	src, err := rt.NewSource(fd)
	if err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	return newTCPStream(src, addrPort(peer)), nil
}

// TCPStreamFromConn adopts a duplicate of the descriptor of c, typically
// a *net.TCPConn or an *os.File holding a connected TCP socket. c stays
// valid and owned by the caller, who normally closes it right away: the
// two share the connection (and its non-blocking mode, which this
// switches on), so using both leads to interleaved data.
func TCPStreamFromConn(c syscall.Conn) (*TCPStream, error) {
	fd, err := dupConn(c)
	if err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	s, err := TCPStreamFromFD(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

// TCPListenerFromFD adopts fd, a listening TCP socket, as
// TCPStreamFromFD does a connected one.
func TCPListenerFromFD(fd int) (*TCPListener, error) {
	if err := checkSocket(fd, true); err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: os.NewSyscallError("fcntl", err)}
	}
	src, err := rt.NewSource(fd)
	if err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	return &TCPListener{src: src, addr: localAddr(fd)}, nil
}

// TCPListenerFromConn adopts a duplicate of the descriptor of c, typically
// a *net.TCPListener or an *os.File holding a listening TCP socket (for
// instance one passed by systemd socket activation). c stays owned by the
// caller.
func TCPListenerFromConn(c syscall.Conn) (*TCPListener, error) {
	fd, err := dupConn(c)
	if err != nil {
		return nil, &OpError{Op: "adopt", Net: "tcp", Err: err}
	}
	l, err := TCPListenerFromFD(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return l, nil
}

// checkSocket verifies that fd is an IPv4 or IPv6 stream socket, and
// listening iff listening is true.
func checkSocket(fd int, listening bool) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	acc, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	switch {
	case typ != unix.SOCK_STREAM || (dom != unix.AF_INET && dom != unix.AF_INET6):
		return &AddrError{Err: "not a TCP socket", Addr: "fd"}
	case listening && acc == 0:
		return &AddrError{Err: "not a listening socket", Addr: "fd"}
	case !listening && acc != 0:
		return &AddrError{Err: "a listening socket, not a connection", Addr: "fd"}
	}
	return nil
}

// dupConn duplicates c's descriptor (close-on-exec).
func dupConn(c syscall.Conn) (int, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	nfd, derr := -1, error(nil)
	if err := raw.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	if derr != nil {
		return -1, os.NewSyscallError("fcntl", derr)
	}
	return nfd, nil
}
