//go:build linux

package net

import (
	"errors"
	"net/netip"
	"os"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// UDPConn is a UDP socket registered with the rt reactor: bound with
// ListenUDP (send to and receive from anyone: SendTo, RecvFrom) or
// connected with DialUDP (one peer: Send, Recv; datagrams from others are
// dropped by the kernel). One task may receive while another sends.
//
// Each receive returns one datagram; bytes beyond len(p) are discarded,
// as in package net. A datagram is sent whole or not at all (EMSGSIZE if
// it is too large). On a connected socket, a datagram refused by the peer
// (ICMP port unreachable) makes a later Send or Recv fail with
// ECONNREFUSED.
type UDPConn struct {
	src    *rt.Source
	family int
	local  netip.AddrPort
	remote netip.AddrPort // valid when connected
}

// ListenUDP opens a UDP socket bound to addr ("host:port", as for
// Listen; an empty host binds all interfaces, dual-stack where the system
// allows). It does not block.
func ListenUDP(addr string) (*UDPConn, error) {
	ap, err := parseAddr(addr, true)
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "udp", Err: err}
	}
	u, err := newUDP(ap, netip.AddrPort{})
	if errors.Is(err, unix.EAFNOSUPPORT) && ap.Addr() == netip.IPv6Unspecified() && addr[0] != '[' {
		ap = netip.AddrPortFrom(netip.IPv4Unspecified(), ap.Port())
		u, err = newUDP(ap, netip.AddrPort{})
	}
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "udp", Addr: ap, Err: err}
	}
	return u, nil
}

// ListenUDPAddrPort is ListenUDP on a parsed address.
func ListenUDPAddrPort(ap netip.AddrPort) (*UDPConn, error) {
	if !ap.IsValid() {
		return nil, &OpError{Op: "listen", Net: "udp", Err: &AddrError{Err: "invalid address", Addr: ap.String()}}
	}
	u, err := newUDP(ap, netip.AddrPort{})
	if err != nil {
		return nil, &OpError{Op: "listen", Net: "udp", Addr: ap, Err: err}
	}
	return u, nil
}

// DialUDP opens a UDP socket connected to addr ("host:port" with an IP
// literal or "localhost"; resolve host names with Resolve first and use
// DialUDPAddrPort). Connecting a UDP socket only records the peer, so
// DialUDP does not block.
func DialUDP(addr string) (*UDPConn, error) {
	ap, err := parseAddr(addr, false)
	if err != nil {
		return nil, &OpError{Op: "connect", Net: "udp", Err: err}
	}
	return DialUDPAddrPort(ap)
}

// DialUDPAddrPort is DialUDP on a parsed address.
func DialUDPAddrPort(ap netip.AddrPort) (*UDPConn, error) {
	if !ap.IsValid() {
		return nil, &OpError{Op: "connect", Net: "udp", Err: &AddrError{Err: "invalid address", Addr: ap.String()}}
	}
	u, err := newUDP(netip.AddrPort{}, ap)
	if err != nil {
		return nil, &OpError{Op: "connect", Net: "udp", Addr: ap, Err: err}
	}
	return u, nil
}

// newUDP creates a socket bound to local (if valid) and connected to
// remote (if valid).
func newUDP(local, remote netip.AddrPort) (*UDPConn, error) {
	var family int
	if local.IsValid() {
		_, family = sockaddr(local)
	} else {
		_, family = sockaddr(remote)
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	fail := func(call string, err error) (*UDPConn, error) {
		unix.Close(fd)
		return nil, os.NewSyscallError(call, err)
	}
	if local.IsValid() {
		// No SO_REUSEADDR: on Linux it would let two UDP sockets bind the
		// same port and silently split the traffic.
		if family == unix.AF_INET6 && local.Addr().IsUnspecified() {
			if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0); err != nil {
				return fail("setsockopt", err)
			}
		}
		sa, _ := sockaddr(local)
		if err := unix.Bind(fd, sa); err != nil {
			return fail("bind", err)
		}
	}
	if remote.IsValid() {
		sa, _ := sockaddr(remote)
		if err := unix.Connect(fd, sa); err != nil {
			return fail("connect", err)
		}
	}
	u := &UDPConn{family: family, local: localAddr(fd), remote: remote}
	if u.src, err = rt.NewSource(fd); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return u, nil
}

// LocalAddr returns the local address of the socket.
func (u *UDPConn) LocalAddr() netip.AddrPort { return u.local }

// RemoteAddr returns the peer of a connected socket (DialUDP), or the
// zero AddrPort.
func (u *UDPConn) RemoteAddr() netip.AddrPort { return u.remote }

