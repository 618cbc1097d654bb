//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Command httpserver is an HTTP/1.1 static file server written as async Go:
// every connection is a task, not a goroutine, and an idle keep-alive
// connection holds no buffer. The protocol (parsing request heads,
// formatting responses) lives in the I/O-free package http1; this command
// adds the sockets, timeouts, files and shutdown. See README.md.
//
// This file is the source; main_async.go is what asyncgen compiles it to
// (go generate ./examples/httpserver). Build with -tags asyncsrc to get the
// same program on plain goroutines.
//
// Usage:
//
//	go run ./examples/httpserver -addr 127.0.0.1:8080 -root ./public
//	curl http://127.0.0.1:8080/hello
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/asyncgo/examples/httpserver/http1"
	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	flag.StringVar(&cfg.root, "root", ".", "directory served as the document root")
	flag.DurationVar(&cfg.headerTimeout, "header-timeout", 10*time.Second, "time allowed to receive a request head (and each body read)")
	flag.DurationVar(&cfg.idleTimeout, "idle-timeout", 60*time.Second, "time an idle keep-alive connection is kept")
	flag.DurationVar(&cfg.writeTimeout, "write-timeout", 30*time.Second, "time allowed to write one batch of responses (or one 32 KiB piece of a file)")
	flag.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 5*time.Second, "grace period for in-flight requests on SIGINT/SIGTERM")
	flag.IntVar(&cfg.workers, "workers", 0, "runtime worker threads (0 = GOMAXPROCS)")
	flag.BoolVar(&cfg.debug, "debug", false, "serve GET /debug/stats (live heap after a GC, allocations, goroutines, tasks, connections; for tests)")
	flag.Parse()

	srv, err := newServer(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen(cfg.addr)
	if err != nil {
		log.Fatal(err)
	}
	// Registered before the readiness line: a signal sent as soon as
	// it is printed is caught, not fatal.
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	fmt.Println("listening on", ln.Addr())
	rt.Run(func() {
		run(srv, ln, sigs)
	}, rt.Workers(cfg.workers))
	log.Print("shut down")
}

// run serves until SIGINT or SIGTERM, then shuts down gracefully: it stops
// accepting, closes idle connections, lets in-flight requests finish within
// the grace period and closes whatever is left.
//
//asyncgo:async
func run(srv *server, ln *net.TCPListener, sigs *rt.Signals) {
	go acceptLoop(srv, ln)
	sig := sigs.Wait()
	log.Printf("%v: shutting down", sig)
	ln.Close()
	srv.drain()
	_, err := rt.Timeout(srv.cfg.shutdownTimeout, func() bool {
		srv.wg.Wait()
		return true
	})
	if err != nil {
		log.Printf("grace period over: closing %d connections", srv.closeAll())
	}
}

// acceptLoop accepts connections until the listener is closed, one task
// each.
//
//asyncgo:async
func acceptLoop(srv *server, ln *net.TCPListener) {
	for {
		s, _, err := ln.Accept()
		if err != nil {
			if !srv.draining.Load() {
				log.Printf("accept: %v", err)
			}
			return
		}
		c := &conn{srv: srv, s: s}
		if !srv.track(c) {
			s.Close()
			return
		}
		go serveConn(c)
	}
}

// serveConn serves the requests of one connection until it closes, fails,
// times out, is not kept alive or the server drains.
//
// Between requests the task waits for readability holding nothing but its
// own state: the receive buffer and the output are borrowed (getState) only
// once the first bytes of a request have arrived, and given back when the
// batch of requests they start has been answered. The connection counts as
// busy for a graceful shutdown from those first bytes on, not before.
//
//asyncgo:async
func serveConn(c *conn) {
	srv := c.srv
	// The first request's head must be complete within the header timeout
	// of the accept; a later one's within the header timeout of its first
	// bytes, which may come up to the idle timeout after the last response.
	c.deadline = rt.Now().Add(srv.cfg.headerTimeout)
	c.idle.ResetAt(c.deadline)
	fresh := true // the first request: c.deadline holds its head's deadline
	for {
		werr, err := rt.WithDeadline(&c.idle, func() error {
			return c.s.WaitReadable()
		})
		if err != nil || werr != nil {
			break
		}
		st := getState()
		n, rerr := c.s.TryRead(st.buf)
		if rerr == net.ErrWouldBlock { // stale readiness: wait again
			putState(st)
			continue
		}
		if rerr != nil || !srv.setBusy(c) {
			putState(st)
			break
		}
		st.w = n
		c.st = st
		// Requests answered from memory (GET /hello, errors) need no
		// suspension but the write, and are answered here. Anything else
		// (a partial head, a body, a file, a stream) is served by a task
		// of its own, so that this one, which is what an idle connection
		// costs, holds none of that machinery in its state. (The closures
		// capture only c: a captured variable lives in a heap cell, and c's
		// is made once per connection, not once per request.)
		keep, more := srv.answerSimple(st)
		if more {
			// The head being received must be complete by c.deadline.
			// (Taken here, not at the read: the hello path needs no
			// clock but the idle wait's.)
			if !fresh {
				c.deadline = rt.Now().Add(srv.cfg.headerTimeout)
			}
			keep = rt.Await(rt.Spawn(func() bool {
				return serveBatch(c)
			}))
		} else if len(st.out) > 0 {
			// Answers from memory usually fit in the socket's send buffer:
			// they go out without a future, and only what is left waits,
			// within the write timeout.
			n, err := c.s.TryWrite(st.out)
			if err == net.ErrWouldBlock {
				n, err = 0, nil
			}
			sent := err == nil
			if sent && n < len(st.out) {
				// The rest waits for the client in a task of its own (flush,
				// under the write timeout), so that its timer and future are
				// not part of every idle connection's state. It goes out
				// whether or not the connection is kept: a closing answer
				// must arrive whole too.
				st.out = st.out[:copy(st.out, st.out[n:])]
				sent = rt.Await(rt.Spawn(func() bool {
					return flush(c)
				}))
			}
			keep = keep && sent
		}
		c.st = nil
		fresh = false
		putState(st)
		if !keep || !srv.setIdle(c) {
			break
		}
		c.idle.Reset(srv.cfg.idleTimeout)
	}
	// Every way out of the loop comes here. (Not a deferred call: a defer
	// costs the state machine a closure per connection and a deferred
	// function per poll. Were the task cancelled instead, which only the
	// end of the runtime does, the deadline would fire later, harmlessly.)
	c.idle.Stop()
	c.s.Close()
	srv.untrack(c)
}

