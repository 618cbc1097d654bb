//go:build linux

package net

import (
	"io"
	"net/netip"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// conn is the part shared by the stream types (TCPStream, UnixStream): the
// reactor Source and the addresses used in errors. The futures below
// (readFuture, writeFuture, ...) hold a *conn; each exported stream type
// wraps them in its own exported future types, as the naming convention
// requires (TCPStreamReadFuture, UnixStreamReadFuture, ...).
//
// It is kept small (48 bytes) because every idle connection holds one:
// the Unix socket paths live behind a pointer that TCP connections leave
// nil, and the local address is asked of the kernel when it is wanted
// (rarely: LocalAddr, errors), which also saves a getsockname per accept.
type conn struct {
	src    *rt.Source
	remote netip.AddrPort // tcp
	paths  *unixPaths     // unix; nil for tcp
}

// localAddr returns the local address of a TCP connection (getsockname),
// or the zero AddrPort once it is closed.
func (c *conn) localAddr() netip.AddrPort {
	fd, err := c.src.Acquire()
	if err != nil {
		return netip.AddrPort{}
	}
	defer c.src.Release()
	return localAddr(fd)
}

// unixPaths are the socket paths of a Unix stream.
type unixPaths struct {
	local, remote string
}

// network returns "unix" or "tcp".
func (c *conn) network() string {
	if c.paths != nil {
		return "unix"
	}
	return "tcp"
}

func (c *conn) opError(op, call string, err error) error {
	e := &OpError{Op: op, Net: c.network(), Addr: c.remote, Err: wrapErr(call, err)}
	if c.paths == nil {
		e.Source = c.localAddr()
	} else {
		e.Path = c.paths.remote
		if e.Path == "" {
			e.Path = c.paths.local
		}
	}
	return e
}

func (c *conn) close() error {
	if err := c.src.Close(); err != nil {
		return c.opError("close", "close", err)
	}
	fdFreed()
	return nil
}

func (c *conn) closeWrite() error {
	fd, err := c.src.Acquire()
	if err == nil {
		err = unix.Shutdown(fd, unix.SHUT_WR)
		c.src.Release()
	}
	if err != nil {
		return c.opError("shutdown", "shutdown", err)
	}
	return nil
}

// read is one recv(2) (recvfrom without an address), retried on EINTR.
//
// recv rather than read(2): on a socket both end in the same receive
// path, but read(2) first goes through the file layer (the f_pos lock
// check, rw_verify_area, read_iter), which costs about 30 ns more per
// call (BenchmarkTryReadEmpty: 455 ns with read, 430 ns with recv, on
// the 2-core benchmark machine). Rust's standard library, and so Tokio,
// also read sockets with recv.
//
// The stream's fd is non-blocking, so recv(2) and send(2) never sleep, and
// both are made as raw system calls: a raw call does not tell the Go
// scheduler that the thread is in a system call. A send over loopback
// runs the peer's receive path and may take tens of microseconds; seen in
// a system call for that long, its P would be handed off by sysmon, which
// then keeps waking every 20 µs. In the echo benchmark the raw calls cut
// the server's context switches by about 30% and sysmon's wake-ups by
// about 78% (perf stat -e context-switches,syscalls:sys_enter_nanosleep).
func (c *conn) read(p []byte) (int, error) {
	fd, err := c.src.Acquire()
	if err != nil {
		return 0, err
	}
	for {
		r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd),
			uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), 0, 0, 0)
		if e != unix.EINTR {
			c.src.Release()
			if e != 0 {
				return 0, e
			}
			raceWrote(p[:r])
			return int(r), nil
		}
	}
}

// send is one send(2) with MSG_NOSIGNAL, retried on EINTR; a raw call,
// like read.
func (c *conn) send(p []byte) (int, error) {
	fd, err := c.src.Acquire()
	if err != nil {
		return 0, err
	}
	raceRead(p)
	for {
		r, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd),
			uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)),
			unix.MSG_NOSIGNAL, 0, 0)
		if e != unix.EINTR {
			c.src.Release()
			if e != 0 {
				return 0, e
			}
			return int(r), nil
		}
	}
}