// Close closes the socket; tasks suspended on it wake up and fail with
// ErrClosed. Closing twice returns an error wrapping ErrClosed.
func (u *UDPConn) Close() error {
	if err := u.src.Close(); err != nil {
		return u.opError("close", "close", netip.AddrPort{}, err)
	}
	fdFreed()
	return nil
}

func (u *UDPConn) opError(op, call string, peer netip.AddrPort, err error) error {
	if !peer.IsValid() {
		peer = u.remote
	}
	return &OpError{Op: op, Net: "udp", Source: u.local, Addr: peer, Err: wrapErr(call, err)}
}

// udpIO runs one syscall attempt (try, on the acquired fd, retried on
// EINTR) until it does not say EAGAIN, waiting for dir in between; it
// returns errPending while waiting.
func (u *UDPConn) udpIO(cx *rt.Context, ws *waitState, dir rt.Interest, try func(fd int) error) error {
	if !cx.Proceed() { // may complete at once: cooperative budget
		return errPending
	}
	for {
		ev := u.src.Snapshot(dir)
		fd, err := u.src.Acquire()
		if err == nil {
			for {
				if err = try(fd); err != unix.EINTR {
					break
				}
			}
			u.src.Release()
		}
		if err != unix.EAGAIN {
			ws.done(u.src, dir)
			return err
		}
		u.src.ClearReady(ev)
		if !ws.poll(cx, u.src, dir) {
			return errPending
		}
	}
}

// sendto is one sendto(2) with MSG_NOSIGNAL; sa may be nil (connected).
func sendto(fd int, p []byte, sa unix.Sockaddr) (int, error) {
	if sa != nil {
		if err := unix.Sendto(fd, p, unix.MSG_NOSIGNAL, sa); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	r, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd),
		uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)),
		unix.MSG_NOSIGNAL, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// target converts ap to a socket address of u's family (an IPv4 address
// on an IPv6 socket is mapped).
func (u *UDPConn) target(ap netip.AddrPort) unix.Sockaddr {
	if u.family == unix.AF_INET6 && ap.Addr().Is4() {
		ap = netip.AddrPortFrom(netip.AddrFrom16(ap.Addr().As16()), ap.Port())
	}
	sa, _ := sockaddr(ap)
	return sa
}

// SendTo sends p as one datagram to addr, waiting only while the socket's
// send buffer is full. It returns len(p), nil or an error.
//
//asyncgo:async
func (u *UDPConn) SendTo(p []byte, addr netip.AddrPort) (int, error) {
	f := u.SendToAsync(p, addr)
	rt.BlockOn(&f)
	return f.Result()
}

// SendToAsync returns the future of SendTo; nothing happens until it is
// polled.
func (u *UDPConn) SendToAsync(p []byte, addr netip.AddrPort) UDPConnSendToFuture {
	return UDPConnSendToFuture{u: u, p: p, to: addr}
}

// UDPConnSendToFuture is the future of UDPConn.SendTo.
type UDPConnSendToFuture struct {
	u    *UDPConn
	p    []byte
	to   netip.AddrPort
	sa   unix.Sockaddr
	wait waitState
	n    int
	err  error
}

// Poll tries sendto(2) and, while it says EAGAIN, waits for writability.
func (f *UDPConnSendToFuture) Poll(cx *rt.Context) bool {
	if !f.to.IsValid() {
		f.err = f.u.opError("write", "", f.to, &AddrError{Err: "invalid address", Addr: f.to.String()})
		return true
	}
	if f.sa == nil {
		f.sa = f.u.target(f.to)
	}
	err := f.u.udpIO(cx, &f.wait, rt.Writable, f.try)
	if err == errPending {
		return false
	}
	if err != nil {
		f.err = f.u.opError("write", "sendto", f.to, err)
	}
	return true
}

func (f *UDPConnSendToFuture) try(fd int) (err error) {
	f.n, err = sendto(fd, f.p, f.sa)
	return err
}

