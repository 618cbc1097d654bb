package main

// This file is plain Go shared by both builds: the server's state,
// connection bookkeeping for graceful shutdown, routing and the blocking
// file work that runs on rt's blocking pool. The async code is in main.go.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"os"
	"path"
	"runtime"
	"strconv"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/asyncgo/examples/httpserver/http1"
	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// config is the command line.
type config struct {
	addr            string
	root            string
	headerTimeout   time.Duration
	idleTimeout     time.Duration
	writeTimeout    time.Duration
	shutdownTimeout time.Duration
	workers         int
	debug           bool // serve GET /debug/stats (for tests)
}

const (
	// recvBufSize is the pooled receive buffer a busy connection holds:
	// room for a full head (http1.DefaultLimits.MaxHeaderBytes) plus
	// pipelined requests behind it.
	recvBufSize = 16 << 10
	// flushThreshold is the amount of pending response bytes that makes
	// the server write before parsing the next pipelined request.
	flushThreshold = 64 << 10
	// smallFile is the largest file read whole into the response; larger
	// files are streamed in reads of fileChunk (both with a Content-Length).
	smallFile = 64 << 10
	// fileChunk is the size of one read (and one write) of a large file.
	fileChunk = 32 << 10
	// maxStreamChunks and maxStreamDelay bound the /stream route.
	maxStreamChunks = 1000
	maxStreamDelay  = time.Second
	// serverName is sent as the Server header.
	serverName = "asyncgo"
)

// helloBody is the body of GET /hello, the benchmark endpoint.
var helloBody = []byte("Hello, World!\n")

// server is the state shared by every connection.
type server struct {
	cfg    config
	root   *os.Root // the document root: no path resolves outside it
	limits http1.Limits

	mu       gosync.Mutex // guards conns; never held across a suspension
	conns    map[*conn]struct{}
	draining atomic.Bool
	wg       sync.WaitGroup // one count per tracked connection
}

func newServer(cfg config) (*server, error) {
	root, err := os.OpenRoot(cfg.root)
	if err != nil {
		return nil, err
	}
	_ = mime.TypeByExtension(".html") // load the system tables now, not in a request
	return &server{cfg: cfg, root: root, limits: http1.DefaultLimits, conns: map[*conn]struct{}{}}, nil
}

// Connection states, for shutdown: a busy connection is serving a request
// (or has received part of one) and is left to finish; an idle one is
// waiting for the next request and is closed at once.
const (
	connIdle int32 = iota // the zero value: a new connection is idle
	connBusy
	connClosed
)

// conn is one accepted connection.
type conn struct {
	srv   *server
	s     *net.TCPStream
	state atomic.Int32
	// While busy: the borrowed request state, and when the head being
	// received must be complete.
	st       *reqState
	deadline time.Time
	// idle bounds the wait for a request's first bytes: the header timeout
	// for the first request, the idle timeout after a response. It stays
	// armed for the connection's life and is pushed back after every
	// batch of responses (a clock read and an atomic instruction).
	idle rt.Deadline
}

// track registers a new connection; it reports false (and registers
// nothing) once the server is draining.
func (srv *server) track(c *conn) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.draining.Load() {
		return false
	}
	srv.conns[c] = struct{}{}
	srv.wg.Add(1)
	return true
}

// untrack forgets a connection whose task is ending.
func (srv *server) untrack(c *conn) {
	srv.mu.Lock()
	delete(srv.conns, c)
	srv.mu.Unlock()
	srv.wg.Done()
}

// setIdle marks c idle before it waits for the next request; false means
// the server is draining and c should close instead.
func (srv *server) setIdle(c *conn) bool {
	c.state.Store(connIdle)
	if srv.draining.Load() {
		c.state.Store(connClosed)
		return false
	}
	return true
}

// setBusy marks c busy when a request starts arriving; false means the
// shutdown closed it meanwhile.
func (srv *server) setBusy(c *conn) bool {
	return c.state.CompareAndSwap(connIdle, connBusy)
}

// drain stops new connections and closes the idle ones; busy ones close
// after their current response.
func (srv *server) drain() {
	srv.mu.Lock()
	srv.draining.Store(true)
	var idle []*conn
	for c := range srv.conns {
		if c.state.CompareAndSwap(connIdle, connClosed) {
			idle = append(idle, c)
		}
	}
	srv.mu.Unlock()
	for _, c := range idle {
		_ = c.s.Close() // wakes its task, which sees ErrClosed and ends
	}
}

