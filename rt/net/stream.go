//go:build linux

package net

import (
	"net/netip"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// TCPStream is a connected TCP socket registered with the rt reactor. One
// task may read while another writes; Close may be called from any task
// and wakes both.
type TCPStream struct {
	conn
}

func newTCPStream(src *rt.Source, remote netip.AddrPort) *TCPStream {
	return &TCPStream{conn{src: src, remote: remote}}
}

// LocalAddr returns the local address of the connection.
// It asks the kernel (getsockname) and returns the zero AddrPort once the
// stream is closed.
func (s *TCPStream) LocalAddr() netip.AddrPort { return s.localAddr() }

// RemoteAddr returns the peer's address.
func (s *TCPStream) RemoteAddr() netip.AddrPort { return s.remote }

// Close closes the connection. Tasks suspended in Read or Write on it wake
// up and fail with ErrClosed. Closing twice returns an error wrapping
// ErrClosed.
func (s *TCPStream) Close() error { return s.close() }

// CloseWrite shuts down the writing side (the peer reads io.EOF); reading
// continues to work.
func (s *TCPStream) CloseWrite() error { return s.closeWrite() }

// SetNoDelay sets TCP_NODELAY: with on (package net's default for its
// connections, but not the kernel's, nor this package's), small writes are
// sent at once instead of being coalesced by Nagle's algorithm.
func (s *TCPStream) SetNoDelay(on bool) error {
	return s.setsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(on))
}

// SetKeepAlive enables TCP keep-alive probes on an idle connection, the
// first after period of idleness and then every period, or disables them
// when period <= 0. Periods are rounded up to whole seconds. A peer that
// stops answering makes pending and later operations fail (ETIMEDOUT).
func (s *TCPStream) SetKeepAlive(period time.Duration) error {
	if period <= 0 {
		return s.setsockopt(unix.SOL_SOCKET, unix.SO_KEEPALIVE, 0)
	}
	secs := int((period + time.Second - 1) / time.Second)
	if err := s.setsockopt(unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, secs); err != nil {
		return err
	}
	if err := s.setsockopt(unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, secs); err != nil {
		return err
	}
	return s.setsockopt(unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
}

func (c *conn) setsockopt(level, opt, value int) error {
	fd, err := c.src.Acquire()
	if err == nil {
		err = unix.SetsockoptInt(fd, level, opt, value)
		c.src.Release()
	}
	if err != nil {
		return c.opError("setsockopt", "setsockopt", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
	return TCPStreamReadFuture{readFuture{c: &s.conn, p: p}}
}

// TCPStreamReadFuture is the future of TCPStream.Read.
type TCPStreamReadFuture struct{ readFuture }

// ReadFull reads exactly len(p) bytes, like io.ReadFull: it returns
// len(p), nil, or the count read so far and io.EOF (nothing was read),
// io.ErrUnexpectedEOF (the stream ended in the middle), or the error.
//
//asyncgo:async
func (s *TCPStream) ReadFull(p []byte) (int, error) {
	f := s.ReadFullAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// ReadFullAsync returns the future of ReadFull; nothing happens until it
// is polled.
func (s *TCPStream) ReadFullAsync(p []byte) TCPStreamReadFullFuture {
	return TCPStreamReadFullFuture{readFullFuture{c: &s.conn, p: p}}
}

// TCPStreamReadFullFuture is the future of TCPStream.ReadFull.
type TCPStreamReadFullFuture struct{ readFullFuture }

// TryRead reads what is available into p without waiting. When nothing
// is, it returns 0, ErrWouldBlock (the bare sentinel, not wrapped). It is
// an ordinary function, usable anywhere; see WaitReadable for the pattern
// it serves.
func (s *TCPStream) TryRead(p []byte) (int, error) { return s.tryRead(p) }

// WaitReadable waits until the stream is readable without reading
// anything, so that the caller needs no buffer while it waits: see "Idle
// connections without buffers" in the package documentation. It returns
// nil when data, end of stream or an error is pending (a TryRead will
// tell which; rarely the readiness is stale and TryRead says
// ErrWouldBlock), or an error wrapping ErrClosed.
//
//asyncgo:async
func (s *TCPStream) WaitReadable() error {
	f := s.WaitReadableAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// WaitReadableAsync returns the future of WaitReadable; nothing happens
// until it is polled.
func (s *TCPStream) WaitReadableAsync() TCPStreamWaitReadableFuture {
	return TCPStreamWaitReadableFuture{waitReadableFuture{c: &s.conn}}
}

// TCPStreamWaitReadableFuture is the future of TCPStream.WaitReadable.
type TCPStreamWaitReadableFuture struct{ waitReadableFuture }

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
	return TCPStreamWriteFuture{writeFuture{c: &s.conn, p: p}}
}

// TCPStreamWriteFuture is the future of TCPStream.Write.
type TCPStreamWriteFuture struct{ writeFuture }

// TryWrite writes what the socket's send buffer takes of p without
// waiting: n < len(p) when the buffer filled up. When it takes nothing,
// TryWrite returns 0, ErrWouldBlock (the bare sentinel, not wrapped). It
// is an ordinary function, usable anywhere. A server that answers from
// memory writes with it first, and waits (WriteAll) only for what is left,
// which over a socket with room is nothing:
//
//	n, err := s.TryWrite(out)
//	if err == net.ErrWouldBlock {
//		n, err = 0, nil
//	}
//	if err == nil && n < len(out) {
//		err = s.WriteAll(out[n:])
//	}
//
// A zero-length p returns 0, nil (or an error if the stream is closed). A
// reset peer is an error, never a SIGPIPE.
func (s *TCPStream) TryWrite(p []byte) (int, error) { return s.tryWrite(p) }

// WriteAll writes all of p, waiting for writability whenever the send
// buffer is full. It returns nil once every byte was handed to the kernel,
// or the first error.
//
//asyncgo:async
func (s *TCPStream) WriteAll(p []byte) error {
	rest, done, err := s.writeAllNow(p) // the bridge's fast path
	if done {
		return err
	}
	return s.writeAllWait(rest)
}

// writeAllWait is WriteAll's bridge when it has to wait (the future
// escapes to the heap only here).
func (s *TCPStream) writeAllWait(p []byte) error {
	f := s.WriteAllAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// WriteAllAsync returns the future of WriteAll; nothing happens until it
// is polled.
func (s *TCPStream) WriteAllAsync(p []byte) TCPStreamWriteAllFuture {
	return TCPStreamWriteAllFuture{writeAllFuture{c: &s.conn, p: p}}
}

// TCPStreamWriteAllFuture is the future of TCPStream.WriteAll.
type TCPStreamWriteAllFuture struct{ writeAllFuture }
