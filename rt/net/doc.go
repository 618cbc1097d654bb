// Package net is asyncgo's TCP networking over the rt reactor.
//
// Sockets are raw non-blocking fds registered once with the rt reactor
// (edge-triggered epoll on Linux); Go's netpoller and package net are not
// involved. Every potentially blocking operation is an async function in
// the sense of rt's future ABI: for Read there is
//
//	func (s *TCPStream) Read(p []byte) (int, error)             // blocking bridge, marked //async
//	func (s *TCPStream) ReadAsync(p []byte) TCPStreamReadFuture // the future, lazily built
//
// Inside async code (compiled by asyncgen) a call to Read suspends the task
// instead of blocking a thread; from ordinary goroutine code it blocks the
// goroutine through rt.BlockOn. Every operation first tries its syscall
// directly and waits for readiness only when the kernel says EAGAIN: reads
// wait for readability, writes for writability.
//
// Addresses are "host:port" strings where host is an IPv4 or IPv6 literal
// (IPv6 in brackets), "localhost", or empty (all interfaces for Listen, the
// local host for Connect); port 0 asks Listen for an ephemeral port. Host
// names are not resolved. Errors are *OpError values naming the operation
// and the addresses involved; a malformed address yields an *AddrError
// inside the *OpError.
//
// Operations on a closed stream or listener fail with ErrClosed, and Close
// wakes any task suspended on the stream so that it observes that error.
// Writes use MSG_NOSIGNAL: a reset peer is an error (EPIPE, ECONNRESET),
// never a SIGPIPE.
package net
