package buildtest

import (
	"net"
	"syscall"
	"time"
)

// DialSlowReader connects to addr with a receive buffer of size bytes, set
// before connecting (the TCP window is sized then) and so exempt from the
// kernel's autotuning: a client that reads late, through it, makes the
// server's sends come up short soon, which is how the tests reach a
// server's path for a full socket.
func DialSlowReader(addr string, size int) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		if cerr := rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
		}); cerr != nil {
			return cerr
		}
		return err
	}}
	return d.Dial("tcp", addr)
}
