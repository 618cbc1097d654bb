//go:build linux

package net_test

import (
	"fmt"

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