// closeAll closes every connection still open (the grace period is over).
func (srv *server) closeAll() int {
	srv.mu.Lock()
	all := make([]*conn, 0, len(srv.conns))
	for c := range srv.conns {
		all = append(all, c)
	}
	srv.mu.Unlock()
	for _, c := range all {
		c.state.Store(connClosed)
		_ = c.s.Close()
	}
	return len(all)
}

// reqState is what a busy connection borrows while it serves a batch of
// requests, and gives back before it idles: the receive buffer, the
// pending output, the parsed request and the body decoder.
type reqState struct {
	buf  []byte // pooled receive buffer; data is buf[r:w]
	r, w int
	out  []byte // responses not yet written
	body []byte // the collected body of POST /echo
	req  http1.Request
	dec  http1.ChunkedDecoder
}

// statePool holds the request states of the connections that are not
// busy, each with its receive buffer: one pool round trip per batch of
// requests, not one for the state and one for the buffer. An idle
// connection holds no state, so no buffer; the pool keeps what busy ones
// gave back, and the garbage collector trims it like any sync.Pool.
var statePool = gosync.Pool{New: func() any { return &reqState{buf: make([]byte, recvBufSize)} }}

func getState() *reqState {
	st := statePool.Get().(*reqState)
	st.r, st.w = 0, 0
	return st
}

func putState(st *reqState) {
	if cap(st.out) > 4*flushThreshold {
		st.out = nil
	}
	st.out = st.out[:0]
	if cap(st.body) > smallFile {
		st.body = nil
	}
	st.body = st.body[:0]
	// The parsed request is left as it is: its slices point into st.buf,
	// which the state owns for good, so they keep nothing else alive (and
	// the next ParseRequest overwrites them).
	statePool.Put(st)
}

// answerSimple answers, without suspending, the requests at the front of
// st's buffer that need nothing but memory: GET or HEAD /hello and errors
// of requests without a body. It stops at the first request that needs
// more (a partial head, a body, a file, a stream, a protocol error) and
// reports more; keep is false when the last answered request closes the
// connection.
func (srv *server) answerSimple(st *reqState) (keep, more bool) {
	for st.r < st.w {
		m, err := http1.ParseRequest(&st.req, st.buf[st.r:st.w], &srv.limits)
		if err != nil || st.req.ContentLength != 0 {
			return true, true
		}
		rq := srv.routeRequest(&st.req)
		if rq.kind != routeHello && rq.kind != routeError {
			return true, true
		}
		st.r += m
		keep := st.req.KeepAlive && !srv.draining.Load()
		st.out = appendSimple(st.out, rq, st.req.Minor, st.req.IsMethod("HEAD"), keep)
		if !keep {
			return false, false
		}
	}
	return true, false
}

// appendSimple appends the response of a hello or error route.
func appendSimple(out []byte, rq route, minor int, head, keep bool) []byte {
	if rq.kind == routeHello {
		h := http1.ResponseHead{Status: 200, Minor: minor, ContentType: "text/plain; charset=utf-8", Close: !keep, Server: serverName}
		return http1.AppendResponse(out, &h, helloBody, head)
	}
	return appendError(out, rq.status, minor, head, keep, rq.allow)
}

// compact moves the unparsed bytes to the front of the buffer.
func (st *reqState) compact() {
	if st.r > 0 {
		st.w = copy(st.buf, st.buf[st.r:st.w])
		st.r = 0
	}
}

// Routes.
const (
	routeError  = iota // answer status (set by route) and keep going
	routeHello         // GET /hello
	routeStream        // GET /stream?n=N&delay=MS: chunked, N chunks
	routeEcho          // POST /echo: the request body back
	routeFile          // a file under the root
	routeStats         // GET /debug/stats, with -debug only
)

// route is where a request goes.
type route struct {
	kind   int
	status int    // routeError: the status to answer
	allow  string // for 405: the Allow header line
	name   string // routeFile: the cleaned path relative to the root
	n      int    // routeStream: number of chunks
	delay  time.Duration
}

