//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Command echo is a TCP echo server written as async Go: every connection
// is a task of a few hundred bytes, not a goroutine, and the code reads like
// the blocking server it would be with goroutines.
//
// This file is the source; main_async.go is what asyncgen compiles it to
// (go generate ./examples/echo). Build with -tags asyncsrc to get the same
// program on plain goroutines.
//
// Usage:
//
//	go run ./examples/echo -addr 127.0.0.1:7000
//	nc 127.0.0.1 7000
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "address to listen on (port 0 picks a free port)")
	flag.Parse()

	ln, err := net.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	rt.Run(func() {
		serve(ln)
	})
}

// serve accepts connections until the listener fails, one task each.
//
//asyncgo:async
func serve(ln *net.TCPListener) {
	for {
		conn, peer, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			return
		}
		_ = peer
		go handle(conn)
	}
}

// handle echoes everything it reads back to the peer until the peer closes
// the connection or an error occurs.
//
// An idle connection holds no read buffer: the task waits for readability
// first, and only then borrows a buffer from the shared pool for the read
// and the write, giving it back before it waits again. A parked connection
// costs its task's state struct and the kernel's socket, not 4 KiB.
//
// The echo goes out with TryWrite, which needs no future: over a socket
// with room in its send buffer, the usual case, that is all of it, and
// WriteAll only waits for a rest.
//
//asyncgo:async
func handle(conn *net.TCPStream) {
	for {
		if err := conn.WaitReadable(); err != nil {
			break
		}
		buf := net.GetBuffer(bufferSize)
		n, err := conn.TryRead(buf)
		if err == net.ErrWouldBlock {
			net.PutBuffer(buf)
			continue
		}
		if err != nil {
			net.PutBuffer(buf)
			break
		}
		w, err := conn.TryWrite(buf[:n])
		if err == net.ErrWouldBlock {
			w, err = 0, nil
		}
		if err == nil && w < n {
			err = conn.WriteAll(buf[w:n])
		}
		net.PutBuffer(buf)
		if err != nil {
			break
		}
	}
	conn.Close()
}

// bufferSize is the size of the pooled buffer one read fills.
const bufferSize = 16 << 10
