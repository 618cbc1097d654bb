//go:build linux

package net

import (
	stdnet "net"
	"os"
	"strings"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// UnixListener is a listening Unix domain stream socket registered with
// the rt reactor. Its methods are safe for concurrent use.
type UnixListener struct {
	src  *rt.Source
	path string
	// dev and ino identify the socket file Listen created, so that Close
	// removes it only if it is still the same file.
	dev, ino uint64
}

// ListenUnix opens a Unix domain stream socket listening on path. A path
// starting with '@' names a socket in Linux's abstract namespace (no file
// is created).
//
// Stale socket files: if path exists and is a socket that nobody listens
// on (connecting to it is refused, typically left behind by a process
// that died), ListenUnix removes it and binds again. A socket with a live
// listener is EADDRINUSE, and a path that is not a socket is never
// removed (EADDRINUSE as well). Close removes the socket file, if it is
// still the one ListenUnix created. ListenUnix does not block.
func ListenUnix(path string) (*UnixListener, error) { return listenUnix(path, 0) }

func listenUnix(path string, backlog int) (*UnixListener, error) {
	l, err := listenUnixOnce(path, backlog)
	if err == unix.EADDRINUSE && staleSocket(path) {
		if rerr := unix.Unlink(path); rerr == nil || rerr == unix.ENOENT {
			l, err = listenUnixOnce(path, backlog)
		}
	}
	if err != nil {
		call := "bind"
		if se, ok := err.(*os.SyscallError); ok {
			call, err = se.Syscall, se.Err
		}
		return nil, &OpError{Op: "listen", Net: "unix", Path: path, Err: wrapErr(call, err)}
	}
	return l, nil
}

func listenUnixOnce(path string, backlog int) (*UnixListener, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, err // bare: listenUnix looks for EADDRINUSE
	}
	l := &UnixListener{path: path}
	if !abstract(path) {
		var st unix.Stat_t
		if unix.Stat(path, &st) == nil {
			l.dev, l.ino = st.Dev, st.Ino
		}
	}
	if backlog <= 0 {
		backlog = unix.SOMAXCONN
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		l.unlink()
		return nil, os.NewSyscallError("listen", err)
	}
	if l.src, err = rt.NewSource(fd); err != nil {
		unix.Close(fd)
		l.unlink()
		return nil, err
	}
	return l, nil
}

func abstract(path string) bool { return strings.HasPrefix(path, "@") }

// staleSocket reports whether path is a socket file with no listener.
func staleSocket(path string) bool {
	if abstract(path) {
		return false
	}
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return false
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return unix.Connect(fd, &unix.SockaddrUnix{Name: path}) == unix.ECONNREFUSED
}

// unlink removes the socket file if it is still the one l created.
func (l *UnixListener) unlink() {
	if abstract(l.path) || l.ino == 0 {
		return
	}
	var st unix.Stat_t
	if unix.Lstat(l.path, &st) == nil && st.Dev == l.dev && st.Ino == l.ino {
		unix.Unlink(l.path)
	}
}

// Addr returns the path the listener is bound to.
func (l *UnixListener) Addr() string { return l.path }

// Close closes the listener and removes its socket file (if it is still
// the one ListenUnix created). A task suspended in Accept wakes up and
// fails with ErrClosed. Closing twice returns an error wrapping ErrClosed.
func (l *UnixListener) Close() error {
	if err := l.src.Close(); err != nil {
		return &OpError{Op: "close", Net: "unix", Path: l.path, Err: wrapErr("close", err)}
	}
	l.unlink()
	fdFreed()
	return nil
}

