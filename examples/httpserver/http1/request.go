// Package http1 is an HTTP/1.x protocol core with no I/O: it parses request
// heads from a byte buffer and appends responses to a byte slice. It knows
// nothing about sockets, goroutines or the asyncgo runtime, so any server can
// drive it — the async server in examples/httpserver, a goroutine server on
// package net, or an event-loop server — by feeding it whatever bytes it has
// read so far.
//
// # Parsing
//
// [ParseRequest] (or the allocating convenience [Parse]) looks at a buffer
// holding the bytes read from a connection. If the buffer does not yet hold
// a whole request head it returns [ErrIncomplete] and the caller reads more
// and calls again with the longer buffer; if it does, it fills a [Request]
// whose byte-slice fields alias the buffer and returns the length of the
// head. The body, if any, follows: ContentLength bytes, or, when Chunked is
// set, a chunked body that a [ChunkedDecoder] takes apart. Several pipelined
// requests in one buffer are parsed by calling again on buf[n+bodyLen:].
//
// Errors other than ErrIncomplete are [*Error] values carrying the status
// code the server should answer with before closing the connection:
// 400 malformed, 431 head larger than [Limits].MaxHeaderBytes or with more
// than MaxHeaders fields, 413 body larger than MaxBodyBytes, 501 a transfer
// coding other than chunked, 505 a version other than HTTP/1.0 or 1.1.
//
// Oversized heads get 431 Request Header Fields Too Large (RFC 6585), not
// 413 Content Too Large: 413 is kept for bodies, so a client can tell which
// limit it hit.
//
// # Responding
//
// [AppendResponseHead] appends a status line and headers (Date, Server,
// Content-Type, Content-Length or Transfer-Encoding: chunked, Connection)
// to a slice; [AppendResponse] appends a whole response with a body in
// memory; [AppendChunk] and [AppendLastChunk] frame a chunked body. All
// of them append to the caller's slice, so a server answering pipelined
// requests appends every response to one buffer and writes it once.
//
// Nothing here allocates on the hot path when the caller reuses its
// Request and buffers.
package http1

import (
	"bytes"
	"errors"
	"strconv"
)

// ErrIncomplete is returned by [ParseRequest] and [ChunkedDecoder.Next]
// when the buffer ends before the element being parsed does: read more
// bytes and call again with the longer buffer.
var ErrIncomplete = errors.New("http1: incomplete request")

// An Error is a protocol error with the HTTP status code a server should
// answer with. After an Error the connection cannot be resynchronised: the
// server answers (Connection: close) and closes it.
type Error struct {
	// Status is the response status code: 400, 413, 431, 501 or 505.
	Status int
	// Reason says what was wrong, for logs.
	Reason string
}

// Error returns the status code and reason.
func (e *Error) Error() string {
	return "http1: " + strconv.Itoa(e.Status) + " " + e.Reason
}

// The errors ParseRequest and ChunkedDecoder return. Compare with ==, or
// read the Status field of the *Error.
var (
	// ErrBadRequest is a malformed request line, header or chunk framing.
	ErrBadRequest = &Error{Status: 400, Reason: "malformed request"}
	// ErrHeaderTooLarge is a request head longer than Limits.MaxHeaderBytes
	// or with more than Limits.MaxHeaders fields.
	ErrHeaderTooLarge = &Error{Status: 431, Reason: "request header fields too large"}
	// ErrBodyTooLarge is a body longer than Limits.MaxBodyBytes, announced
	// by Content-Length or found while decoding a chunked body.
	ErrBodyTooLarge = &Error{Status: 413, Reason: "content too large"}
	// ErrNotImplemented is a Transfer-Encoding other than chunked.
	ErrNotImplemented = &Error{Status: 501, Reason: "transfer coding not implemented"}
	// ErrVersion is a request line whose version is not HTTP/1.0 or HTTP/1.1.
	ErrVersion = &Error{Status: 505, Reason: "HTTP version not supported"}
)

// Limits bound what the parser accepts. The zero value of a field means its
// default.
type Limits struct {
	// MaxHeaderBytes bounds the request head: request line, header fields
	// and the blank line. The parser never looks further into the buffer
	// than this many bytes. Default 8 KiB.
	MaxHeaderBytes int
	// MaxHeaders bounds the number of header fields. Default 100.
	MaxHeaders int
	// MaxBodyBytes bounds a request body (Content-Length or the sum of the
	// chunks). Default 1 MiB.
	MaxBodyBytes int64
}

