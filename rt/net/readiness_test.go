//go:build linux

package net

import (
	"bytes"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

// A short read from a TCP socket proves it drained: the readiness is
// cleared, so the next read waits for the next edge without a read(2)
// that would only say EAGAIN, and that edge still wakes it.
func TestShortReadClearsReadiness(t *testing.T) {
	c, s := pair(t)
	if err := s.WriteAll([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	if c.src.Snapshot(rt.Readable).Ready()&rt.ReadyReadable != 0 {
		t.Fatal("a short read left the stream marked readable")
	}
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	f := c.ReadAsync(buf)
	if f.Poll(cx) {
		t.Fatalf("Read on a drained stream completed: %v", f.err)
	}
	if err := s.WriteAll([]byte("world")); err != nil {
		t.Fatal(err)
	}
	waitWoken(t, w)
	if !f.Poll(cx) {
		t.Fatal("Read not ready after its wake-up")
	}
	if n, err := f.Result(); err != nil || string(buf[:n]) != "world" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}

	// A read that fills its buffer proves nothing: the readiness stays,
	// and the rest is read at the first poll.
	if err := s.WriteAll([]byte("12345678")); err != nil {
		t.Fatal(err)
	}
	small := make([]byte, 4)
	if n, err := c.ReadFull(small); err != nil || n != 4 {
		t.Fatalf("ReadFull = %d, %v", n, err)
	}
	if c.src.Snapshot(rt.Readable).Ready()&rt.ReadyReadable == 0 {
		t.Fatal("a full read cleared the readiness")
	}
	f = c.ReadAsync(small)
	if !f.Poll(cx) {
		t.Fatal("the rest of the data was not read at the first poll")
	}
	if n, err := f.Result(); err != nil || string(small[:n]) != "5678" {
		t.Fatalf("Read = %q, %v", small[:n], err)
	}
}

// TryRead clears the readiness after a short read too, so WaitReadable
// (the buffer-less idle wait) waits at once instead of returning for a
// TryRead that would say ErrWouldBlock.
func TestShortTryReadClearsReadiness(t *testing.T) {
	c, s := pair(t)
	if err := s.WriteAll([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReadable(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if n, err := c.TryRead(buf); err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("TryRead = %q, %v", buf[:n], err)
	}
	waitReadableWaitsForData(t, c, s)
}

// waitReadableWaitsForData checks that WaitReadable on c pends while c has
// nothing to read, is woken when s writes, and then completes.
func waitReadableWaitsForData(t *testing.T, c, s *TCPStream) {
	t.Helper()
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	f := c.WaitReadableAsync()
	if f.Poll(cx) {
		t.Fatal("WaitReadable completed on a stream with nothing to read")
	}
	s.WriteAll([]byte("x"))
	waitWoken(t, w)
	if !f.Poll(cx) || f.Result() != nil {
		t.Fatal("WaitReadable not ready after data arrived")
	}
}

// A new stream is only assumed readable: the first WaitReadable asks the
// kernel and really waits when nothing is there.
func TestWaitReadableOnNewStreamWaits(t *testing.T) {
	c, s := pair(t)
	waitReadableWaitsForData(t, c, s)
}

// A short send means the send buffer is full: writability is cleared and
// the next write waits for the edge; draining the peer wakes it.
func TestShortWriteClearsWritability(t *testing.T) {
	c, s := pair(t)
	fillSendBuffer(t, c)
	if c.src.Snapshot(rt.Writable).Ready()&rt.ReadyWritable != 0 {
		t.Fatal("a full send buffer left the stream marked writable")
	}
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	f := c.WriteAsync([]byte("more"))
	if f.Poll(cx) {
		t.Fatal("Write to a full send buffer completed")
	}
	go drain(s)
	waitWoken(t, w)
	within(t, 10*time.Second, "write after drain", func() {
		for !f.Poll(cx) {
			time.Sleep(time.Millisecond)
		}
	})
	if n, err := f.Result(); n != 4 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
}

// Unix stream reads may stop early (at a boundary between senders, at
// passed descriptors) with data still queued, so a short read there does
// not clear the readiness.
func TestUnixShortReadKeepsReadiness(t *testing.T) {
	l, err := ListenUnix(unixPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	acc := make(chan *UnixStream, 1)
	go func() {
		s, _ := l.Accept()
		acc <- s
	}()
	c, err := ConnectUnix(l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := <-acc
	if s == nil {
		t.Fatal("accept failed")
	}
	defer s.Close()
	s.WriteAll([]byte("abc"))
	buf := make([]byte, 64)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "abc" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	if c.src.Snapshot(rt.Readable).Ready()&rt.ReadyReadable == 0 {
		t.Fatal("a short read from a Unix stream cleared the readiness")
	}
}

// No wake-up is lost when reads are short and full in every mix: a writer
// sends chunks of random sizes while a reader reads with buffers of random
// sizes, as goroutines through the blocking bridge and as tasks on a
// two-worker runtime; every byte arrives, in order, in bounded time.
func TestShortReadsLoseNoWakeups(t *testing.T) {
	const total = 4 << 20
	msg := make([]byte, total)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	check := func(t *testing.T, got []byte) {
		if len(got) != total || crc32.ChecksumIEEE(got) != crc32.ChecksumIEEE(msg) || !bytes.Equal(got[:64], msg[:64]) {
			t.Fatalf("received %d of %d bytes, or not in order", len(got), total)
		}
	}
	t.Run("goroutines", func(t *testing.T) {
		c, s := pair(t)
		errc := make(chan error, 1)
		go func() {
			r := rand.New(rand.NewPCG(3, 4))
			for p := msg; len(p) > 0; {
				n := min(len(p), 1+r.IntN(6000))
				if err := s.WriteAll(p[:n]); err != nil {
					errc <- err
					return
				}
				p = p[n:]
			}
			errc <- nil
		}()
		var got []byte
		within(t, 60*time.Second, "transfer", func() {
			r := rand.New(rand.NewPCG(5, 6))
			buf := make([]byte, 9000)
			for len(got) < total {
				n, err := c.Read(buf[:1+r.IntN(len(buf))])
				if err != nil {
					t.Error(err)
					return
				}
				got = append(got, buf[:n]...)
			}
			if err := <-errc; err != nil {
				t.Error(err)
			}
		})
		check(t, got)
	})
	t.Run("tasks", func(t *testing.T) {
		c, s := pair(t)
		m := &transferMain{
			w: chunkWriter{s: s, rest: msg, r: rand.New(rand.NewPCG(3, 4))},
			r: chunkReader{c: c, total: total, buf: make([]byte, 9000), r: rand.New(rand.NewPCG(5, 6))},
		}
		within(t, 60*time.Second, "transfer", func() { rt.RunFuture(transferRef{m}, rt.Workers(2)) })
		if m.w.err != nil || m.r.err != nil {
			t.Fatal(m.w.err, m.r.err)
		}
		check(t, m.r.got)
	})
}

// chunkWriter writes rest in chunks of random sizes.
type chunkWriter struct {
	s    *TCPStream
	rest []byte
	r    *rand.Rand
	f    TCPStreamWriteAllFuture
	busy bool
	err  error
}

func (w *chunkWriter) Poll(cx *rt.Context) bool {
	for len(w.rest) > 0 || w.busy {
		if !w.busy {
			n := min(len(w.rest), 1+w.r.IntN(6000))
			w.f = w.s.WriteAllAsync(w.rest[:n])
			w.rest = w.rest[n:]
			w.busy = true
		}
		if !w.f.Poll(cx) {
			return false
		}
		w.busy = false
		if w.err = w.f.Result(); w.err != nil {
			return true
		}
	}
	return true
}

func (w *chunkWriter) Cancel() {
	if w.busy {
		w.f.Cancel()
	}
}

// chunkReader reads total bytes with buffers of random sizes.
type chunkReader struct {
	c     *TCPStream
	total int
	buf   []byte
	r     *rand.Rand
	got   []byte
	f     TCPStreamReadFuture
	busy  bool
	err   error
}

func (r *chunkReader) Poll(cx *rt.Context) bool {
	for len(r.got) < r.total {
		if !r.busy {
			r.f = r.c.ReadAsync(r.buf[:1+r.r.IntN(len(r.buf))])
			r.busy = true
		}
		if !r.f.Poll(cx) {
			return false
		}
		r.busy = false
		n, err := r.f.Result()
		if err != nil {
			r.err = err
			return true
		}
		r.got = append(r.got, r.buf[:n]...)
	}
	return true
}

func (r *chunkReader) Cancel() {
	if r.busy {
		r.f.Cancel()
	}
}

// transferMain spawns the writer and the reader as two tasks and waits
// for both.
type transferMain struct {
	w       chunkWriter
	r       chunkReader
	started bool
	hs      [2]*rt.JoinHandle[struct{}]
}

func (m *transferMain) Poll(cx *rt.Context) bool {
	if !m.started {
		m.started = true
		m.hs[0] = rt.SpawnFuture[unitFuture[writerRef, *writerRef], struct{}](unitFuture[writerRef, *writerRef]{f: writerRef{&m.w}})
		m.hs[1] = rt.SpawnFuture[unitFuture[readerRef, *readerRef], struct{}](unitFuture[readerRef, *readerRef]{f: readerRef{&m.r}})
	}
	for _, h := range m.hs {
		if !h.Poll(cx) {
			return false
		}
	}
	return true
}

func (m *transferMain) Cancel() {}

// The Refs let the spawned tasks work on m's fields, which the test reads
// afterwards.
type (
	transferRef struct{ m *transferMain }
	writerRef   struct{ w *chunkWriter }
	readerRef   struct{ r *chunkReader }
)

func (r *transferRef) Poll(cx *rt.Context) bool { return r.m.Poll(cx) }
func (r *transferRef) Cancel()                  { r.m.Cancel() }
func (r *writerRef) Poll(cx *rt.Context) bool   { return r.w.Poll(cx) }
func (r *writerRef) Cancel()                    { r.w.Cancel() }
func (r *readerRef) Poll(cx *rt.Context) bool   { return r.r.Poll(cx) }
func (r *readerRef) Cancel()                    { r.r.Cancel() }

// The allocation-free conversions of accepted peers' addresses agree with
// the ones built on unix.Sockaddr.
func TestRawSockaddrConversions(t *testing.T) {
	var rsa unix.RawSockaddrAny
	v4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&rsa))
	v4.Family = unix.AF_INET
	v4.Addr = [4]byte{127, 10, 0, 3}
	*(*[2]byte)(unsafe.Pointer(&v4.Port)) = [2]byte{0x1f, 0x90} // 8080, network order
	if got, want := rawAddrPort(&rsa), addrPort(&unix.SockaddrInet4{Port: 8080, Addr: v4.Addr}); got != want || got.String() != "127.10.0.3:8080" {
		t.Errorf("IPv4: %v, want %v", got, want)
	}
	rsa = unix.RawSockaddrAny{}
	v6 := (*unix.RawSockaddrInet6)(unsafe.Pointer(&rsa))
	v6.Family = unix.AF_INET6
	v6.Addr = [16]byte{0: 0xfe, 1: 0x80, 15: 1}
	v6.Scope_id = 2
	*(*[2]byte)(unsafe.Pointer(&v6.Port)) = [2]byte{0, 80}
	if got, want := rawAddrPort(&rsa), addrPort(&unix.SockaddrInet6{Port: 80, ZoneId: 2, Addr: v6.Addr}); got != want || got.String() != "[fe80::1%2]:80" {
		t.Errorf("IPv6: %v, want %v", got, want)
	}
	v6.Addr = [16]byte{10: 0xff, 11: 0xff, 12: 192, 13: 168, 14: 1, 15: 2} // v4-mapped
	v6.Scope_id = 0
	if got := rawAddrPort(&rsa); got.String() != "192.168.1.2:80" {
		t.Errorf("v4-mapped: %v", got)
	}
	rsa = unix.RawSockaddrAny{}
	un := (*unix.RawSockaddrUnix)(unsafe.Pointer(&rsa))
	un.Family = unix.AF_UNIX
	if got := rawUnixPath(&rsa); got != "" {
		t.Errorf("unbound: %q", got)
	}
	copy(un.Path[:], []int8{'/', 't', 'm', 'p', '/', 's'})
	if got := rawUnixPath(&rsa); got != "/tmp/s" {
		t.Errorf("path: %q", got)
	}
	un.Path = [108]int8{0, 'a', 'b'}
	if got := rawUnixPath(&rsa); got != "@ab" {
		t.Errorf("abstract: %q", got)
	}
}

// Accepting a connection allocates only the connection's own objects (the
// stream and its reactor Source), no address buffers.
func TestAcceptAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	l := listenLocal(t)
	const runs = 50
	conns := make([]*TCPStream, 0, 2*(runs+1))
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range runs + 1 { // AllocsPerRun makes one extra, warm-up run
		c, err := Connect(l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	w := &countWaker{}
	cx := rt.NewContext(rt.NewWaker(w))
	var f TCPListenerAcceptFuture // outside: a future escaping per run would count
	allocs := testing.AllocsPerRun(runs, func() {
		f = l.AcceptAsync()
		for !f.Poll(cx) {
			runtime.Gosched()
		}
		s, _, err := f.Result()
		if err != nil {
			panic(err)
		}
		conns = append(conns, s)
	})
	if allocs > 2 {
		t.Errorf("accept allocates %.1f objects, want 2 (stream and Source)", allocs)
	}
}

// TryWrite sends what the socket takes without waiting: everything while
// there is room, a short count when the buffer fills, then ErrWouldBlock
// (with writability cleared, so a following WriteAll waits for the edge
// instead of failing first). WriteAll then finishes the rest once the peer
// reads, and the peer gets every byte once, in order.
func TestTryWrite(t *testing.T) {
	c, s := pair(t)
	if n, err := c.TryWrite(nil); n != 0 || err != nil {
		t.Fatalf("TryWrite(nil) = %d, %v", n, err)
	}
	chunk := make([]byte, 64<<10)
	var sent []byte
	short := false
	for i := 0; ; i++ {
		for j := range chunk {
			chunk[j] = byte(i*31 + j)
		}
		n, err := c.TryWrite(chunk)
		if err == ErrWouldBlock {
			if n != 0 {
				t.Fatalf("ErrWouldBlock with %d bytes written", n)
			}
			break
		}
		if err != nil {
			t.Fatalf("TryWrite: %v", err)
		}
		short = short || n < len(chunk)
		sent = append(sent, chunk[:n]...)
		if i > 10000 {
			t.Fatal("the send buffer never filled")
		}
	}
	if c.src.Snapshot(rt.Writable).Ready()&rt.ReadyWritable != 0 {
		t.Fatal("ErrWouldBlock left the stream marked writable")
	}
	if !short {
		t.Log("the buffer filled at a chunk boundary (no short count seen)")
	}
	if n, err := c.TryWrite(chunk); n != 0 || err != ErrWouldBlock {
		t.Fatalf("TryWrite on a full socket = %d, %v", n, err)
	}
	rest := bytes.Repeat([]byte("tail"), 1000)
	got := make(chan []byte, 1)
	go func() {
		var all []byte
		buf := make([]byte, 64<<10)
		for len(all) < len(sent)+len(rest) {
			n, err := s.Read(buf)
			if err != nil {
				break
			}
			all = append(all, buf[:n]...)
		}
		got <- all
	}()
	if err := c.WriteAll(rest); err != nil {
		t.Fatalf("WriteAll after ErrWouldBlock: %v", err)
	}
	all := <-got
	if want := append(sent, rest...); !bytes.Equal(all, want) {
		t.Fatalf("the peer got %d bytes, want %d (or they differ)", len(all), len(want))
	}
	// Errors: a closed stream, and a reset peer (never a SIGPIPE).
	s.Close()
	deadline := time.Now().Add(5 * time.Second)
	var err error
	for err == nil && time.Now().Before(deadline) {
		_, err = c.TryWrite([]byte("after the peer closed"))
		time.Sleep(time.Millisecond)
	}
	if err == nil || err == ErrWouldBlock {
		t.Fatalf("TryWrite to a closed peer: %v, want EPIPE or ECONNRESET", err)
	}
	c.Close()
	if _, err := c.TryWrite([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryWrite after Close: %v", err)
	}
}
