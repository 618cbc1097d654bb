//go:build linux

package rt

import (
	"time"

	"golang.org/x/sys/unix"
)

func init() {
	newDriver = func() (driver, error) { return newEpollDriver() }
}

// wakeToken tags the eventfd's events; slot indexes never reach it.
const wakeToken = ^uint64(0)

// epollDriver is the Linux driver: one epoll instance, fds registered
// once with EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, and an eventfd to
// interrupt a parked epoll_wait. park must not be called concurrently
// (the reactor has one poller).
type epollDriver struct {
	epfd int
	evfd int
	buf  []unix.EpollEvent // owned by the parker
}

func newEpollDriver() (*epollDriver, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, &driverError{"epoll_create1", err}
	}
	evfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, &driverError{"eventfd", err}
	}
	d := &epollDriver{epfd: epfd, evfd: evfd, buf: make([]unix.EpollEvent, 256)}
	if err := d.register(evfd, wakeToken); err != nil {
		unix.Close(evfd)
		unix.Close(epfd)
		return nil, err
	}
	return d, nil
}

type driverError struct {
	op  string
	err error
}

func (e *driverError) Error() string { return "rt: reactor: " + e.op + ": " + e.err.Error() }
func (e *driverError) Unwrap() error { return e.err }

func (d *epollDriver) register(fd int, token uint64) error {
	ev := unix.EpollEvent{
		Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET,
		Fd:     int32(uint32(token)),
		Pad:    int32(uint32(token >> 32)),
	}
	for {
		err := unix.EpollCtl(d.epfd, unix.EPOLL_CTL_ADD, fd, &ev)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &driverError{"epoll_ctl add", err}
		}
		return nil
	}
}

func (d *epollDriver) deregister(fd int) error {
	for {
		err := unix.EpollCtl(d.epfd, unix.EPOLL_CTL_DEL, fd, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &driverError{"epoll_ctl del", err}
		}
		return nil
	}
}

func (d *epollDriver) closeFD(fd int) error {
	// Linux releases the fd even when close reports EINTR; never retry.
	return unix.Close(fd)
}

func (d *epollDriver) park(evs []event, limit int, timeout time.Duration) ([]event, error) {
	msec := -1
	if timeout >= 0 {
		msec = int(min((timeout+time.Millisecond-1)/time.Millisecond, 1<<30))
	}
	buf := d.buf
	if limit < len(buf) {
		buf = buf[:max(limit, 1)]
	}
	n, err := unix.EpollWait(d.epfd, buf, msec)
	if err != nil {
		if err == unix.EINTR {
			return evs, nil
		}
		return evs, &driverError{"epoll_wait", err}
	}
	for i := range n {
		e := &d.buf[i]
		token := uint64(uint32(e.Fd)) | uint64(uint32(e.Pad))<<32
		if token == wakeToken {
			var b [8]byte
			unix.Read(d.evfd, b[:]) // reset the counter; EAGAIN is fine
			continue
		}
		evs = append(evs, event{token: token, ready: epollReady(e.Events)})
	}
	return evs, nil
}

func (d *epollDriver) unpark() {
	b := [8]byte{1}
	unix.Write(d.evfd, b[:]) // EAGAIN: the counter is saturated, a wake is pending anyway
}

// epollReady translates epoll event bits into readiness bits.
func epollReady(ev uint32) Ready {
	var r Ready
	if ev&(unix.EPOLLIN|unix.EPOLLPRI) != 0 {
		r |= ReadyReadable
	}
	if ev&unix.EPOLLOUT != 0 {
		r |= ReadyWritable
	}
	if ev&unix.EPOLLRDHUP != 0 {
		r |= ReadyReadClosed
	}
	if ev&unix.EPOLLHUP != 0 {
		r |= ReadyReadClosed | ReadyWriteClosed
	}
	if ev&unix.EPOLLERR != 0 {
		r |= ReadyError
	}
	return r
}