// DefaultLimits are the limits used when none are given.
var DefaultLimits = Limits{MaxHeaderBytes: 8 << 10, MaxHeaders: 100, MaxBodyBytes: 1 << 20}

func (l *Limits) norm() Limits {
	out := DefaultLimits
	if l != nil {
		if l.MaxHeaderBytes > 0 {
			out.MaxHeaderBytes = l.MaxHeaderBytes
		}
		if l.MaxHeaders > 0 {
			out.MaxHeaders = l.MaxHeaders
		}
		if l.MaxBodyBytes > 0 {
			out.MaxBodyBytes = l.MaxBodyBytes
		}
	}
	return out
}

// A Header is one header field. Name and Value alias the parsed buffer;
// Value has its surrounding whitespace removed.
type Header struct {
	Name, Value []byte
}

// A Request is a parsed request head. Its byte-slice fields alias the
// buffer given to ParseRequest and stay valid until that buffer is
// modified; copy what must outlive it.
type Request struct {
	// Method is the request method, e.g. "GET"; case-sensitive.
	Method []byte
	// Target is the request target as sent: "/path?query", an absolute
	// URI "http://host/path", or "*".
	Target []byte
	// Path is the path of the target: Target up to '?' for origin-form,
	// the path part of an absolute URI ("/" if empty), or "*". It is not
	// percent-decoded or cleaned.
	Path []byte
	// Query is what follows '?' in the target, without the '?'.
	Query []byte
	// Minor is the minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
	Minor int
	// Headers are the header fields in order. ParseRequest reuses the
	// slice's capacity.
	Headers []Header
	// Host is the Host header's value (nil if absent).
	Host []byte
	// ContentLength is the body length given by Content-Length, 0 when the
	// request has no body, and -1 when the body is chunked.
	ContentLength int64
	// Chunked is set when Transfer-Encoding is chunked: the body is a
	// chunked body; decode it with a ChunkedDecoder.
	Chunked bool
	// KeepAlive reports whether the connection may carry another request
	// after this one: HTTP/1.1 unless "Connection: close", HTTP/1.0 only
	// with "Connection: keep-alive".
	KeepAlive bool
	// Expect100 is set for "Expect: 100-continue".
	Expect100 bool
}

// Header returns the value of the first header field named name (compared
// case-insensitively), or nil.
func (r *Request) Header(name string) []byte {
	for i := range r.Headers {
		if equalFold(r.Headers[i].Name, name) {
			return r.Headers[i].Value
		}
	}
	return nil
}

// IsMethod reports whether the request's method is m.
func (r *Request) IsMethod(m string) bool { return string(r.Method) == m }

// Parse parses the request head at the start of buf with DefaultLimits.
// It is ParseRequest with a fresh Request; servers that parse many requests
// should reuse one Request with ParseRequest instead.
func Parse(buf []byte) (req Request, n int, err error) {
	n, err = ParseRequest(&req, buf, nil)
	return req, n, err
}

