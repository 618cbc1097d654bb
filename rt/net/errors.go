//go:build linux

package net

import (
	"errors"
	stdnet "net"
	"net/netip"
	"os"
	"syscall"

	"github.com/asyncgo/asyncgo/rt"
)

// ErrClosed is the error (inside an *OpError) of an operation on a closed
// stream or listener, including one that was suspended when Close ran. It
// is package net's ErrClosed, so that code written for package net (an
// http.Server, crypto/tls) recognizes it through NetConn.
var ErrClosed = stdnet.ErrClosed

// ErrTimeout is the cause (inside an *OpError) of an operation that ran
// out of time: ConnectTimeout, and the deadlines of NetConn. It is
// os.ErrDeadlineExceeded, so errors.Is works with either name, and
// OpError.Timeout reports true.
var ErrTimeout error = os.ErrDeadlineExceeded

// ErrWouldBlock is returned, unwrapped, by the TryRead methods when no
// data is available yet, and by the TryWrite methods when the send buffer
// is full.
var ErrWouldBlock = errors.New("operation would block")

// OpError is the error type of every operation in this package, like
// package net's: it names the operation, the network and the addresses
// involved, and wraps the cause (an *AddrError, ErrClosed, or an
// *os.SyscallError wrapping a syscall.Errno), so errors.Is(err,
// syscall.ECONNREFUSED) and errors.Is(err, ErrClosed) work.
type OpError struct {
	// Op is the operation: "listen", "accept", "connect", "read",
	// "write", "close", "shutdown", "setsockopt", "wait", "resolve" or
	// "adopt".
	Op string
	// Net is the network: "tcp", "udp", "unix", or "ip" for resolution.
	Net string
	// Source is the local address, if known.
	Source netip.AddrPort
	// Addr is the remote address (the listening address for a listener),
	// if known.
	Addr netip.AddrPort
	// Path is the socket path of a "unix" error (the peer's, or the
	// local one when there is no peer), or the host name of a failed
	// resolution.
	Path string
	// Err is the cause.
	Err error
}

// Error formats the error as "op net source->addr: cause".
func (e *OpError) Error() string {
	s := e.Op + " " + e.Net
	switch {
	case e.Source.IsValid() && e.Addr.IsValid():
		s += " " + e.Source.String() + "->" + e.Addr.String()
	case e.Source.IsValid():
		s += " " + e.Source.String()
	case e.Addr.IsValid():
		s += " " + e.Addr.String()
	}
	if e.Path != "" {
		s += " " + e.Path
	}
	return s + ": " + e.Err.Error()
}

// Timeout reports whether the operation ran out of time (ErrTimeout), so
// that *OpError satisfies package net's Error interface.
func (e *OpError) Timeout() bool { return errors.Is(e.Err, ErrTimeout) }

// Temporary reports whether retrying might succeed: true for timeouts and
// for EMFILE/ENFILE-like resource exhaustion. It exists for package net's
// Error interface.
func (e *OpError) Temporary() bool {
	if e.Timeout() {
		return true
	}
	var errno syscall.Errno
	return errors.As(e.Err, &errno) && errno.Temporary()
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// AddrError reports a malformed or unsupported address string.
type AddrError struct {
	// Err describes the problem.
	Err string
	// Addr is the address string as given.
	Addr string
}

// Error formats the error as "address ADDR: problem".
func (e *AddrError) Error() string { return "address " + e.Addr + ": " + e.Err }

// wrapErr maps rt's closed-source error to ErrClosed and wraps a raw errno
// in an *os.SyscallError naming the syscall.
func wrapErr(syscall string, err error) error {
	if err == rt.ErrSourceClosed {
		return ErrClosed
	}
	return os.NewSyscallError(syscall, err)
}
