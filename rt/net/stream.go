//go:build linux

package net

import (
	"io"
	"net/netip"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// TCPStream is a connected TCP socket registered with the rt reactor. One
// task may read while another writes; Close may be called from any task
// and wakes both.
type TCPStream struct {
	src    *rt.Source
	local  netip.AddrPort
	remote netip.AddrPort
}

// LocalAddr returns the local address of the connection.
func (s *TCPStream) LocalAddr() netip.AddrPort { return s.local }

// RemoteAddr returns the peer's address.
func (s *TCPStream) RemoteAddr() netip.AddrPort { return s.remote }

// Close closes the connection. Tasks suspended in Read or Write on it wake
// up and fail with ErrClosed. Closing twice returns an error wrapping
// ErrClosed.
func (s *TCPStream) Close() error {
	if err := s.src.Close(); err != nil {
		return s.opError("close", "close", err)
	}
	return nil
}

// CloseWrite shuts down the writing side (the peer reads io.EOF); reading
// continues to work.
func (s *TCPStream) CloseWrite() error {
	fd, err := s.src.Acquire()
	if err == nil {
		err = unix.Shutdown(fd, unix.SHUT_WR)
		s.src.Release()
	}
	if err != nil {
		return s.opError("shutdown", "shutdown", err)
	}
	return nil
}

func (s *TCPStream) opError(op, call string, err error) error {
	return &OpError{Op: op, Net: "tcp", Source: s.local, Addr: s.remote, Err: wrapErr(call, err)}
}

// read is one read(2), retried on EINTR.
func (s *TCPStream) read(p []byte) (int, error) {
	fd, err := s.src.Acquire()
	if err != nil {
		return 0, err
	}
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			s.src.Release()
			return n, err
		}
	}
}

// send is one send(2) with MSG_NOSIGNAL, retried on EINTR.
func (s *TCPStream) send(p []byte) (int, error) {
	fd, err := s.src.Acquire()
	if err != nil {
		return 0, err
	}
	for {
		r, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd),
			uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)),
			unix.MSG_NOSIGNAL, 0, 0)
		if e != unix.EINTR {
			s.src.Release()
			if e != 0 {
				return 0, e
			}
			return int(r), nil
		}
	}
}