// ParseRequest parses the request head at the start of buf into req, with
// the limits lim (nil means DefaultLimits), and returns the length of the
// head including its blank line; the body starts at buf[n].
//
// It returns ErrIncomplete when buf holds a prefix of a valid head shorter
// than the limit, and an *Error when the bytes cannot be the start of a
// valid head or break a limit. It reads at most lim.MaxHeaderBytes bytes of
// buf. Empty lines before the request line are skipped (RFC 9112 2.2) and
// count towards n. Lines may end in CRLF or a bare LF.
//
// req.Headers is truncated and reused; the other fields are overwritten.
func ParseRequest(req *Request, buf []byte, lim *Limits) (n int, err error) {
	l := lim.norm()
	hdrs := req.Headers[:0]
	*req = Request{Headers: hdrs}
	limit := min(len(buf), l.MaxHeaderBytes)
	b := buf[:limit]

	// Skip leading empty lines.
	pos := 0
	for pos < len(b) {
		if b[pos] == '\n' {
			pos++
		} else if b[pos] == '\r' {
			if pos+1 >= len(b) {
				return 0, incomplete(buf, l)
			}
			if b[pos+1] != '\n' {
				return 0, ErrBadRequest
			}
			pos += 2
		} else {
			break
		}
	}

	// Request line.
	line, next, err := nextLine(b, pos)
	if err != nil {
		if err == ErrIncomplete {
			if e := checkPrefix(b[pos:]); e != nil {
				return 0, e
			}
			return 0, incomplete(buf, l)
		}
		return 0, err
	}
	if err := parseRequestLine(req, line); err != nil {
		return 0, err
	}
	pos = next

	// Header fields until the empty line.
	var (
		sawCL, sawTE bool
		connClose    bool
		connKeep     bool
		teBad        bool
	)
	req.ContentLength = 0
	for {
		line, next, err := nextLine(b, pos)
		if err != nil {
			if err == ErrIncomplete {
				if e := checkHeaderPrefix(b[pos:]); e != nil {
					return 0, e
				}
				return 0, incomplete(buf, l)
			}
			return 0, err
		}
		pos = next
		if len(line) == 0 {
			break
		}
		// The name: token characters up to the colon, in one pass (a
		// line starting with a space or tab, obsolete line folding,
		// has an empty name and is refused with the rest).
		colon := 0
		for colon < len(line) && tokenTable[line[colon]] {
			colon++
		}
		if colon == 0 || colon == len(line) || line[colon] != ':' {
			return 0, ErrBadRequest
		}
		name := line[:colon]
		value := trimOWS(line[colon+1:])
		if !validValue(value) {
			return 0, ErrBadRequest
		}
		if len(req.Headers) >= l.MaxHeaders {
			return 0, ErrHeaderTooLarge
		}
		req.Headers = append(req.Headers, Header{Name: name, Value: value})

		switch {
		case equalFold(name, "Host"):
			if req.Host != nil {
				return 0, ErrBadRequest // RFC 9112 3.2: exactly one Host
			}
			req.Host = value
		case equalFold(name, "Content-Length"):
			v, ok := parseDecimal(value)
			if !ok || (sawCL && v != req.ContentLength) {
				return 0, ErrBadRequest
			}
			sawCL = true
			req.ContentLength = v
		case equalFold(name, "Transfer-Encoding"):
			// Only "chunked", once, as the only coding, is accepted.
			if sawTE || !equalFold(value, "chunked") {
				teBad = true
			}
			sawTE = true
		case equalFold(name, "Connection"):
			forEachToken(value, func(tok []byte) {
				if equalFold(tok, "close") {
					connClose = true
				} else if equalFold(tok, "keep-alive") {
					connKeep = true
				}
			})
		case equalFold(name, "Expect"):
			if equalFold(value, "100-continue") {
				req.Expect100 = true
			}
		}
	}

	if sawTE {
		if sawCL {
			return 0, ErrBadRequest // RFC 9112 6.1: smuggling risk, reject
		}
		if req.Minor == 0 {
			return 0, ErrBadRequest // chunked is not defined for HTTP/1.0
		}
		if teBad {
			return 0, ErrNotImplemented
		}
		req.Chunked = true
		req.ContentLength = -1
	}
	if req.ContentLength > l.MaxBodyBytes {
		return 0, ErrBodyTooLarge
	}
	if req.Minor == 1 {
		if req.Host == nil {
			return 0, ErrBadRequest // RFC 9112 3.2
		}
		req.KeepAlive = !connClose
	} else {
		req.KeepAlive = connKeep && !connClose
	}
	return pos, nil
}

// incomplete is the error for a buffer that ends inside the head: if the
// buffer already reaches the limit, the head is too large.
func incomplete(buf []byte, l Limits) error {
	if len(buf) >= l.MaxHeaderBytes {
		return ErrHeaderTooLarge
	}
	return ErrIncomplete
}

// nextLine returns the line starting at pos (without its terminator) and
// the position after the terminator. A bare CR left inside the line is
// not looked for here: the callers check every byte of a line (a CR is
// neither a token character, nor allowed in a target or a field value),
// so a second scan of the line would only repeat that.
func nextLine(b []byte, pos int) (line []byte, next int, err error) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return nil, 0, ErrIncomplete
	}
	line = b[pos : pos+i]
	next = pos + i + 1
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, next, nil
}

