// Package helloapp is the HTTP application that the goroutine and gnet
// servers of the benchmarks run, written over the same I/O-free parser and
// response writer (examples/httpserver/http1) as asyncgo's
// examples/httpserver, so that the HTTP rows compare runtimes, not parsers.
// It answers GET and HEAD /hello with "Hello, World!\n" and everything else
// with an error status.
package helloapp

import (
	"errors"

	"github.com/asyncgo/asyncgo/examples/httpserver/http1"
)

// Body is the response body of GET /hello.
var Body = []byte("Hello, World!\n")

// ServerName is sent as the Server header.
const ServerName = "bench"

// Conn is one connection's parsing state. The zero value is ready.
type Conn struct {
	req http1.Request
}

// Handle parses every complete request at the start of in and appends the
// responses to out, so pipelined requests are answered with one write. It
// returns the extended out, the number of bytes of in consumed (a request
// whose head or body is still incomplete is left unconsumed) and whether
// the connection must be closed once out is written (Connection: close, or
// a protocol error).
func (c *Conn) Handle(in, out []byte) (_ []byte, consumed int, closeAfter bool) {
	for consumed < len(in) {
		n, err := http1.ParseRequest(&c.req, in[consumed:], nil)
		if errors.Is(err, http1.ErrIncomplete) {
			break
		}
		if err != nil {
			status := 400
			var he *http1.Error
			if errors.As(err, &he) {
				status = he.Status
			}
			return http1.AppendError(out, status, 1, false), len(in), true
		}
		r := &c.req
		if r.Chunked {
			// Not needed by the benchmarks: refuse rather than half-support.
			return http1.AppendError(out, 501, r.Minor, false), len(in), true
		}
		if int64(len(in)-consumed-n) < r.ContentLength {
			break // the body has not arrived yet
		}
		consumed += n + int(r.ContentLength)
		head := r.IsMethod("HEAD")
		switch {
		case string(r.Path) != "/hello":
			out = http1.AppendError(out, 404, r.Minor, head)
			if !r.KeepAlive {
				return out, consumed, true
			}
			continue
		case !head && !r.IsMethod("GET"):
			out = http1.AppendError(out, 405, r.Minor, false)
			return out, consumed, true
		}
		h := http1.ResponseHead{Status: 200, Minor: r.Minor, ContentType: "text/plain; charset=utf-8", Close: !r.KeepAlive, Server: ServerName}
		out = http1.AppendResponse(out, &h, Body, head)
		if !r.KeepAlive {
			return out, consumed, true
		}
	}
	return out, consumed, false
}

// MaxRequest is the largest request (head and body) Handle can be given
// whole: a connection buffer that is full with nothing consumed may grow
// up to this size, and beyond it the request is refused.
const MaxRequest = 8<<10 + 1<<20
