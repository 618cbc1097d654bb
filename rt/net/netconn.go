//go:build linux

package net

import (
	stdnet "net"
	"sync"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// NetConn adapts a stream (TCPStream.Conn, UnixStream.Conn) to package
// net's Conn interface, for goroutine code: crypto/tls, bufio, net/http
// clients and servers, anything that takes a net.Conn or an io.Reader or
// io.Writer. Its methods are blocking bridges (they must not be called
// from a task; use the stream's async methods there), and are safe for
// concurrent use, like net.Conn's.
//
// Read returns what is available (at least one byte), io.EOF at end of
// stream; Write writes all of p or fails. Deadlines work as in package
// net: an operation whose deadline has passed, or passes while it waits,
// fails with an *OpError whose Timeout method reports true
// (errors.Is(err, os.ErrDeadlineExceeded)), and changing a deadline
// affects operations already waiting. The stream stays usable after a
// timeout; a timed-out Write may have written a prefix of p (its n).
// Deadlines are the adapter's: two adapters of one stream have their own.
type NetConn struct {
	c      *conn
	local  stdnet.Addr
	remote stdnet.Addr
	rd, wd deadline
}

var _ stdnet.Conn = (*NetConn)(nil)

// Conn returns a net.Conn view of the stream for goroutine code; see
// NetConn. Closing either closes both.
func (s *TCPStream) Conn() *NetConn {
	return &NetConn{c: &s.conn,
		local:  stdnet.TCPAddrFromAddrPort(s.LocalAddr()),
		remote: stdnet.TCPAddrFromAddrPort(s.remote)}
}

// Read reads up to len(p) bytes, blocking until at least one is
// available, the deadline passes, or the stream ends (io.EOF).
func (a *NetConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, a.c.checkOpen("read", "read")
	}
	f := readFuture{c: a.c, p: p}
	if err := a.run(&f, &a.rd, "read"); err != nil {
		return 0, err
	}
	return f.Result()
}

// Write writes all of p, blocking while the send buffer is full. It
// returns len(p), nil, or the number of bytes written and the error
// (including a timeout).
func (a *NetConn) Write(p []byte) (int, error) {
	f := writeAllFuture{c: a.c, p: p}
	if err := a.run(&f, &a.wd, "write"); err != nil {
		return len(p) - len(f.p), err
	}
	return len(p) - len(f.p), f.Result()
}

// run blocks on op under the deadline dl.
func (a *NetConn) run(op rt.Pollable, dl *deadline, name string) error {
	f := deadlineFuture{op: op, dl: dl}
	rt.BlockOn(&f)
	if f.timedOut {
		e := a.c.opError(name, "", nil).(*OpError)
		e.Err = ErrTimeout
		return e
	}
	return nil
}

// Close closes the stream; blocked operations fail with ErrClosed.
func (a *NetConn) Close() error { return a.c.close() }

// CloseWrite shuts down the writing side of the stream.
func (a *NetConn) CloseWrite() error { return a.c.closeWrite() }

// LocalAddr returns the local address (a *net.TCPAddr or *net.UnixAddr).
func (a *NetConn) LocalAddr() stdnet.Addr { return a.local }

// RemoteAddr returns the peer's address (a *net.TCPAddr or
// *net.UnixAddr).
func (a *NetConn) RemoteAddr() stdnet.Addr { return a.remote }

// SetDeadline sets both the read and the write deadline.
func (a *NetConn) SetDeadline(t time.Time) error {
	a.rd.set(t)
	a.wd.set(t)
	return nil
}

// SetReadDeadline sets the deadline of current and future Reads; the zero
// time means none.
func (a *NetConn) SetReadDeadline(t time.Time) error { a.rd.set(t); return nil }

// SetWriteDeadline sets the deadline of current and future Writes; the
// zero time means none.
func (a *NetConn) SetWriteDeadline(t time.Time) error { a.wd.set(t); return nil }

// deadline is one direction's deadline and the waiters to wake when it
// changes.
type deadline struct {
	mu   sync.Mutex
	when time.Time
	ws   []rt.Waker
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	d.when = t
	ws := append([]rt.Waker(nil), d.ws...)
	d.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// wait registers w for changes and returns the current deadline.
func (d *deadline) wait(w rt.Waker) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, x := range d.ws {
		if x.WillWake(w) {
			return d.when
		}
	}
	d.ws = append(d.ws, w)
	return d.when
}

func (d *deadline) leave(w rt.Waker) {
	if w.IsZero() {
		return
	}
	d.mu.Lock()
	for i, x := range d.ws {
		if x.WillWake(w) {
			d.ws = append(d.ws[:i], d.ws[i+1:]...)
			break
		}
	}
	d.mu.Unlock()
}

// deadlineFuture runs op until it completes or dl passes.
type deadlineFuture struct {
	op       rt.Pollable
	dl       *deadline
	w        rt.Waker
	t        timer
	timedOut bool
}

// Poll fails with a timeout once the deadline has passed (checked before
// the operation, as package net does), and otherwise polls the operation
// and the timer.
func (f *deadlineFuture) Poll(cx *rt.Context) bool {
	if w := cx.Waker(); !f.w.WillWake(w) {
		f.dl.leave(f.w)
		f.w = w
	}
	when := f.dl.wait(f.w)
	if !when.IsZero() && !time.Now().Before(when) {
		f.op.Cancel()
		f.timedOut = true
		f.finish()
		return true
	}
	if f.op.Poll(cx) {
		f.finish()
		return true
	}
	if when.IsZero() {
		f.t.stop()
		return false
	}
	if f.t.poll(cx, when) {
		f.op.Cancel()
		f.timedOut = true
		f.finish()
		return true
	}
	return false
}

func (f *deadlineFuture) finish() {
	f.t.stop()
	f.dl.leave(f.w)
	f.w = rt.Waker{}
}

// Cancel cancels the operation and releases the timer and the deadline
// registration.
func (f *deadlineFuture) Cancel() {
	f.op.Cancel()
	f.finish()
}

// NetListener adapts a TCPListener to package net's Listener interface,
// for goroutine code such as http.Serve: Accept is a blocking bridge that
// returns *NetConn values.
type NetListener struct {
	l    *TCPListener
	addr stdnet.Addr
}

var _ stdnet.Listener = (*NetListener)(nil)

// Listener returns a net.Listener view of l for goroutine code; see
// NetListener. Closing either closes both.
func (l *TCPListener) Listener() *NetListener {
	return &NetListener{l: l, addr: stdnet.TCPAddrFromAddrPort(l.addr)}
}

// Accept waits for the next connection and returns it as a *NetConn.
// After Close it fails with an error wrapping ErrClosed (package net's).
func (nl *NetListener) Accept() (stdnet.Conn, error) {
	s, _, err := nl.l.Accept()
	if err != nil {
		return nil, err
	}
	return s.Conn(), nil
}

// Close closes the listener; a blocked Accept fails with ErrClosed.
func (nl *NetListener) Close() error { return nl.l.Close() }

// Addr returns the listener's address as a *net.TCPAddr.
func (nl *NetListener) Addr() stdnet.Addr { return nl.addr }