// checkPrefix rejects early a partial request line that can never become
// valid (binary garbage, a TLS handshake), so junk is answered 400 at once
// instead of waiting for the header timeout.
func checkPrefix(p []byte) error {
	sp := bytes.IndexByte(p, ' ')
	method := p
	if sp >= 0 {
		method = p[:sp]
	}
	if sp == 0 || !isTokenPrefix(method) {
		return ErrBadRequest
	}
	for _, c := range p {
		if c < ' ' && c != '\r' || c == 0x7f {
			return ErrBadRequest
		}
	}
	return nil
}

// checkHeaderPrefix rejects a partial header line with bytes that no field
// may contain.
func checkHeaderPrefix(p []byte) error {
	for i, c := range p {
		if c == '\r' && i != len(p)-1 {
			return ErrBadRequest
		}
		if (c < ' ' && c != '\t' && c != '\r') || c == 0x7f {
			return ErrBadRequest
		}
	}
	return nil
}

// parseRequestLine parses "METHOD SP target SP HTTP/1.x".
func parseRequestLine(req *Request, line []byte) error {
	// One pass over each part: the method's token characters up to the
	// first space, then the target up to the next space, noting whether
	// it holds a byte no target may. A bare CR is refused at once, like
	// anywhere in the head; other bad bytes after the version check, so
	// that a bad version is answered 505 whatever the target.
	sp1 := 0
	for sp1 < len(line) && tokenTable[line[sp1]] {
		sp1++
	}
	if sp1 == 0 || sp1 == len(line) || line[sp1] != ' ' {
		return ErrBadRequest
	}
	sp2 := sp1 + 1
	badTarget := false
	for sp2 < len(line) && line[sp2] != ' ' {
		if c := line[sp2]; c < ' ' || c == 0x7f {
			if c == '\r' {
				return ErrBadRequest
			}
			badTarget = true
		}
		sp2++
	}
	if sp2 == sp1+1 || sp2 == len(line) {
		return ErrBadRequest
	}
	method, target, version := line[:sp1], line[sp1+1:sp2], line[sp2+1:]
	switch {
	case string(version) == "HTTP/1.1":
		req.Minor = 1
	case string(version) == "HTTP/1.0":
		req.Minor = 0
	case len(version) == 8 && string(version[:5]) == "HTTP/" && isDigit(version[5]) && version[6] == '.' && isDigit(version[7]):
		return ErrVersion
	default:
		return ErrBadRequest
	}
	if badTarget {
		return ErrBadRequest
	}
	req.Method, req.Target = method, target
	switch {
	case target[0] == '/':
		req.Path = target
	case string(target) == "*":
		req.Path = target
		return nil
	case hasPrefixFold(target, "http://") || hasPrefixFold(target, "https://"):
		i := bytes.Index(target, []byte("//")) + 2
		auth := target[i:]
		j := bytes.IndexAny(auth, "/?")
		if j < 0 {
			req.Path = []byte("/")
			return nil
		}
		req.Path = auth[j:]
		if auth[j] == '?' {
			req.Path = []byte("/")
			req.Query = auth[j+1:]
			return nil
		}
	default:
		// authority-form (CONNECT) and anything else: not served here.
		if string(method) == "CONNECT" {
			req.Path = target
			return nil
		}
		return ErrBadRequest
	}
	if q := bytes.IndexByte(req.Path, '?'); q >= 0 {
		req.Query = req.Path[q+1:]
		req.Path = req.Path[:q]
	}
	return nil
}

// parseContentLength parses 1*DIGIT into a non-negative int64.
func parseDecimal(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// forEachToken calls f for each comma-separated element of a list value.
func forEachToken(v []byte, f func([]byte)) {
	for len(v) > 0 {
		i := bytes.IndexByte(v, ',')
		var tok []byte
		if i < 0 {
			tok, v = v, nil
		} else {
			tok, v = v[:i], v[i+1:]
		}
		if tok = trimOWS(tok); len(tok) > 0 {
			f(tok)
		}
	}
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// validValue reports whether every byte of v is allowed in a field value:
// visible characters, spaces, tabs and obs-text, no other control byte.
func validValue(v []byte) bool {
	for _, c := range v {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// tokenTable marks the tchar bytes of RFC 9110 5.6.2.
var tokenTable = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isTokenPrefix(b []byte) bool {
	for _, c := range b {
		if !tokenTable[c] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether b equals s ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[:len(s)], s)
}
