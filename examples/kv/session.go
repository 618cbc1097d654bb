package main

import (
	"errors"

	"github.com/asyncgo/asyncgo/examples/kv/resp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
	"github.com/asyncgo/asyncgo/rt/net"
)

// This file is plain Go shared by both builds: the per-connection protocol
// state, with no suspension points. The async task in main.go only moves
// bytes between the socket and a session.

const (
	// readSize is the size of the pooled buffer one read fills.
	readSize = 16 << 10
	// replySize is the size of the pooled buffer replies are gathered in
	// (it grows past that for large replies). It is not readSize on
	// purpose: buffers of one size share a pool, whose per-thread slot
	// holds one buffer, so a second buffer of the same size would go
	// through the pool's slower shared queue at every request.
	replySize = 8 << 10
	// flushSize is how many reply bytes a session gathers before it hands
	// them to the task to write, so that a long pipeline of large replies
	// does not build an unbounded reply buffer.
	flushSize = 64 << 10
)

// session is one client connection's protocol state. An idle session (no
// partial command pending) holds no buffers.
type session struct {
	st *store.Store
	p  resp.Parser
	// in[:n] are the received bytes not yet consumed (a partial command,
	// or complete commands not executed yet because of flushSize); in is
	// nil when n == 0.
	in      []byte
	n       int
	out     []byte
	closing bool // a protocol error or QUIT: close after writing out
}

// readBuf returns the free part of the read buffer for the next read,
// taking a buffer from the pool, or growing it, as needed.
func (s *session) readBuf() []byte {
	if s.in == nil {
		s.in = net.GetBuffer(readSize)
	}
	if s.n == len(s.in) {
		// A command larger than the buffer: grow to what the parser
		// knows the command needs, at least double.
		size := max(2*len(s.in), s.p.Need()+readSize)
		b := net.GetBuffer(size)
		copy(b, s.in[:s.n])
		net.PutBuffer(s.in)
		s.in = b
	}
	return s.in[s.n:]
}

// received records that m bytes were read into readBuf's slice.
func (s *session) received(m int) { s.n += m }

// next executes the complete commands received and returns their replies,
// at most about flushSize bytes of them; an empty result means nothing is
// left to do until more bytes arrive. The replies are valid until the next
// call of next or release.
func (s *session) next() []byte {
	if s.closing {
		return nil
	}
	if s.out == nil {
		s.out = net.GetBuffer(replySize)
	}
	out := s.out[:0]
	off := 0
	for off < s.n && len(out) < flushSize {
		args, m, err := s.p.Parse(s.in[off:s.n])
		if err != nil {
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				out = pe.Reply(out)
			}
			s.closing = true
			off = s.n
			break
		}
		if m == 0 {
			break
		}
		off += m
		if len(args) == 0 {
			continue
		}
		out = s.st.Exec(args, out)
		if store.IsQuit(args) {
			s.closing = true
			off = s.n
			break
		}
	}
	// Keep the unconsumed bytes at the front (the parser's progress is
	// relative to the start of its command, so moving them is fine).
	s.n = copy(s.in, s.in[off:s.n])
	s.out = out
	return out
}

// release gives the buffers back to the pool once nothing is pending, so
// an idle connection holds none.
func (s *session) release() {
	if s.out != nil {
		net.PutBuffer(s.out)
		s.out = nil
	}
	if s.n == 0 && s.in != nil {
		net.PutBuffer(s.in)
		s.in = nil
		s.p.Trim()
	}
}

// free gives every buffer back (the connection is closing).
func (s *session) free() {
	s.n = 0
	s.release()
}

// isClosed reports whether err is the error of an operation on a closed
// socket (the listener closed at shutdown).
func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }
