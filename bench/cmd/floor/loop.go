package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// loop is one event loop: a listener, the connections it accepted, and the
// epoll instance they are registered in. Its fields are used by its own
// thread only (run), but stop.
type loop struct {
	ep, lfd, stopFD int
	port            int
	answer          []byte  // HTTP: the answer to each request; echo: nil
	tail            []uint8 // HTTP: per fd, how many bytes of headEnd the last read ended with
	in, out         []byte
}

// headEnd ends every request head.
var headEnd = []byte("\r\n\r\n")

// newLoop opens a listener on addr:port (port 0: a free one, then in
// l.port) with SO_REUSEPORT, and an epoll instance watching it and an
// eventfd that stops the loop.
func newLoop(addr netip.Addr, port int, answer []byte) (*loop, error) {
	l := &loop{answer: answer, in: make([]byte, 64<<10), out: make([]byte, 0, 64<<10)}
	var err error
	if l.lfd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0); err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	unix.SetsockoptInt(l.lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	unix.SetsockoptInt(l.lfd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	if err := unix.Bind(l.lfd, &unix.SockaddrInet4{Port: port, Addr: addr.As4()}); err != nil {
		return nil, fmt.Errorf("bind %v:%d: %w", addr, port, err)
	}
	if err := unix.Listen(l.lfd, 4096); err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	sa, err := unix.Getsockname(l.lfd)
	if err != nil {
		return nil, fmt.Errorf("getsockname: %w", err)
	}
	l.port = sa.(*unix.SockaddrInet4).Port
	if l.ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	if l.stopFD, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	for _, fd := range []int{l.lfd, l.stopFD} {
		if err := unix.EpollCtl(l.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}); err != nil {
			return nil, fmt.Errorf("epoll_ctl: %w", err)
		}
	}
	return l, nil
}

// stop makes run return, from any goroutine.
func (l *loop) stop() {
	unix.Write(l.stopFD, []byte{1, 0, 0, 0, 0, 0, 0, 0})
}

// errStopped is what run returns after stop.
var errStopped = errors.New("floor: loop stopped")

// run serves until stop or an epoll failure, on a thread of its own, then
// closes everything the loop opened.
func (l *loop) run() error {
	runtime.LockOSThread()
	defer l.close()
	evs := make([]unix.EpollEvent, 256)
	for {
		n, err := unix.EpollWait(l.ep, evs, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("epoll_wait: %w", err)
		}
		for _, ev := range evs[:n] {
			switch fd := int(ev.Fd); fd {
			case l.stopFD:
				return errStopped
			case l.lfd:
				l.accept()
			default:
				l.serve(fd)
			}
		}
	}
}

// close closes the loop's connections, listener, eventfd and epoll
// instance.
func (l *loop) close() {
	for fd, t := range l.tail {
		if t&open != 0 {
			unix.Close(fd)
		}
	}
	unix.Close(l.lfd)
	unix.Close(l.stopFD)
	unix.Close(l.ep)
}

// open marks a connection's tail entry; the look-behind proper is 0..3.
const open = 0x80

// accept takes every pending connection.
func (l *loop) accept() {
	for {
		fd, _, err := unix.Accept4(l.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			return // EAGAIN, or a connection reset before it was taken
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := unix.EpollCtl(l.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)}); err != nil {
			unix.Close(fd)
			continue
		}
		for len(l.tail) <= fd {
			l.tail = append(l.tail, 0)
		}
		l.tail[fd] = open
	}
}

// serve answers what one recv on fd returns: the same bytes (echo), or the
// answer once per request head that ends in them (HTTP). It closes fd at
// the end of the stream or on an error.
func (l *loop) serve(fd int) {
	n, errno := sysRecv(fd, l.in)
	if errno == unix.EAGAIN {
		return
	}
	if errno != 0 || n == 0 {
		l.tail[fd] = 0
		unix.Close(fd)
		return
	}
	data := l.in[:n]
	if l.answer != nil {
		l.out = l.out[:0]
		for k := l.requests(fd, data); k > 0; k-- {
			l.out = append(l.out, l.answer...)
		}
		data = l.out
	}
	if !sendAll(fd, data) {
		l.tail[fd] = 0
		unix.Close(fd)
	}
}

// requests counts the request heads that end in data, the continuation of
// fd's stream, and keeps in l.tail[fd] how many bytes of a head's end data
// ends with (a head's end may straddle two reads).
func (l *loop) requests(fd int, data []byte) int {
	n := 0
	if t := int(l.tail[fd] &^ open); t > 0 {
		need := headEnd[t:]
		k := min(len(need), len(data))
		if bytes.Equal(data[:k], need[:k]) {
			if k < len(need) {
				l.tail[fd] = open | uint8(t+k)
				return 0
			}
			n, data = 1, data[k:]
		}
	}
	n += bytes.Count(data, headEnd)
	// The look-behind starts after the last head end: its bytes are spent.
	if i := bytes.LastIndex(data, headEnd); i >= 0 {
		data = data[i+len(headEnd):]
	}
	t := 0
	for s := len(headEnd) - 1; s > 0; s-- {
		if bytes.HasSuffix(data, headEnd[:s]) {
			t = s
			break
		}
	}
	l.tail[fd] = open | uint8(t)
	return n
}

// sendAll sends p on fd, waiting in poll(2) when the socket is full (which
// stalls the loop: see the package comment). It reports whether all of p
// was sent.
func sendAll(fd int, p []byte) bool {
	for len(p) > 0 {
		n, errno := sysSend(fd, p)
		switch {
		case errno == unix.EAGAIN:
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
			if _, err := unix.Poll(pfd, -1); err != nil && err != unix.EINTR {
				return false
			}
		case errno != 0:
			return false
		default:
			p = p[n:]
		}
	}
	return true
}

// sysRecv and sysSend are recv(2) and send(2) as raw system calls: they
// never block, so they need not tell the Go scheduler, as the benchmarked
// servers' non-blocking calls do not either.
func sysRecv(fd int, p []byte) (int, unix.Errno) {
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), 0, 0, 0)
	return int(n), errno
}

func sysSend(fd int, p []byte) (int, unix.Errno) {
	n, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), unix.MSG_NOSIGNAL, 0, 0)
	return int(n), errno
}