// routeRequest decides what answers req. It copies what it needs out of
// req, whose bytes die when the body is read.
func (srv *server) routeRequest(req *http1.Request) route {
	get := req.IsMethod("GET") || req.IsMethod("HEAD")
	switch string(req.Path) {
	case "/debug/stats":
		if srv.cfg.debug && get {
			return route{kind: routeStats}
		}
	case "/hello":
		if !get {
			return route{kind: routeError, status: 405, allow: "Allow: GET, HEAD"}
		}
		return route{kind: routeHello}
	case "/stream":
		if !get {
			return route{kind: routeError, status: 405, allow: "Allow: GET, HEAD"}
		}
		q, err := url.ParseQuery(string(req.Query))
		if err != nil {
			return route{kind: routeError, status: 400}
		}
		n, delay := 5, 0
		if v := q.Get("n"); v != "" {
			if n, err = strconv.Atoi(v); err != nil || n < 0 || n > maxStreamChunks {
				return route{kind: routeError, status: 400}
			}
		}
		if v := q.Get("delay"); v != "" {
			if delay, err = strconv.Atoi(v); err != nil || delay < 0 || time.Duration(delay)*time.Millisecond > maxStreamDelay {
				return route{kind: routeError, status: 400}
			}
		}
		return route{kind: routeStream, n: n, delay: time.Duration(delay) * time.Millisecond}
	case "/echo":
		if !req.IsMethod("POST") && !req.IsMethod("PUT") {
			return route{kind: routeError, status: 405, allow: "Allow: POST, PUT"}
		}
		return route{kind: routeEcho}
	}
	name, status := cleanPath(req.Path)
	if status != 0 {
		return route{kind: routeError, status: status}
	}
	if !get {
		return route{kind: routeError, status: 405, allow: "Allow: GET, HEAD"}
	}
	return route{kind: routeFile, name: name}
}

// cleanPath turns a request path into a name relative to the root, or a
// status: 400 for a path that is not absolute, does not decode, contains
// NUL or a ".." segment (before or after decoding). Symbolic links are
// checked when the file is opened (os.Root refuses any that leads out).
func cleanPath(p []byte) (string, int) {
	if len(p) == 0 || p[0] != '/' {
		return "", 400
	}
	dec, err := url.PathUnescape(string(p))
	if err != nil || bytes.IndexByte([]byte(dec), 0) >= 0 {
		return "", 400
	}
	for _, seg := range bytes.Split([]byte(dec), []byte("/")) {
		if string(seg) == ".." {
			return "", 400
		}
	}
	name := path.Clean(dec)[1:] // drop the leading "/"
	if name == "" {
		name = "."
	}
	return name, 0
}

// fileRequest is what openFile needs of a request for a file.
type fileRequest struct {
	name  string    // the cleaned path relative to the root
	since time.Time // If-Modified-Since, or zero
	// rng and ifRange are the Range and If-Range values (nil if absent).
	// They alias the request buffer, which stays untouched until the job
	// is done.
	rng, ifRange []byte
	minor        int
	head, keep   bool
}

// fileJob is the answer of openFile, run on the blocking pool.
type fileJob struct {
	out  []byte   // out with the response (or its head) appended
	f    *os.File // a large file to stream after the head, positioned at its first byte, or nil
	size int64    // how many bytes of f the head promised
	keep bool     // whether the connection stays open after the response
}