// Result returns the number of bytes sent and the error.
func (f *UDPConnSendToFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the send (nothing was sent), releasing the socket's
// write waiter slot. It is idempotent.
func (f *UDPConnSendToFuture) Cancel() { f.wait.done(f.u.src, rt.Writable) }

// Send sends p as one datagram to the connected peer; see SendTo.
//
//asyncgo:async
func (u *UDPConn) Send(p []byte) (int, error) {
	f := u.SendAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// SendAsync returns the future of Send; nothing happens until it is
// polled.
func (u *UDPConn) SendAsync(p []byte) UDPConnSendFuture {
	return UDPConnSendFuture{u: u, p: p}
}

// UDPConnSendFuture is the future of UDPConn.Send.
type UDPConnSendFuture struct {
	u    *UDPConn
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries send(2) and, while it says EAGAIN, waits for writability.
func (f *UDPConnSendFuture) Poll(cx *rt.Context) bool {
	err := f.u.udpIO(cx, &f.wait, rt.Writable, f.try)
	if err == errPending {
		return false
	}
	if err != nil {
		f.err = f.u.opError("write", "send", netip.AddrPort{}, err)
	}
	return true
}

func (f *UDPConnSendFuture) try(fd int) (err error) {
	f.n, err = sendto(fd, f.p, nil)
	return err
}

// Result returns the number of bytes sent and the error.
func (f *UDPConnSendFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the send (nothing was sent), releasing the socket's
// write waiter slot. It is idempotent.
func (f *UDPConnSendFuture) Cancel() { f.wait.done(f.u.src, rt.Writable) }

// RecvFrom waits for one datagram, copies it into p and returns its
// length (truncated to len(p)) and its sender.
//
//asyncgo:async
func (u *UDPConn) RecvFrom(p []byte) (int, netip.AddrPort, error) {
	f := u.RecvFromAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// RecvFromAsync returns the future of RecvFrom; nothing happens until it
// is polled.
func (u *UDPConn) RecvFromAsync(p []byte) UDPConnRecvFromFuture {
	return UDPConnRecvFromFuture{u: u, p: p}
}

// UDPConnRecvFromFuture is the future of UDPConn.RecvFrom.
type UDPConnRecvFromFuture struct {
	u    *UDPConn
	p    []byte
	wait waitState
	n    int
	from netip.AddrPort
	err  error
}

// Poll tries recvfrom(2) and, while it says EAGAIN, waits for
// readability.
func (f *UDPConnRecvFromFuture) Poll(cx *rt.Context) bool {
	err := f.u.udpIO(cx, &f.wait, rt.Readable, f.try)
	if err == errPending {
		return false
	}
	if err != nil {
		f.err = f.u.opError("read", "recvfrom", netip.AddrPort{}, err)
	}
	return true
}

func (f *UDPConnRecvFromFuture) try(fd int) error {
	n, sa, err := unix.Recvfrom(fd, f.p, 0)
	if err == nil {
		f.n, f.from = n, addrPort(sa)
	}
	return err
}

// Result returns the datagram's length, its sender, and the error.
func (f *UDPConnRecvFromFuture) Result() (int, netip.AddrPort, error) { return f.n, f.from, f.err }

// Cancel abandons the receive (nothing was consumed), releasing the
// socket's read waiter slot. It is idempotent.
func (f *UDPConnRecvFromFuture) Cancel() { f.wait.done(f.u.src, rt.Readable) }

// Recv waits for one datagram from the connected peer and copies it into
// p; see RecvFrom.
//
//asyncgo:async
func (u *UDPConn) Recv(p []byte) (int, error) {
	f := u.RecvAsync(p)
	rt.BlockOn(&f)
	return f.Result()
}

// RecvAsync returns the future of Recv; nothing happens until it is
// polled.
func (u *UDPConn) RecvAsync(p []byte) UDPConnRecvFuture {
	return UDPConnRecvFuture{u: u, p: p}
}

// UDPConnRecvFuture is the future of UDPConn.Recv.
type UDPConnRecvFuture struct {
	u    *UDPConn
	p    []byte
	wait waitState
	n    int
	err  error
}

// Poll tries recv(2) and, while it says EAGAIN, waits for readability.
func (f *UDPConnRecvFuture) Poll(cx *rt.Context) bool {
	err := f.u.udpIO(cx, &f.wait, rt.Readable, f.try)
	if err == errPending {
		return false
	}
	if err != nil {
		f.err = f.u.opError("read", "recv", netip.AddrPort{}, err)
	}
	return true
}

func (f *UDPConnRecvFuture) try(fd int) (err error) {
	f.n, _, err = unix.Recvfrom(fd, f.p, 0)
	return err
}

// Result returns the datagram's length and the error.
func (f *UDPConnRecvFuture) Result() (int, error) { return f.n, f.err }

// Cancel abandons the receive (nothing was consumed), releasing the
// socket's read waiter slot. It is idempotent.
func (f *UDPConnRecvFuture) Cancel() { f.wait.done(f.u.src, rt.Readable) }
