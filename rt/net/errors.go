//go:build linux

package net

import (
	"errors"
	"net/netip"
	"os"

	"github.com/asyncgo/asyncgo/rt"
)

// ErrClosed is the error (inside an *OpError) of an operation on a closed
// stream or listener, including one that was suspended when Close ran.
var ErrClosed = errors.New("use of closed network connection")

// OpError is the error type of every operation in this package, like
// package net's: it names the operation, the network and the addresses
// involved, and wraps the cause (an *AddrError, ErrClosed, or an
// *os.SyscallError wrapping a syscall.Errno), so errors.Is(err,
// syscall.ECONNREFUSED) and errors.Is(err, ErrClosed) work.
type OpError struct {
	// Op is the operation: "listen", "accept", "connect", "read",
	// "write", "close" or "shutdown".
	Op string
	// Net is the network, "tcp".
	Net string
	// Source is the local address, if known.
	Source netip.AddrPort
	// Addr is the remote address (the listening address for a listener),
	// if known.
	Addr netip.AddrPort
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
	return s + ": " + e.Err.Error()
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
