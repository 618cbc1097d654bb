//go:build linux

package rt_test

import (
	stdnet "net"
	"testing"

	"github.com/asyncgo/asyncgo/rt"
	rtnet "github.com/asyncgo/asyncgo/rt/net"
)

// TCP ping-pong over loopback between two TASKS (an echo task and a
// client task, hand-written state machines of the kind asyncgen emits) on
// a 2-worker runtime, side by side with two goroutines over package net.
// One op = one 1-byte round trip.

// echoTask: for { read 1 byte; write it back }.
type echoTask struct {
	s     *rtnet.TCPStream
	state int
	buf   [1]byte
	rd    rtnet.TCPStreamReadFuture
	wr    rtnet.TCPStreamWriteAllFuture
}

func (f *echoTask) Poll(cx *rt.Context) bool {
	for {
		switch f.state {
		case 0:
			f.rd = f.s.ReadAsync(f.buf[:])
			f.state = 1
		case 1:
			if !f.rd.Poll(cx) {
				return false
			}
			if _, err := f.rd.Result(); err != nil {
				f.s.Close()
				return true
			}
			f.wr = f.s.WriteAllAsync(f.buf[:])
			f.state = 2
		case 2:
			if !f.wr.Poll(cx) {
				return false
			}
			if f.wr.Result() != nil {
				f.s.Close()
				return true
			}
			f.state = 0
		}
	}
}
func (f *echoTask) Cancel() { f.rd.Cancel(); f.wr.Cancel(); f.s.Close() }

// pingTask: n times { write 1 byte; read 1 byte }.
type pingTask struct {
	s     *rtnet.TCPStream
	n     int
	state int
	buf   [1]byte
	rd    rtnet.TCPStreamReadFuture
	wr    rtnet.TCPStreamWriteAllFuture
	err   error
}

func (f *pingTask) Poll(cx *rt.Context) bool {
	for {
		switch f.state {
		case 0:
			if f.n == 0 {
				return true
			}
			f.n--
			f.wr = f.s.WriteAllAsync(f.buf[:])
			f.state = 1
		case 1:
			if !f.wr.Poll(cx) {
				return false
			}
			if f.err = f.wr.Result(); f.err != nil {
				return true
			}
			f.rd = f.s.ReadAsync(f.buf[:])
			f.state = 2
		case 2:
			if !f.rd.Poll(cx) {
				return false
			}
			if _, f.err = f.rd.Result(); f.err != nil {
				return true
			}
			f.state = 0
		}
	}
}
func (f *pingTask) Result() error { return f.err }
func (f *pingTask) Cancel()       { f.rd.Cancel(); f.wr.Cancel() }

func BenchmarkTaskTCPPingPong(b *testing.B) {
	l, err := rtnet.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	rt.Run(func() {
		c, err := rtnet.Connect(l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		s, _, err := l.Accept()
		if err != nil {
			b.Fatal(err)
		}
		rt.GoFuture(echoTask{s: s})
		b.ReportAllocs()
		b.ResetTimer()
		h := rt.SpawnFuture[pingTask, error](pingTask{s: c, n: b.N})
		if err := rt.Await[error](h); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
	}, rt.Workers(2))
}

func BenchmarkGoroutineTCPPingPong(b *testing.B) {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		var buf [1]byte
		for {
			if _, err := s.Read(buf[:]); err != nil {
				return
			}
			if _, err := s.Write(buf[:]); err != nil {
				return
			}
		}
	}()
	c, err := stdnet.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var buf [1]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(buf[:]); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(buf[:]); err != nil {
			b.Fatal(err)
		}
	}
}
