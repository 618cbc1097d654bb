//go:build linux

package net

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// Hand-written state machines of the kind asyncgen generates, driving
// rt/net from tasks of the rt executor (not from goroutines): child
// futures are fields held by value, Poll resumes at the saved state.

// echoConn is: for { n, err := s.Read(buf); if err != nil { break }; if s.WriteAll(buf[:n]) != nil { break } }; s.Close()
type echoConn struct {
	s     *TCPStream
	state int
	buf   []byte
	rd    TCPStreamReadFuture
	wr    TCPStreamWriteAllFuture
}

func (f *echoConn) Poll(cx *rt.Context) bool {
	for {
		switch f.state {
		case 0:
			f.rd = f.s.ReadAsync(f.buf)
			f.state = 1
		case 1:
			if !f.rd.Poll(cx) {
				return false
			}
			n, err := f.rd.Result()
			if err != nil {
				f.s.Close()
				return true
			}
			f.wr = f.s.WriteAllAsync(f.buf[:n])
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

// Result reports nothing: the connection's errors end the loop.
func (f *echoConn) Result() error { return nil }

func (f *echoConn) Cancel() {
	f.rd.Cancel()
	f.wr.Cancel()
	f.s.Close()
}

// acceptLoop accepts n connections and spawns an echoConn task for each.
type acceptLoop struct {
	l   *TCPListener
	n   int
	acc TCPListenerAcceptFuture
	on  bool
}

func (f *acceptLoop) Poll(cx *rt.Context) bool {
	for f.n > 0 {
		if !f.on {
			f.acc = f.l.AcceptAsync()
			f.on = true
		}
		if !f.acc.Poll(cx) {
			return false
		}
		f.on = false
		s, _, err := f.acc.Result()
		if err != nil {
			return true
		}
		f.n--
		rt.GoFuture(echoConn{s: s, buf: make([]byte, 2048)})
	}
	return true
}

func (f *acceptLoop) Cancel() { f.acc.Cancel() }

// client connects, sends msg, reads it back and returns an error if the
// echo differs.
type client struct {
	addr  string
	msg   []byte
	got   []byte
	state int
	s     *TCPStream
	cn    ConnectFuture
	wr    TCPStreamWriteAllFuture
	rd    TCPStreamReadFuture
	err   error
}

func (f *client) Poll(cx *rt.Context) bool {
	for {
		switch f.state {
		case 0:
			f.cn = ConnectAsync(f.addr)
			f.state = 1
		case 1:
			if !f.cn.Poll(cx) {
				return false
			}
			if f.s, f.err = f.cn.Result(); f.err != nil {
				return true
			}
			f.wr = f.s.WriteAllAsync(f.msg)
			f.got = make([]byte, 0, len(f.msg))
			f.state = 2
		case 2:
			if !f.wr.Poll(cx) {
				return false
			}
			if f.err = f.wr.Result(); f.err != nil {
				f.s.Close()
				return true
			}
			f.state = 3
		case 3:
			if len(f.got) == len(f.msg) {
				f.s.Close()
				if !bytes.Equal(f.got, f.msg) {
					f.err = fmt.Errorf("echo differs")
				}
				return true
			}
			f.rd = f.s.ReadAsync(f.got[len(f.got):cap(f.got)])
			f.state = 4
		case 4:
			if !f.rd.Poll(cx) {
				return false
			}
			n, err := f.rd.Result()
			if err != nil {
				f.err = err
				f.s.Close()
				return true
			}
			f.got = f.got[:len(f.got)+n]
			f.state = 3
		}
	}
}

func (f *client) Result() error { return f.err }

func (f *client) Cancel() {
	f.cn.Cancel()
	f.wr.Cancel()
	f.rd.Cancel()
	if f.s != nil {
		f.s.Close()
	}
}

// joinAll joins the tasks in hs in order, collecting their errors.
type joinAll struct {
	hs   []*rt.JoinHandle[error]
	next int
	errs []error
}

// poll joins what it can; true once every task is joined.
func (j *joinAll) poll(cx *rt.Context) bool {
	for ; j.next < len(j.hs); j.next++ {
		if !j.hs[j.next].Poll(cx) {
			return false
		}
		if err := j.hs[j.next].Result(); err != nil {
			j.errs = append(j.errs, err)
		}
	}
	return true
}

// mainTask spawns the server and the clients and joins the clients.
type mainTask struct {
	l       *TCPListener
	clients int
	joinAll
}

func (f *mainTask) Poll(cx *rt.Context) bool {
	if f.hs == nil {
		rt.GoFuture(acceptLoop{l: f.l, n: f.clients})
		for i := range f.clients {
			msg := bytes.Repeat([]byte{byte(i), byte(i >> 8), 7}, 10000)
			f.hs = append(f.hs, rt.SpawnFuture[client, error](client{addr: f.l.Addr().String(), msg: msg}))
		}
	}
	return f.poll(cx)
}

func (f *mainTask) Cancel() {
	for _, h := range f.hs[f.next:] {
		h.Cancel()
	}
}

func TestEchoWithExecutorTasks(t *testing.T) {
	for _, opts := range [][]rt.Option{{rt.Workers(2)}, {rt.SingleThreaded()}} {
		l := listenLocal(t)
		m := &mainTask{l: l, clients: 50}
		within(t, 30*time.Second, "task echo", func() {
			rt.RunFuture(mainTaskRef{m}, opts...)
		})
		if m.next != m.clients {
			t.Fatalf("joined %d of %d clients", m.next, m.clients)
		}
		for _, err := range m.errs {
			t.Error(err)
		}
	}
}

// mainTaskRef lets the test inspect the main task's state after
// RunFuture returns.
type mainTaskRef struct{ m *mainTask }

func (r *mainTaskRef) Poll(cx *rt.Context) bool { return r.m.Poll(cx) }
func (r *mainTaskRef) Cancel()                  { r.m.Cancel() }

// writerTask writes data in chunks with WriteAll, then half-closes.
type writerTask struct {
	s    *TCPStream
	data []byte
	off  int
	wr   TCPStreamWriteAllFuture
	on   bool
	err  error
}

func (f *writerTask) Poll(cx *rt.Context) bool {
	for f.off < len(f.data) {
		if !f.on {
			f.wr = f.s.WriteAllAsync(f.data[f.off:min(f.off+50000, len(f.data))])
			f.on = true
		}
		if !f.wr.Poll(cx) {
			return false
		}
		f.on = false
		if f.err = f.wr.Result(); f.err != nil {
			return true
		}
		f.off = min(f.off+50000, len(f.data))
	}
	f.err = f.s.CloseWrite()
	return true
}

func (f *writerTask) Result() error { return f.err }
func (f *writerTask) Cancel()       { f.wr.Cancel() }

// readerTask reads with ReadFull into got.
type readerTask struct {
	s   *TCPStream
	got []byte
	rd  TCPStreamReadFullFuture
	on  bool
	err error
}

func (f *readerTask) Poll(cx *rt.Context) bool {
	if !f.on {
		f.rd = f.s.ReadFullAsync(f.got)
		f.on = true
	}
	if !f.rd.Poll(cx) {
		return false
	}
	_, f.err = f.rd.Result()
	return true
}

func (f *readerTask) Result() error { return f.err }
func (f *readerTask) Cancel()       { f.rd.Cancel() }

// duplexMain spawns a reader and a writer task on the same stream.
type duplexMain struct {
	s    *TCPStream
	data []byte
	got  []byte
	hw   *rt.JoinHandle[error]
	hr   *rt.JoinHandle[error]
	errs []error
	step int
}

func (f *duplexMain) Poll(cx *rt.Context) bool {
	if f.step == 0 {
		f.hr = rt.SpawnFuture[readerTask, error](readerTask{s: f.s, got: f.got})
		f.hw = rt.SpawnFuture[writerTask, error](writerTask{s: f.s, data: f.data})
		f.step = 1
	}
	if f.step == 1 {
		if !f.hw.Poll(cx) {
			return false
		}
		f.errs = append(f.errs, f.hw.Result())
		f.step = 2
	}
	if !f.hr.Poll(cx) {
		return false
	}
	f.errs = append(f.errs, f.hr.Result())
	return true
}

func (f *duplexMain) Cancel() { f.hw.Cancel(); f.hr.Cancel() }

func TestReadAndWriteSameStreamFromTwoTasks(t *testing.T) {
	for _, opts := range [][]rt.Option{{rt.Workers(2)}, {rt.SingleThreaded()}} {
		c, s := pair(t)
		go func() { // echo peer
			buf := make([]byte, 16<<10)
			for {
				n, err := s.Read(buf)
				if err != nil {
					s.CloseWrite()
					return
				}
				if s.WriteAll(buf[:n]) != nil {
					return
				}
			}
		}()
		data := bytes.Repeat([]byte("0123456789abcdef"), 256<<10) // 4 MiB: both directions fill up
		m := &duplexMain{s: c, data: data, got: make([]byte, len(data))}
		within(t, 30*time.Second, "duplex tasks", func() {
			rt.RunFuture(duplexRef{m}, opts...)
		})
		for _, err := range m.errs {
			if err != nil {
				t.Error(err)
			}
		}
		if !bytes.Equal(m.got, data) {
			t.Fatal("echoed data differs")
		}
	}
}

type duplexRef struct{ m *duplexMain }

func (r *duplexRef) Poll(cx *rt.Context) bool { return r.m.Poll(cx) }
func (r *duplexRef) Cancel()                  { r.m.Cancel() }

// Resolution from a task goes through the runtime's blocking pool.
func TestConnectHostNameFromTask(t *testing.T) {
	l := listenLocal(t)
	withResolver(t, func(ctx context.Context, _, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	})
	go func() {
		for {
			s, _, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer s.Close()
				buf := make([]byte, 1024)
				for {
					n, err := s.Read(buf)
					if err != nil || s.WriteAll(buf[:n]) != nil {
						return
					}
				}
			}()
		}
	}()
	for _, opts := range [][]rt.Option{{rt.Workers(2)}, {rt.SingleThreaded()}} {
		c := &client{addr: fmt.Sprintf("svc.test:%d", l.Addr().Port()), msg: []byte("by name")}
		within(t, 10*time.Second, "task connect by name", func() {
			rt.RunFuture(clientRef{c}, opts...)
		})
		if c.err != nil {
			t.Fatal(c.err)
		}
	}
}

type clientRef struct{ c *client }

func (r *clientRef) Poll(cx *rt.Context) bool { return r.c.Poll(cx) }
func (r *clientRef) Cancel()                  { r.c.Cancel() }
