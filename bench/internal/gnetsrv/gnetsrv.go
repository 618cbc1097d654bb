// Package gnetsrv runs a request/response handler on gnet v2 event loops
// (one per CPU): each time a connection has input, every complete request
// in gnet's inbound buffer is handled and all replies are written at once;
// an incomplete request stays in the buffer until more bytes arrive.
package gnetsrv

import (
	"fmt"

	"github.com/panjf2000/gnet/v2"
)

// Handler processes the bytes a connection has received (see
// helloapp.Conn.Handle and kvapp.Conn.Handle).
type Handler interface {
	// Handle consumes complete requests at the start of in, appends their
	// replies to out and reports whether to close after writing them.
	Handle(in, out []byte) (_ []byte, consumed int, closeAfter bool)
}

// conn is the per-connection context.
type conn struct {
	h   Handler
	out []byte
}

// engine is the gnet event handler.
type engine struct {
	gnet.BuiltinEventEngine
	addr       string
	maxRequest int
	newHandler func() Handler
}

// Serve listens on addr with one event loop per CPU, prints "listening on
// ADDR" once up, and serves until gnet stops. A request larger than
// maxRequest bytes closes its connection.
func Serve(addr string, maxRequest int, newHandler func() Handler) error {
	e := &engine{addr: addr, maxRequest: maxRequest, newHandler: newHandler}
	return gnet.Run(e, "tcp://"+addr, gnet.WithMulticore(true))
}

// OnBoot reports that the server is up.
func (e *engine) OnBoot(gnet.Engine) gnet.Action {
	fmt.Println("listening on", e.addr)
	return gnet.None
}

// OnOpen gives the connection its handler.
func (e *engine) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	c.SetContext(&conn{h: e.newHandler()})
	return nil, gnet.None
}

// OnTraffic handles every complete request buffered for c.
func (e *engine) OnTraffic(c gnet.Conn) gnet.Action {
	st := c.Context().(*conn)
	for {
		in, _ := c.Peek(-1)
		if len(in) == 0 {
			return gnet.None
		}
		out, consumed, closeAfter := st.h.Handle(in, st.out[:0])
		st.out = out
		if len(out) > 0 {
			if _, err := c.Write(out); err != nil {
				return gnet.Close
			}
		}
		if closeAfter {
			return gnet.Close
		}
		if consumed == 0 {
			if len(in) >= e.maxRequest {
				return gnet.Close
			}
			return gnet.None // wait for the rest of the request
		}
		_, _ = c.Discard(consumed)
	}
}