// openFile opens the file under the root and appends to out either the
// whole response (errors, small files and ranges, HEAD, 304, 416) or, for
// a large one, its head, returning the open file for the caller to stream.
// Every file is sent with its Content-Length, Last-Modified and
// Accept-Ranges. If-Modified-Since is answered with 304 Not Modified when
// the file has not changed after it; a Range of one span of bytes with 206
// Partial Content (416 when it lies past the end), unless If-Range names
// another version. It blocks (file system calls): it runs on the blocking
// pool, never on a worker.
func (srv *server) openFile(out []byte, rq fileRequest) fileJob {
	minor, head, keep := rq.minor, rq.head, rq.keep
	name := rq.name
	f, err := srv.root.Open(name)
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil && fi.IsDir() {
			f.Close()
			name = path.Join(name, "index.html")
			f, err = srv.root.Open(name)
		}
	}
	if err != nil {
		status := 403 // escapes the root, permission, not a directory, ...
		if errors.Is(err, fs.ErrNotExist) {
			status = 404
		}
		return fileJob{out: appendError(out, status, minor, head, keep, ""), keep: keep}
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return fileJob{out: appendError(out, 404, minor, head, keep, ""), keep: keep}
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	now := time.Now()
	mod := fi.ModTime()
	h := http1.ResponseHead{Status: 200, Minor: minor, ContentType: ctype, Close: !keep, Server: serverName,
		Extra: []string{http1.LastModified(mod, now), "Accept-Ranges: bytes"}, Now: now}
	if !rq.since.IsZero() && http1.NotModified(mod, rq.since) {
		f.Close()
		h.Status, h.ContentType = 304, ""
		return fileJob{out: http1.AppendResponseHead(out, &h), keep: !h.Close}
	}
	size := fi.Size()
	part := http1.ByteRange{Start: 0, Length: size}
	// Ranges are defined for GET only (RFC 9110, 14.2).
	if rq.rng != nil && !head && http1.RangeStillValid(rq.ifRange, mod) {
		r, status := http1.ParseRange(rq.rng, size)
		switch status {
		case 416:
			f.Close()
			return fileJob{out: appendError(out, 416, minor, head, keep, http1.ContentRange(http1.ByteRange{}, size)), keep: keep}
		case 206:
			part = r
			h.Status = 206
			h.Extra = append(h.Extra, http1.ContentRange(r, size))
		}
	}
	h.ContentLength = part.Length
	out = http1.AppendResponseHead(out, &h)
	if head {
		f.Close()
		return fileJob{out: out, keep: !h.Close}
	}
	if part.Length > smallFile {
		if _, err := f.Seek(part.Start, io.SeekStart); err != nil {
			f.Close()
			return fileJob{out: out, keep: false} // the head is out: only closing can end it
		}
		return fileJob{out: out, f: f, size: part.Length, keep: !h.Close}
	}
	start := len(out)
	out = append(out, make([]byte, part.Length)...)
	// Only a shortfall counts: a read of exactly the rest may come with
	// io.EOF.
	if n, _ := f.ReadAt(out[start:], part.Start); n < int(part.Length) {
		// The file shrank under us: the head promised part.Length bytes,
		// so the connection cannot continue.
		out = out[:start+n]
		h.Close = true
	}
	f.Close()
	return fileJob{out: out, keep: !h.Close}
}

// stats collects the numbers GET /debug/stats reports, after a GC so the
// heap figure is the live heap: the heap in use, the count of heap
// allocations so far, goroutines, threads of
// the blocking pool (which linger for a while after use), live rt tasks and
// tracked connections, one "name value" line each. It blocks (the GC)
// and runs on the blocking pool.
func (srv *server) stats() []byte {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	srv.mu.Lock()
	conns := len(srv.conns)
	srv.mu.Unlock()
	rs := rt.Stats()
	return fmt.Appendf(nil, "heap %d\nmallocs %d\ngoroutines %d\nblocking %d\ntasks %d\nconns %d\n",
		ms.HeapInuse, ms.Mallocs, runtime.NumGoroutine(), rs.BlockingThreads, rs.LiveTasks, conns)
}

// chunkRead is one read of a large file on the blocking pool.
type chunkRead struct {
	n   int
	err error
}

// readChunk fills p from f (blocking); an error, io.EOF included, means
// the file ended before p was full.
func readChunk(f *os.File, p []byte) chunkRead {
	n, err := io.ReadFull(f, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return chunkRead{n, err}
}

// appendError appends a small text error response. keep is honoured only
// for errors after which the connection is still in sync (4xx of a parsed
// request); extra, if set, is one more header line (Allow for a 405,
// Content-Range for a 416).
func appendError(out []byte, status, minor int, head, keep bool, extra string) []byte {
	body := http1.StatusText(status) + "\n"
	h := http1.ResponseHead{Status: status, Minor: minor, ContentType: "text/plain; charset=utf-8",
		ContentLength: int64(len(body)), Close: !keep, Server: serverName}
	if extra != "" {
		h.Extra = []string{extra}
	}
	out = http1.AppendResponseHead(out, &h)
	if !head {
		out = append(out, body...)
	}
	return out
}