// Accept waits for the next incoming connection and returns it. It backs
// off under descriptor exhaustion as TCPListener.Accept does.
//
//asyncgo:async
func (l *UnixListener) Accept() (*UnixStream, error) {
	f := l.AcceptAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// AcceptAsync returns the future of Accept; nothing happens until it is
// polled.
func (l *UnixListener) AcceptAsync() UnixListenerAcceptFuture {
	return UnixListenerAcceptFuture{l: l}
}

// UnixListenerAcceptFuture is the future of UnixListener.Accept.
type UnixListenerAcceptFuture struct {
	l   *UnixListener
	acc acceptCore
	s   *UnixStream
	err error
}

// Poll tries accept4 and, while it says EAGAIN, waits for the listener to
// become readable.
func (f *UnixListenerAcceptFuture) Poll(cx *rt.Context) bool {
	var rsa unix.RawSockaddrAny
	nfd, err := f.acc.poll(cx, f.l.src, &rsa)
	switch {
	case err == errPending:
		return false
	case err != nil:
		f.err = &OpError{Op: "accept", Net: "unix", Path: f.l.path, Err: err}
		return true
	}
	src, err := rt.NewSource(nfd)
	if err != nil {
		unix.Close(nfd)
		f.err = &OpError{Op: "accept", Net: "unix", Path: f.l.path, Err: err}
		return true
	}
	peer := rawUnixPath(&rsa)
	f.s = newUnixStream(src, f.l.path, peer)
	return true
}

// Result returns the accepted stream, or the error.
func (f *UnixListenerAcceptFuture) Result() (*UnixStream, error) { return f.s, f.err }

// Cancel abandons the accept, releasing the listener's waiter slot. It is
// idempotent.
func (f *UnixListenerAcceptFuture) Cancel() { f.acc.cancel(f.l.src) }

// UnixStream is a connected Unix domain stream socket registered with
// the rt reactor; it has the methods of TCPStream that make sense for it.
// One task may read while another writes; Close may be called from any
// task and wakes both.
type UnixStream struct {
	conn
}

func newUnixStream(src *rt.Source, local, remote string) *UnixStream {
	return &UnixStream{conn{src: src, paths: &unixPaths{local: local, remote: remote}}}
}

// ConnectUnix connects to the Unix domain stream socket at path ('@' for
// the abstract namespace). A listener whose queue is full makes
// ConnectUnix retry (after 1 ms, doubling up to 50 ms) rather than fail;
// a path with no listener is ECONNREFUSED, a missing one ENOENT.
//
//asyncgo:async
func ConnectUnix(path string) (*UnixStream, error) {
	f := ConnectUnixAsync(path)
	rt.BlockOn(&f)
	return f.Result()
}

// ConnectUnixAsync returns the future of ConnectUnix; nothing happens
// until it is polled.
func ConnectUnixAsync(path string) ConnectUnixFuture { return ConnectUnixFuture{path: path} }

// ConnectUnixFuture is the future of ConnectUnix.
type ConnectUnixFuture struct {
	path  string
	t     timer
	delay time.Duration
	until time.Time
	s     *UnixStream
	err   error
	done  bool
}

// Poll tries to connect; while the listener's queue is full it waits for
// the back-off timer.
func (f *ConnectUnixFuture) Poll(cx *rt.Context) bool {
	for !f.done {
		if !f.until.IsZero() && !f.t.poll(cx, f.until) {
			return false
		}
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			f.fail("socket", err)
			break
		}
		for {
			err = unix.Connect(fd, &unix.SockaddrUnix{Name: f.path})
			if err != unix.EINTR {
				break
			}
		}
		if err == unix.EAGAIN {
			unix.Close(fd)
			f.delay = min(max(2*f.delay, time.Millisecond), 50*time.Millisecond)
			f.until = rt.Now().Add(f.delay)
			continue
		}
		if err != nil {
			unix.Close(fd)
			f.fail("connect", err)
			break
		}
		src, err := rt.NewSource(fd)
		if err != nil {
			unix.Close(fd)
			f.fail("", err)
			break
		}
		local := ""
		if sa, err := unix.Getsockname(fd); err == nil {
			if u, ok := sa.(*unix.SockaddrUnix); ok {
				local = u.Name
			}
		}
		f.s = newUnixStream(src, local, f.path)
		f.done = true
	}
	return true
}

func (f *ConnectUnixFuture) fail(call string, err error) {
	f.t.stop()
	if call != "" {
		err = os.NewSyscallError(call, err)
	}
	f.err = &OpError{Op: "connect", Net: "unix", Path: f.path, Err: err}
	f.done = true
}

// Result returns the connected stream, or the error.
func (f *ConnectUnixFuture) Result() (*UnixStream, error) { return f.s, f.err }

// Cancel abandons the connection attempt. It is idempotent.
func (f *ConnectUnixFuture) Cancel() {
	f.t.stop()
	f.done = true
}

// LocalAddr returns the local socket path ("" for an unnamed socket, the
// usual case for a client).
func (s *UnixStream) LocalAddr() string { return s.paths.local }

// RemoteAddr returns the peer's socket path ("" for an unnamed peer, the
// usual case for a server's accepted streams).
func (s *UnixStream) RemoteAddr() string { return s.paths.remote }

