// Package gosrv is the goroutine-per-connection server loop of the
// benchmarks' baseline servers: package net, one goroutine and one 4 KiB
// read buffer per connection, every read handed to a request/response
// handler and all of its replies written at once.
package gosrv

import (
	"fmt"
	"net"
)

// Handler processes the bytes a connection has received (see
// helloapp.Conn.Handle and kvapp.Conn.Handle).
type Handler interface {
	// Handle consumes complete requests at the start of in, appends their
	// replies to out and reports whether to close after writing them.
	Handle(in, out []byte) (_ []byte, consumed int, closeAfter bool)
}

// ReadSize is the initial per-connection read buffer.
const ReadSize = 4 << 10

// ListenAndServe listens on addr, prints "listening on ADDR" and calls
// Serve.
func ListenAndServe(addr string, maxRequest int, newHandler func() Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("listening on", ln.Addr())
	return Serve(ln, maxRequest, newHandler)
}

// Serve serves every connection accepted from ln on its own goroutine
// with a handler from newHandler. A request larger than maxRequest bytes
// closes its connection. Serve returns when accepting fails (ln closed).
func Serve(ln net.Listener, maxRequest int, newHandler func() Handler) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		go serveConn(c, maxRequest, newHandler())
	}
}

// serveConn reads, handles and writes until the peer closes, an error
// occurs or the handler asks to close.
func serveConn(c net.Conn, maxRequest int, h Handler) {
	defer c.Close()
	in := make([]byte, ReadSize)
	var out []byte
	n := 0
	for {
		if n == len(in) {
			if len(in) >= maxRequest {
				return
			}
			in = append(in, make([]byte, len(in))...)
		}
		m, err := c.Read(in[n:])
		if err != nil {
			return
		}
		n += m
		for {
			var consumed int
			var closeAfter bool
			out, consumed, closeAfter = h.Handle(in[:n], out[:0])
			if len(out) > 0 {
				if _, err := c.Write(out); err != nil {
					return
				}
			}
			if closeAfter {
				return
			}
			n = copy(in, in[consumed:n])
			if consumed == 0 || n == 0 {
				break // wait for more bytes
			}
		}
	}
}