// checkOpen returns the error of an operation on a closed conn, or nil.
func (c *conn) checkOpen(op, call string) error {
	if c.src.Closed() {
		return c.opError(op, call, rt.ErrSourceClosed)
	}
	return nil
}

// errPending is the "not done" marker of the poll helpers; it never
// escapes.
//
// Every poll helper that may complete without waiting (a read with data
// available, a write that fits, an accept with a connection queued) first
// spends a unit of the task's cooperative budget (rt.Context.Proceed) and
// returns errPending when it is used up: the task has been woken and is
// polled again after the other tasks had a turn.
var errPending = &OpError{}

// pollRead reads at least one byte into p (nothing for an empty p), or
// returns errPending after registering for readability. End of stream is
// 0, io.EOF.
func (c *conn) pollRead(cx *rt.Context, ws *waitState, p []byte) (int, error) {
	if !cx.Proceed() { // the read may complete at once: cooperative budget
		return 0, errPending
	}
	if len(p) == 0 {
		return 0, c.checkOpen("read", "read")
	}
	for {
		ev := c.src.Snapshot(rt.Readable)
		if ev.Ready() == 0 {
			// Known drained, and no edge since: wait without a syscall.
			if !ws.poll(cx, c.src, rt.Readable) {
				return 0, errPending
			}
			continue
		}
		n, err := c.read(p)
		if err != unix.EAGAIN {
			ws.done(c.src, rt.Readable)
			switch {
			case err != nil:
				return 0, c.opError("read", "read", err)
			case n == 0:
				return 0, io.EOF
			}
			c.drainedRead(ev, n, len(p))
			return n, nil
		}
		c.src.ClearReady(ev) // ev predates the failed read: no edge lost
		if !ws.poll(cx, c.src, rt.Readable) {
			return 0, errPending
		}
	}
}

// drainedRead clears the read readiness of ev after a read that returned
// n < want bytes from a TCP socket: a short read emptied the receive
// queue, so the next read would only say EAGAIN. Data that arrives after
// the read raises a new edge (the tick moves on, and ClearReady keeps
// the bit), so nothing is lost, and the next read waits for that edge
// without the EAGAIN syscall. (Tokio does the same.) Unix streams are
// left alone: their reads may stop early at a boundary between senders
// or at passed descriptors with data still queued.
func (c *conn) drainedRead(ev rt.ReadyEvent, n, want int) {
	if n < want && c.paths == nil {
		c.src.ClearReady(ev.Only(rt.ReadyReadable))
	}
}

// drainedWrite is drainedRead's twin for writes: a short send to a TCP
// socket means its send buffer is full, so the next send waits for
// writability instead of failing with EAGAIN first.
func (c *conn) drainedWrite(ev rt.ReadyEvent, n, want int) {
	if n < want && c.paths == nil {
		c.src.ClearReady(ev.Only(rt.ReadyWritable))
	}
}

// tryRead is one read attempt that never waits: ErrWouldBlock when no
// data is available (the readiness it disproved is cleared, so a following
// WaitReadable really waits).
func (c *conn) tryRead(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, c.checkOpen("read", "read")
	}
	ev := c.src.Snapshot(rt.Readable)
	n, err := c.read(p)
	switch {
	case err == unix.EAGAIN:
		c.src.ClearReady(ev)
		return 0, ErrWouldBlock
	case err != nil:
		return 0, c.opError("read", "read", err)
	case n == 0:
		return 0, io.EOF
	}
	c.drainedRead(ev, n, len(p))
	return n, nil
}

// tryWrite is one send attempt that never waits: it returns what the
// socket took (a short count when its send buffer filled up), or
// ErrWouldBlock when it took nothing (the writability it disproved is
// cleared, so a following write waits for the edge). A socket known to be
// full is not asked.
func (c *conn) tryWrite(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, c.checkOpen("write", "write")
	}
	ev := c.src.Snapshot(rt.Writable)
	if ev.Ready() == 0 {
		return 0, ErrWouldBlock // known full, and no edge since
	}
	n, err := c.send(p)
	switch {
	case err == unix.EAGAIN:
		c.src.ClearReady(ev) // ev predates the failed send: no edge lost
		return 0, ErrWouldBlock
	case err != nil:
		return 0, c.opError("write", "write", err)
	}
	c.drainedWrite(ev, n, len(p))
	return n, nil
}