// serveBatch answers the requests whose bytes start in c.st.buf[r:w],
// reading more as needed, until the connection has no unanswered bytes
// left (true: go idle) or must close (false). Pipelined requests are parsed
// from the buffer one after the other and their responses appended to one
// output buffer, written when the input runs dry or the output grows past
// flushThreshold. The head being received must be complete by c.deadline.
//
//asyncgo:async
func serveBatch(c *conn) bool {
	srv, st, deadline := c.srv, c.st, c.deadline
	for {
		for st.r < st.w {
			m, perr := http1.ParseRequest(&st.req, st.buf[st.r:st.w], &srv.limits)
			if perr == http1.ErrIncomplete {
				break
			}
			if perr != nil {
				status := 400
				var he *http1.Error
				if errors.As(perr, &he) {
					status = he.Status
				}
				st.out = appendError(st.out, status, 1, false, false, "")
				flush(c)
				return false
			}
			st.r += m
			keep := st.req.KeepAlive && !srv.draining.Load()
			if !handle(srv, c, st, keep) || !keep {
				if len(st.out) > 0 {
					flush(c)
				}
				return false
			}
			deadline = rt.Now().Add(srv.cfg.headerTimeout)
			if len(st.out) >= flushThreshold {
				if !flush(c) {
					return false
				}
			}
		}
		if len(st.out) > 0 && !flush(c) {
			return false
		}
		if st.r == st.w {
			return true
		}
		// Part of a head: keep it and read the rest.
		st.compact()
		n, err := readMore(c.s, st.buf[st.w:], deadline)
		if err != nil {
			if errors.Is(err, rt.ErrTimeout) {
				// A slow client: part of a head, and the time is up.
				st.out = appendError(st.out, 408, 1, false, false, "")
				flush(c)
			}
			return false
		}
		st.w += n
	}
}

// readMore reads what is available into p, waiting for readability until
// deadline (rt.ErrTimeout after it). It returns io.EOF at the end of the
// stream.
//
//asyncgo:async
func readMore(s *net.TCPStream, p []byte, deadline time.Time) (int, error) {
	for {
		n, err := s.TryRead(p)
		if err != net.ErrWouldBlock {
			return n, err
		}
		werr, terr := rt.TimeoutAt(deadline, func() error {
			return s.WaitReadable()
		})
		if terr != nil {
			return 0, terr
		}
		if werr != nil {
			return 0, werr
		}
	}
}

// flush writes the pending output c.st.out, within the write timeout: a client
// that stops reading is dropped instead of holding its task and buffers.
//
//asyncgo:async
func flush(c *conn) bool {
	werr, err := rt.Timeout(c.srv.cfg.writeTimeout, func() error {
		return c.s.WriteAll(c.st.out)
	})
	c.st.out = c.st.out[:0]
	return err == nil && werr == nil
}

// handle answers the request in st.req, appending to st.out (or writing,
// for streamed responses). It reads the request's body first, discarding
// it unless the route uses it. It returns false when the connection cannot
// go on.
//
//asyncgo:async
func handle(srv *server, c *conn, st *reqState, keep bool) bool {
	minor := st.req.Minor
	head := st.req.IsMethod("HEAD")
	rq := srv.routeRequest(&st.req)
	if st.req.ContentLength != 0 {
		if st.req.Expect100 {
			st.out = http1.AppendContinue(st.out)
			if !flush(c) {
				return false
			}
		}
		if status := readBody(srv, c, st, rq.kind == routeEcho); status != 0 {
			if status > 0 {
				st.out = appendError(st.out, status, minor, false, false, "")
			}
			return false
		}
	}
	switch rq.kind {
	case routeHello, routeError:
		st.out = appendSimple(st.out, rq, minor, head, keep)
		return true
	case routeEcho:
		h := http1.ResponseHead{Status: 200, Minor: minor, ContentType: "application/octet-stream", Close: !keep, Server: serverName}
		st.out = http1.AppendResponse(st.out, &h, st.body, false)
		return true
	case routeStream:
		return stream(c, st, rq, minor, head, keep)
	case routeStats:
		body := rt.Await(rt.SpawnBlocking(srv.stats))
		h := http1.ResponseHead{Status: 200, Minor: minor, ContentType: "text/plain; charset=utf-8", Close: !keep, Server: serverName}
		st.out = http1.AppendResponse(st.out, &h, body, head)
		return true
	case routeFile:
		return serveFile(srv, c, st, rq.name, minor, head, keep)
	}
	return true
}