// Read reads up to len(p) bytes into p, waiting until at least one byte is
// available. At end of stream it returns 0, io.EOF. A zero-length p
// returns 0, nil at once (or an error if the stream is closed).
//
//asyncgo:async
func (s *TCPStream) Read(p []byte) (int, error) {
	f := s.ReadAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// ReadAsync returns the future of Read; nothing happens until it is
// polled.
func (s *TCPStream) ReadAsync(p []byte) TCPStreamReadFuture {
	return TCPStreamReadFuture{s: s, p: p}
}

// TCPStreamReadFuture is the future of TCPStream.Read.
type TCPStreamReadFuture struct {
	s    *TCPStream
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries read(2) and, while it says EAGAIN, waits for readability.
func (f *TCPStreamReadFuture) Poll(cx *rt.Context) bool {
	s := f.s
	if len(f.p) == 0 {
		if _, err := s.src.Acquire(); err != nil {
			f.err = s.opError("read", "read", err)
		} else {
			s.src.Release()
		}
		return true
	}
	for {
		ev := s.src.Snapshot(rt.Readable)
		n, err := s.read(f.p)
		if err != unix.EAGAIN {
			f.wait.done()
			switch {
			case err != nil:
				f.err = s.opError("read", "read", err)
			case n == 0:
				f.err = io.EOF
			default:
				f.n = n
			}
			return true
		}
		s.src.ClearReady(ev) // ev predates the failed read: no edge lost
		if !f.wait.poll(cx, s.src, rt.Readable) {
			return false
		}
	}
}

// Result returns the number of bytes read and the error.
func (f *TCPStreamReadFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the read, releasing the stream's read waiter slot.
// Nothing has been consumed from the stream. It is idempotent.
func (f *TCPStreamReadFuture) Cancel() { f.wait.done() }

// Write writes from p, waiting for writability only when the socket's send
// buffer is full. It returns once at least one byte was written (n may be
// less than len(p); see WriteAll), or with an error. A zero-length p
// returns 0, nil at once (or an error if the stream is closed). A reset
// peer is an error, never a SIGPIPE.
//
//asyncgo:async
func (s *TCPStream) Write(p []byte) (int, error) {
	f := s.WriteAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// WriteAsync returns the future of Write; nothing happens until it is
// polled.
func (s *TCPStream) WriteAsync(p []byte) TCPStreamWriteFuture {
	return TCPStreamWriteFuture{s: s, p: p}
}

// TCPStreamWriteFuture is the future of TCPStream.Write.
type TCPStreamWriteFuture struct {
	s    *TCPStream
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries send(2) and, while it says EAGAIN, waits for writability.
func (f *TCPStreamWriteFuture) Poll(cx *rt.Context) bool {
	f.n, f.err = f.s.pollWrite(cx, &f.wait, f.p)
	return f.err != errPending
}

// Result returns the number of bytes written and the error.
func (f *TCPStreamWriteFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the write, releasing the stream's write waiter slot.
// It is idempotent.
func (f *TCPStreamWriteFuture) Cancel() { f.wait.done() }

// errPending is pollWrite's "not done" marker; it never escapes.
var errPending = &OpError{}

// pollWrite writes at least one byte of p (nothing for an empty p), or
// returns errPending after registering for writability.
func (s *TCPStream) pollWrite(cx *rt.Context, ws *waitState, p []byte) (int, error) {
	if len(p) == 0 {
		if _, err := s.src.Acquire(); err != nil {
			return 0, s.opError("write", "write", err)
		}
		s.src.Release()
		return 0, nil
	}
	for {
		ev := s.src.Snapshot(rt.Writable)
		n, err := s.send(p)
		if err != unix.EAGAIN {
			ws.done()
			if err != nil {
				return 0, s.opError("write", "write", err)
			}
			return n, nil
		}
		s.src.ClearReady(ev) // ev predates the failed send: no edge lost
		if !ws.poll(cx, s.src, rt.Writable) {
			return 0, errPending
		}
	}
}

// WriteAll writes all of p, waiting for writability whenever the send
// buffer is full. It returns nil once every byte was handed to the kernel,
// or the first error.
//
//asyncgo:async
func (s *TCPStream) WriteAll(p []byte) error {
	f := s.WriteAllAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// WriteAllAsync returns the future of WriteAll; nothing happens until it
// is polled.
func (s *TCPStream) WriteAllAsync(p []byte) TCPStreamWriteAllFuture {
	return TCPStreamWriteAllFuture{s: s, p: p}
}

// TCPStreamWriteAllFuture is the future of TCPStream.WriteAll.
type TCPStreamWriteAllFuture struct {
	s    *TCPStream
	p    []byte // what remains to be written
	wait waitState
	err  error
}

// Poll writes as much as the socket takes, and waits for writability
// while bytes remain.
func (f *TCPStreamWriteAllFuture) Poll(cx *rt.Context) bool {
	if len(f.p) == 0 {
		_, f.err = f.s.pollWrite(cx, &f.wait, nil)
		return true
	}
	for len(f.p) > 0 {
		n, err := f.s.pollWrite(cx, &f.wait, f.p)
		if err == errPending {
			return false
		}
		if err != nil {
			f.err = err
			f.p = nil
			return true
		}
		f.p = f.p[n:]
	}
	return true
}

// Result returns nil if all of p was written, or the error.
func (f *TCPStreamWriteAllFuture) Result() error { return f.err }

// Cancel abandons the write, releasing the stream's write waiter slot.
// A prefix of p may already have been written. It is idempotent.
func (f *TCPStreamWriteAllFuture) Cancel() { f.wait.done() }