// Close closes the stream; tasks suspended on it wake up and fail with
// ErrClosed. Closing twice returns an error wrapping ErrClosed.
func (s *UnixStream) Close() error { return s.close() }

// CloseWrite shuts down the writing side (the peer reads io.EOF).
func (s *UnixStream) CloseWrite() error { return s.closeWrite() }

// Conn returns a net.Conn view of the stream for goroutine code; see
// NetConn.
func (s *UnixStream) Conn() *NetConn {
	return &NetConn{c: &s.conn,
		local:  &stdnet.UnixAddr{Name: s.paths.local, Net: "unix"},
		remote: &stdnet.UnixAddr{Name: s.paths.remote, Net: "unix"}}
}

// TryRead reads what is available without waiting; see
// TCPStream.TryRead.
func (s *UnixStream) TryRead(p []byte) (int, error) { return s.tryRead(p) }

// TryWrite writes what the send buffer takes without waiting; see
// TCPStream.TryWrite.
func (s *UnixStream) TryWrite(p []byte) (int, error) { return s.tryWrite(p) }

// Read reads up to len(p) bytes, waiting until at least one is available;
// see TCPStream.Read.
//
//asyncgo:async
func (s *UnixStream) Read(p []byte) (int, error) {
	f := s.ReadAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// ReadAsync returns the future of Read; nothing happens until it is
// polled.
func (s *UnixStream) ReadAsync(p []byte) UnixStreamReadFuture {
	return UnixStreamReadFuture{readFuture{c: &s.conn, p: p}}
}

// UnixStreamReadFuture is the future of UnixStream.Read.
type UnixStreamReadFuture struct{ readFuture }

// ReadFull reads exactly len(p) bytes; see TCPStream.ReadFull.
//
//asyncgo:async
func (s *UnixStream) ReadFull(p []byte) (int, error) {
	f := s.ReadFullAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// ReadFullAsync returns the future of ReadFull; nothing happens until it
// is polled.
func (s *UnixStream) ReadFullAsync(p []byte) UnixStreamReadFullFuture {
	return UnixStreamReadFullFuture{readFullFuture{c: &s.conn, p: p}}
}

// UnixStreamReadFullFuture is the future of UnixStream.ReadFull.
type UnixStreamReadFullFuture struct{ readFullFuture }

// WaitReadable waits until the stream is readable without reading; see
// TCPStream.WaitReadable.
//
//asyncgo:async
func (s *UnixStream) WaitReadable() error {
	f := s.WaitReadableAsync()
	rt.BlockOn(&f)
	return f.Result()
}

// WaitReadableAsync returns the future of WaitReadable; nothing happens
// until it is polled.
func (s *UnixStream) WaitReadableAsync() UnixStreamWaitReadableFuture {
	return UnixStreamWaitReadableFuture{waitReadableFuture{c: &s.conn}}
}

// UnixStreamWaitReadableFuture is the future of UnixStream.WaitReadable.
type UnixStreamWaitReadableFuture struct{ waitReadableFuture }

// Write writes at least one byte of p; see TCPStream.Write.
//
//asyncgo:async
func (s *UnixStream) Write(p []byte) (int, error) {
	f := s.WriteAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// WriteAsync returns the future of Write; nothing happens until it is
// polled.
func (s *UnixStream) WriteAsync(p []byte) UnixStreamWriteFuture {
	return UnixStreamWriteFuture{writeFuture{c: &s.conn, p: p}}
}

// UnixStreamWriteFuture is the future of UnixStream.Write.
type UnixStreamWriteFuture struct{ writeFuture }

// WriteAll writes all of p; see TCPStream.WriteAll.
//
//asyncgo:async
func (s *UnixStream) WriteAll(p []byte) error {
	rest, done, err := s.writeAllNow(p) // the bridge's fast path
	if done {
		return err
	}
	return s.writeAllWait(rest)
}

// writeAllWait is WriteAll's bridge when it has to wait (the future
// escapes to the heap only here).
func (s *UnixStream) writeAllWait(p []byte) error {
	f := s.WriteAllAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// WriteAllAsync returns the future of WriteAll; nothing happens until it
// is polled.
func (s *UnixStream) WriteAllAsync(p []byte) UnixStreamWriteAllFuture {
	return UnixStreamWriteAllFuture{writeAllFuture{c: &s.conn, p: p}}
}

// UnixStreamWriteAllFuture is the future of UnixStream.WriteAll.
type UnixStreamWriteAllFuture struct{ writeAllFuture }
