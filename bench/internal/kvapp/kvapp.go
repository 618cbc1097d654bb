// Package kvapp is the key-value application that the goroutine and gnet
// servers of the benchmarks run: the same RESP2 parser
// (examples/kv/resp) and keyspace (examples/kv/store) as asyncgo's
// examples/kv, so that the kv rows compare runtimes, not command code.
package kvapp

import (
	"errors"

	"github.com/asyncgo/asyncgo/examples/kv/resp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
)

// FlushSize is how many reply bytes Handle gathers before it returns to
// let the caller write them, as the asyncgo example does, so that a long
// pipeline does not build an unbounded reply buffer.
const FlushSize = 64 << 10

// Conn is one connection's protocol state.
type Conn struct {
	st *store.Store
	p  resp.Parser
}

// NewConn returns the state of a new connection to st.
func NewConn(st *store.Store) *Conn { return &Conn{st: st} }

// Handle executes the complete commands at the start of in, appending
// their replies to out, and returns the extended out, the number of bytes
// of in consumed and whether the connection must be closed once out is
// written (QUIT or a protocol error). Unconsumed bytes must be passed again,
// at the start of in, on the next call.
func (c *Conn) Handle(in, out []byte) (_ []byte, consumed int, closeAfter bool) {
	start := len(out)
	for consumed < len(in) && len(out)-start < FlushSize {
		args, n, err := c.p.Parse(in[consumed:])
		if err != nil {
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				out = pe.Reply(out)
			}
			return out, len(in), true
		}
		if n == 0 {
			break
		}
		consumed += n
		if len(args) == 0 {
			continue
		}
		out = c.st.Exec(args, out)
		if store.IsQuit(args) {
			return out, len(in), true
		}
	}
	return out, consumed, false
}

// Need is a lower bound of the buffer length the command in progress
// needs (see resp.Parser.Need), for growing a full read buffer.
func (c *Conn) Need() int { return c.p.Need() }
