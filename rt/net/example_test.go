//go:build linux

package net_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/asyncgo/asyncgo/rt/net"
)

// An echo server and a client. Called from ordinary goroutine code, every
// async operation (Accept, Connect, Read, WriteAll) is a blocking bridge;
// inside code compiled by asyncgen the same calls suspend the task instead.
func Example() {
	l, err := net.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	go func() {
		s, _, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, 1024)
		for {
			n, err := s.Read(buf)
			if err != nil {
				return // io.EOF when the client is done
			}
			if err := s.WriteAll(buf[:n]); err != nil {
				return
			}
		}
	}()

	c, err := net.Connect(l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.WriteAll([]byte("hello, reactor")); err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]byte, 64)
	got := 0
	for got < len("hello, reactor") {
		n, err := c.Read(buf[got:])
		if err != nil {
			fmt.Println(err)
			return
		}
		got += n
	}
	fmt.Println(string(buf[:got]))

	// Errors name the operation and the addresses.
	_, err = net.Connect("1.2.3.4:99999")
	fmt.Println(err)
	// Output:
	// hello, reactor
	// connect tcp: address 1.2.3.4:99999: invalid port
}

// An echo server whose idle connections hold no read buffer: the handler
// waits with WaitReadable, borrows a buffer from the shared pool only to
// read what has arrived, and gives it back before waiting again.
func ExampleTCPStream_WaitReadable() {
	l, err := net.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	go func() {
		s, _, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		for {
			if err := s.WaitReadable(); err != nil {
				return // closed
			}
			buf := net.GetBuffer(4096)
			n, err := s.TryRead(buf)
			if err == net.ErrWouldBlock {
				net.PutBuffer(buf) // stale readiness: wait again
				continue
			}
			if err != nil {
				net.PutBuffer(buf)
				return // io.EOF: the client is done
			}
			err = s.WriteAll(buf[:n])
			net.PutBuffer(buf)
			if err != nil {
				return
			}
		}
	}()

	c, err := net.Connect(l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for _, msg := range []string{"first", "second"} {
		c.WriteAll([]byte(msg))
		got := make([]byte, len(msg))
		if _, err := c.ReadFull(got); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(got))
	}
	// Output:
	// first
	// second
}

// Goroutine code sees a stream as a net.Conn, here through bufio.
func ExampleTCPStream_Conn() {
	l, err := net.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	go func() {
		s, _, err := l.Accept()
		if err != nil {
			return
		}
		conn := s.Conn() // a net.Conn
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			fmt.Fprintf(conn, "%d bytes\n", len(line)-1)
		}
	}()
	c, err := net.Connect(l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	conn := c.Conn()
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	fmt.Fprintf(conn, "hello\n")
	reply, _ := r.ReadString('\n')
	fmt.Print(reply)
	// Output:
	// 5 bytes
}

// UDP: a bound socket answers a connected one.
func ExampleListenUDP() {
	srv, err := net.ListenUDP("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	cli, err := net.DialUDP(srv.LocalAddr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cli.Close()

	cli.Send([]byte("ping"))
	buf := make([]byte, 64)
	n, from, err := srv.RecvFrom(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(buf[:n]), from == cli.LocalAddr())
	srv.SendTo([]byte("pong"), from)
	n, _ = cli.Recv(buf)
	fmt.Println(string(buf[:n]))
	// Output:
	// ping true
	// pong
}

// A Unix domain socket. ListenUnix replaces a stale socket file left by a
// dead process, and Close removes the file.
func ExampleListenUnix() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sock")

	l, err := net.ListenUnix(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		s.WriteAll([]byte("hello over unix"))
	}()
	c, err := net.ConnectUnix(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	msg, _ := io.ReadAll(c.Conn())
	fmt.Println(string(msg))
	l.Close()
	_, err = os.Stat(path)
	fmt.Println("socket file removed:", os.IsNotExist(err))
	// Output:
	// hello over unix
	// socket file removed: true
}

// Several listeners can share a port with SO_REUSEPORT; the kernel
// spreads the connections among them.
func ExampleListenConfig() {
	lc := net.ListenConfig{ReusePort: true}
	a, err := lc.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	b, err := lc.ListenAddrPort(a.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	fmt.Println(a.Addr() == b.Addr())
	// Output:
	// true
}

// Names are resolved off the workers; "localhost" and IP literals need no
// lookup, and ".invalid" names fail at once.
func ExampleResolve() {
	addrs, err := net.Resolve("localhost:8080")
	fmt.Println(addrs, err)
	_, err = net.Connect("example.invalid:80")
	fmt.Println(err)
	// Output:
	// [127.0.0.1:8080] <nil>
	// connect tcp example.invalid: lookup example.invalid: no such host
}