// pollWrite writes at least one byte of p (nothing for an empty p), or
// returns errPending after registering for writability.
func (c *conn) pollWrite(cx *rt.Context, ws *waitState, p []byte) (int, error) {
	if !cx.Proceed() { // the write may complete at once: cooperative budget
		return 0, errPending
	}
	if len(p) == 0 {
		return 0, c.checkOpen("write", "write")
	}
	for {
		ev := c.src.Snapshot(rt.Writable)
		if ev.Ready() == 0 {
			// Known full, and no edge since: wait without a syscall.
			if !ws.poll(cx, c.src, rt.Writable) {
				return 0, errPending
			}
			continue
		}
		n, err := c.send(p)
		if err != unix.EAGAIN {
			ws.done(c.src, rt.Writable)
			if err != nil {
				return 0, c.opError("write", "write", err)
			}
			c.drainedWrite(ev, n, len(p))
			return n, nil
		}
		c.src.ClearReady(ev) // ev predates the failed send: no edge lost
		if !ws.poll(cx, c.src, rt.Writable) {
			return 0, errPending
		}
	}
}

// writeAllNow is the goroutine bridge's fast path of WriteAll: it sends
// without any future while the socket takes the bytes. done reports that
// the write is over (all written, or err); otherwise rest remains, the
// socket said EAGAIN, and the caller waits with a WriteAll future (only
// that path allocates one). An empty p is left to the future.
func (c *conn) writeAllNow(p []byte) (rest []byte, done bool, err error) {
	for len(p) > 0 {
		ev := c.src.Snapshot(rt.Writable)
		if ev.Ready() == 0 {
			return p, false, nil // known full: wait for the edge
		}
		n, err := c.send(p)
		if err == unix.EAGAIN {
			c.src.ClearReady(ev) // ev predates the failed send: no edge lost
			return p, false, nil
		}
		if err != nil {
			return nil, true, c.opError("write", "write", err)
		}
		c.drainedWrite(ev, n, len(p))
		p = p[n:]
		if len(p) == 0 {
			return nil, true, nil
		}
	}
	return p, false, nil
}

// pollWaitReadable completes when the conn is readable, at end of
// stream, on a pending error, or when it is closed (then with ErrClosed).
func (c *conn) pollWaitReadable(cx *rt.Context, ws *waitState) error {
	if !cx.Proceed() { // may complete at once: cooperative budget
		return errPending
	}
	if ev := c.src.Snapshot(rt.Readable); ev.Assumed() && ev.Ready() == rt.ReadyReadable {
		// A new stream is only assumed readable (see rt.NewSource): ask
		// the kernel once, so that WaitReadable really waits.
		if c.peekEmpty() {
			c.src.ClearReady(ev)
		}
	}
	if !ws.poll(cx, c.src, rt.Readable) {
		return errPending
	}
	ws.done(c.src, rt.Readable)
	return c.checkOpen("wait", "")
}

// peekEmpty reports whether a non-consuming read finds nothing to read
// (EAGAIN); data, end of stream and errors all count as not empty.
func (c *conn) peekEmpty() bool {
	fd, err := c.src.Acquire()
	if err != nil {
		return false
	}
	defer c.src.Release()
	var b [1]byte
	for {
		// The raw call: unix.Recvfrom would allocate a sockaddr buffer.
		_, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd),
			uintptr(unsafe.Pointer(&b[0])), 1, unix.MSG_PEEK|unix.MSG_DONTWAIT, 0, 0)
		if e != unix.EINTR {
			return e == unix.EAGAIN
		}
	}
}

// opErr narrows an error of the conn's operations (always an *OpError,
// built by opError, or errPending) to the pointer, so that a future keeps
// 8 bytes, not a 16-byte interface, for it; nil stays nil.
func opErr(err error) *OpError {
	if err == nil {
		return nil
	}
	return err.(*OpError)
}

