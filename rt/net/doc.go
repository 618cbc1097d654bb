// Package net is asyncgo's networking over the rt reactor: TCP listeners
// and streams, UDP sockets, Unix domain stream sockets, and host-name
// resolution.
//
// Sockets are raw non-blocking fds registered once with the rt reactor
// (edge-triggered epoll on Linux); Go's netpoller and package net are not
// involved. Every potentially blocking operation is an async function in
// the sense of rt's future ABI: for Read there is
//
//	func (s *TCPStream) Read(p []byte) (int, error)             // blocking bridge, marked async
//	func (s *TCPStream) ReadAsync(p []byte) TCPStreamReadFuture // the future, lazily built
//
// Inside async code (compiled by asyncgen) a call to Read suspends the task
// instead of blocking a thread; from ordinary goroutine code it blocks the
// goroutine through rt.BlockOn. Every operation first tries its syscall
// directly and waits for readiness only when the kernel has said no: on
// EAGAIN, or, for TCP, after a short read (the receive queue is empty) or
// a short write (the send buffer is full), so a busy connection makes no
// syscall that only reports EAGAIN. Reads wait for readability, writes
// for writability. Every future's Cancel
// releases what it holds (its reactor waiter slot, its timer, a
// connecting socket, a pending lookup) and is idempotent; a cancelled read
// has consumed nothing, a cancelled write may have written a prefix.
//
// # The API at a glance
//
//	TCP:  Listen, ListenAddrPort, ListenConfig{ReusePort, Backlog}.Listen/ListenAddrPort,
//	      (*TCPListener).Accept, Connect, ConnectAddrPort, ConnectTimeout,
//	      (*TCPStream).Read, ReadFull, TryRead, WaitReadable, Write, WriteAll, TryWrite,
//	      CloseWrite, Close, LocalAddr, RemoteAddr, SetNoDelay, SetKeepAlive, Conn
//	UDP:  ListenUDP, ListenUDPAddrPort, DialUDP, DialUDPAddrPort,
//	      (*UDPConn).SendTo, RecvFrom, Send, Recv, Close
//	Unix: ListenUnix, (*UnixListener).Accept, ConnectUnix, (*UnixStream) as TCPStream
//	DNS:  Resolve
//	Interop: (*TCPStream).Conn and (*UnixStream).Conn (a net.Conn), (*TCPListener).Listener
//	      (a net.Listener), TCPStreamFromFD, TCPStreamFromConn, TCPListenerFromFD,
//	      TCPListenerFromConn
//	Buffers: GetBuffer, PutBuffer
//
// # Addresses and resolution
//
// Addresses are "host:port" strings where host is an IPv4 or IPv6 literal
// (IPv6 in brackets, with an optional numeric zone), "localhost" (always
// 127.0.0.1), or empty (all interfaces for Listen, dual-stack where the
// system allows; the local host for Connect); port 0 asks Listen for an
// ephemeral port. The *AddrPort variants take a netip.AddrPort.
//
// Only Connect and Resolve accept host names. They are looked up with
// package net's DefaultResolver (/etc/hosts, then DNS) on a blocking
// goroutine, never on a runtime worker, and with a time limit, so an
// unresolvable name is an error, never a hang; names under ".invalid" fail
// at once. Connect tries the addresses in order and returns the first
// failure if none accepts. Listen, ListenUDP and DialUDP take literals
// only: resolve first if need be.
//
// # Errors
//
// Errors are *OpError values naming the operation, the network and the
// addresses involved, wrapping the cause: an *AddrError (malformed
// address), a *net.DNSError (resolution), ErrClosed (the socket was
// closed, possibly while the operation was suspended: Close wakes every
// task suspended on the socket), ErrTimeout (ConnectTimeout, NetConn
// deadlines; OpError.Timeout reports it), or an *os.SyscallError wrapping
// the errno, so that errors.Is(err, syscall.ECONNREFUSED) works. End of
// stream is a bare io.EOF (io.ErrUnexpectedEOF from ReadFull in the
// middle), and TryRead's "nothing yet" and TryWrite's "no room" are a bare
// ErrWouldBlock.
//
// Faults: EINTR is retried and EAGAIN waited out inside every operation.
// Writes use MSG_NOSIGNAL: a reset peer is an error (EPIPE, ECONNRESET),
// never a SIGPIPE, including in the middle of a large WriteAll. Accept
// does not fail when the process or the system runs out of descriptors
// (EMFILE, ENFILE, ENOBUFS, ENOMEM): it backs off without spinning
// (5 ms doubling up to 100 ms, or until a socket of this package is
// closed) and resumes when descriptors free up.
//
// # Idle connections without buffers
//
// A server with many mostly idle connections should not keep a read
// buffer per connection while it waits. WaitReadable waits for data
// without a buffer; TryRead then reads into a buffer borrowed from the
// shared pool, which goes back to the pool before the next wait:
//
//	for {
//		if err := s.WaitReadable(); err != nil {
//			return err // closed
//		}
//		buf := net.GetBuffer(4096)
//		n, err := s.TryRead(buf)
//		if err == net.ErrWouldBlock { // stale readiness: wait again
//			net.PutBuffer(buf)
//			continue
//		}
//		if err != nil { // io.EOF or a failure
//			net.PutBuffer(buf)
//			return err
//		}
//		err = handle(s, buf[:n]) // may write; must not keep buf
//		net.PutBuffer(buf)
//		if err != nil {
//			return err
//		}
//	}
//
// While suspended in WaitReadable, a connection costs its TCPStream, its
// reactor record and the task's state, and no buffer: in this package's
// TestIdleConnectionMemory an echo task parked this way costs about 380 B
// of server heap per connection, against about 4.1 KB for the same task
// parked in Read with its own 4 KiB buffer (kernel socket buffers aside).
// The pool has size classes of powers of two from 512 B to 64 KiB (one
// sync.Pool each); GetBuffer and PutBuffer do not allocate once it is
// warm.
//
// # Goroutine code and existing descriptors
//
// (*TCPStream).Conn returns a *NetConn, a net.Conn (hence io.Reader and
// io.Writer) for goroutine code, with deadlines; crypto/tls, bufio and
// net/http work over it, and (*TCPListener).Listener gives http.Serve a
// net.Listener. TCPStreamFromFD and TCPStreamFromConn adopt a
// descriptor that exists already (inherited, or from a *net.TCPConn or an
// *os.File); TCPListenerFromFD and TCPListenerFromConn do the same for
// listeners (socket activation).
package net