// readBody consumes the request body of st.req from the buffer and the
// socket, keeping it in st.body if collect is set. It returns 0 when done,
// a status to answer (413, 400) before closing, or -1 when the connection
// failed or timed out.
//
//asyncgo:async
func readBody(srv *server, c *conn, st *reqState, collect bool) int {
	chunked := st.req.Chunked
	left := st.req.ContentLength
	st.body = st.body[:0]
	if chunked {
		st.dec = http1.ChunkedDecoder{Limits: srv.limits}
	}
	for {
		// Take what the buffer holds.
		for st.r < st.w && (chunked || left > 0) {
			if chunked {
				data, n, done, err := st.dec.Next(st.buf[st.r:st.w])
				st.r += n
				if err != nil {
					var he *http1.Error
					if errors.As(err, &he) {
						return he.Status
					}
					return 400
				}
				if collect {
					st.body = append(st.body, data...)
				}
				if done {
					return 0
				}
			} else {
				k := int(min(left, int64(st.w-st.r)))
				if collect {
					st.body = append(st.body, st.buf[st.r:st.r+k]...)
				}
				st.r += k
				left -= int64(k)
			}
		}
		if !chunked && left == 0 {
			return 0
		}
		// The buffer is consumed: refill it from the start.
		st.r, st.w = 0, 0
		n, err := readMore(c.s, st.buf, rt.Now().Add(srv.cfg.headerTimeout))
		if err != nil {
			return -1
		}
		st.w = n
	}
}

// stream answers GET /stream: rq.n chunks of text, rq.delay apart, each
// written as soon as it is made. It is the route that shows chunked
// responses of unknown length and keeps a request in flight for a while.
//
//asyncgo:async
func stream(c *conn, st *reqState, rq route, minor int, head, keep bool) bool {
	h := http1.ResponseHead{Status: 200, Minor: minor, ContentType: "text/plain; charset=utf-8", Chunked: true, ContentLength: -1, Close: !keep, Server: serverName}
	st.out = http1.AppendResponseHead(st.out, &h)
	if head {
		return !h.Close
	}
	if !flush(c) {
		return false
	}
	for i := range rq.n {
		if rq.delay > 0 {
			rt.Sleep(rq.delay)
		}
		line := fmt.Appendf(nil, "chunk %d\n", i)
		if h.Chunked {
			st.out = http1.AppendChunk(st.out, line)
		} else {
			st.out = append(st.out, line...)
		}
		if !flush(c) {
			return false
		}
	}
	if h.Chunked {
		st.out = http1.AppendLastChunk(st.out)
	}
	return !h.Close
}

// serveFile answers a file request. Opening, stat and reading a small file
// are one job on rt's blocking pool (file system calls block a thread, so
// they never run on a worker); a large file is then streamed, one
// blocking-pool read per piece, each written before the next read, up to
// the length its head promised.
//
//asyncgo:async
func serveFile(srv *server, c *conn, st *reqState, name string, minor int, head, keep bool) bool {
	out := st.out
	fr := fileRequest{name: name, minor: minor, head: head, keep: keep,
		rng: st.req.Header("Range"), ifRange: st.req.Header("If-Range")}
	// If-Modified-Since counts only without If-None-Match (RFC 9110,
	// 13.1.3), and only if it is a date.
	if st.req.Header("If-None-Match") == nil {
		fr.since, _ = http1.ParseDate(st.req.Header("If-Modified-Since"))
	}
	job := rt.Await(rt.SpawnBlocking(func() fileJob {
		return srv.openFile(out, fr)
	}))
	st.out = job.out
	if job.f == nil {
		return job.keep
	}
	f, left := job.f, job.size
	if !flush(c) {
		f.Close()
		return false
	}
	buf := net.GetBuffer(fileChunk)
	ok := true
	for ok && left > 0 {
		p := buf[:min(int64(len(buf)), left)]
		rd := rt.Await(rt.SpawnBlocking(func() chunkRead {
			return readChunk(f, p)
		}))
		left -= int64(rd.n)
		st.out = append(st.out, p[:rd.n]...)
		// A read error, or a file that shrank under us, leaves the body
		// short of the length its head promised: the connection cannot
		// go on (the client sees the body cut short).
		ok = flush(c) && rd.err == nil
	}
	net.PutBuffer(buf)
	f.Close()
	return ok && job.keep
}