// readFuture is the shared implementation of the Read futures.
type readFuture struct {
	c    *conn
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries recv(2) and, while it says EAGAIN, waits for readability.
func (f *readFuture) Poll(cx *rt.Context) bool {
	f.n, f.err = f.c.pollRead(cx, &f.wait, f.p)
	return f.err != errPending
}

// Result returns the number of bytes read and the error (io.EOF at end
// of stream).
func (f *readFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the read, releasing the stream's read waiter slot.
// Nothing has been consumed from the stream. It is idempotent.
func (f *readFuture) Cancel() { f.wait.done(f.c.src, rt.Readable) }

// readFullFuture is the shared implementation of the ReadFull futures.
type readFullFuture struct {
	c    *conn
	p    []byte
	off  int
	wait waitState
	err  error
	done bool
}

// Poll reads until p is full, waiting for readability in between.
func (f *readFullFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	if len(f.p) == 0 {
		f.err = f.c.checkOpen("read", "read")
		f.done = true
		return true
	}
	for f.off < len(f.p) {
		n, err := f.c.pollRead(cx, &f.wait, f.p[f.off:])
		if err == errPending {
			return false
		}
		if err != nil {
			if err == io.EOF && f.off > 0 {
				err = io.ErrUnexpectedEOF
			}
			f.err = err
			break
		}
		f.off += n
	}
	f.done = true
	return true
}

// Result returns the number of bytes read (len(p) on success) and the
// error: io.EOF if the stream ended before any byte, io.ErrUnexpectedEOF
// if it ended after some.
func (f *readFullFuture) Result() (int, error) { return f.off, f.err }

// Cancel abandons the read, releasing the stream's read waiter slot. A
// prefix of p (Result's count) may already have been consumed from the
// stream. It is idempotent.
func (f *readFullFuture) Cancel() { f.wait.done(f.c.src, rt.Readable); f.done = true }

// writeFuture is the shared implementation of the Write futures.
type writeFuture struct {
	c    *conn
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries send(2) and, while it says EAGAIN, waits for writability.
func (f *writeFuture) Poll(cx *rt.Context) bool {
	f.n, f.err = f.c.pollWrite(cx, &f.wait, f.p)
	return f.err != errPending
}

// Result returns the number of bytes written and the error.
func (f *writeFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the write, releasing the stream's write waiter slot.
// It is idempotent.
func (f *writeFuture) Cancel() { f.wait.done(f.c.src, rt.Writable) }

// writeAllFuture is the shared implementation of the WriteAll futures.
type writeAllFuture struct {
	c    *conn
	p    []byte // what remains to be written (also after an error)
	wait waitState
	err  *OpError
}

// Poll writes as much as the socket takes, and waits for writability
// while bytes remain. (Like every Poll it is not called again once it has
// returned true: an empty p here is an empty p from the caller.)
func (f *writeAllFuture) Poll(cx *rt.Context) bool {
	if len(f.p) == 0 {
		f.err = opErr(f.c.checkOpen("write", "write"))
		return true
	}
	for len(f.p) > 0 {
		n, err := f.c.pollWrite(cx, &f.wait, f.p)
		if err == errPending {
			return false
		}
		if err != nil {
			f.err = opErr(err) // f.p keeps what was not written
			break
		}
		f.p = f.p[n:]
	}
	return true
}

// Result returns nil if all of p was written, or the error.
func (f *writeAllFuture) Result() error {
	if f.err == nil {
		return nil
	}
	return f.err
}

// Cancel abandons the write, releasing the stream's write waiter slot.
// A prefix of p may already have been written. It is idempotent.
func (f *writeAllFuture) Cancel() { f.wait.done(f.c.src, rt.Writable) }

// waitReadableFuture is the shared implementation of the WaitReadable
// futures.
type waitReadableFuture struct {
	c    *conn
	wait waitState
	err  *OpError
}

// Poll completes when the stream is readable (or at end of stream, on an
// error, or on Close).
func (f *waitReadableFuture) Poll(cx *rt.Context) bool {
	f.err = opErr(f.c.pollWaitReadable(cx, &f.wait))
	return f.err != errPending
}

// Result returns nil when the stream became readable (a read will return
// data, io.EOF or the pending error, or ErrWouldBlock if the readiness was
// stale), or an error wrapping ErrClosed.
func (f *waitReadableFuture) Result() error {
	if f.err == nil {
		return nil
	}
	return f.err
}

// Cancel abandons the wait, releasing the stream's read waiter slot. It
// is idempotent.
func (f *waitReadableFuture) Cancel() { f.wait.done(f.c.src, rt.Readable) }
