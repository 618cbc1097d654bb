package http1

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseSimple(t *testing.T) {
	raw := "GET /a/b?x=1 HTTP/1.1\r\nHost: example\r\nUser-Agent:  t \r\n\r\nGET / HTTP/1.1\r\n"
	req, n, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Index(raw, "\r\n\r\n") + 4; n != want {
		t.Fatalf("n = %d, want %d", n, want)
	}
	if string(req.Method) != "GET" || string(req.Target) != "/a/b?x=1" || string(req.Path) != "/a/b" || string(req.Query) != "x=1" {
		t.Fatalf("request line: %q %q %q %q", req.Method, req.Target, req.Path, req.Query)
	}
	if req.Minor != 1 || !req.KeepAlive || req.Chunked || req.ContentLength != 0 {
		t.Fatalf("minor %d keepalive %v chunked %v cl %d", req.Minor, req.KeepAlive, req.Chunked, req.ContentLength)
	}
	if string(req.Host) != "example" || string(req.Header("user-agent")) != "t" || len(req.Headers) != 2 {
		t.Fatalf("headers: %q", req.Headers)
	}
	// The next, pipelined request is incomplete.
	if _, _, err := Parse([]byte(raw[n:])); err != ErrIncomplete {
		t.Fatalf("pipelined rest: %v, want ErrIncomplete", err)
	}
}

func TestParseEveryPrefixIncomplete(t *testing.T) {
	raw := "\r\nPOST http://h/p?q HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
	head := strings.Index(raw, "\r\n\r\n") + 4
	for i := range head {
		if _, _, err := Parse([]byte(raw[:i])); err != ErrIncomplete {
			t.Fatalf("prefix %q: %v, want ErrIncomplete", raw[:i], err)
		}
	}
	req, n, err := Parse([]byte(raw))
	if err != nil || n != head {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if string(req.Path) != "/p" || string(req.Query) != "q" || req.ContentLength != 5 || req.KeepAlive {
		t.Fatalf("%+v", req)
	}
}

func TestParseVersionsAndConnection(t *testing.T) {
	cases := []struct {
		raw  string
		keep bool
	}{
		{"GET / HTTP/1.0\r\n\r\n", false},
		{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
		{"GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"GET / HTTP/1.1\nHost: x\n\n", true}, // bare LF
	}
	for _, c := range cases {
		req, _, err := Parse([]byte(c.raw))
		if err != nil {
			t.Fatalf("%q: %v", c.raw, err)
		}
		if req.KeepAlive != c.keep {
			t.Errorf("%q: keepalive %v, want %v", c.raw, req.KeepAlive, c.keep)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		raw    string
		status int
	}{
		{"GET\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\n\r\n", 400}, // no Host
		{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
		{"GET / FTP/1.1\r\n\r\n", 400},
		{"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413},
		{"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
		{"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", 400},
		{"\x16\x03\x01\x02\x00", 400}, // a TLS ClientHello, rejected before the head ends
		{"GET / HTTP/1.1\r\nHost: x\r\nBad\x00", 400},
		{"GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 9000), 431},
		{"GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 101) + "\r\n", 431},
	}
	for _, c := range cases {
		_, _, err := Parse([]byte(c.raw))
		e, ok := err.(*Error)
		if !ok || e.Status != c.status {
			t.Errorf("%q: %v, want status %d", c.raw, err, c.status)
		}
	}
}

func TestParseNoAllocs(t *testing.T) {
	raw := []byte("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
	var req Request
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseRequest(&req, raw, nil); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per parse, want 0", allocs)
	}
}

func TestChunkedDecoder(t *testing.T) {
	body := "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT"
	// Feed it one byte at a time and all at once; both give the same body.
	for _, step := range []int{1, 3, len(body)} {
		var d ChunkedDecoder
		var got []byte
		in := []byte(body)
		pos := 0
		done := false
		for !done {
			end := min(pos+step, len(in))
			chunk := in[pos:end]
			for len(chunk) > 0 && !done {
				data, n, dn, err := d.Next(chunk)
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				got = append(got, data...)
				chunk = chunk[n:]
				pos += n
				done = dn
			}
			if end == len(in) && !done {
				t.Fatalf("step %d: not done at the end", step)
			}
		}
		if string(got) != "hello world" || body[pos:] != "NEXT" || d.Total() != 11 {
			t.Fatalf("step %d: got %q, rest %q", step, got, body[pos:])
		}
	}
}

func TestChunkedErrors(t *testing.T) {
	for _, c := range []struct {
		in  string
		err error
	}{
		{"x\r\n", ErrBadRequest},
		{"\r\n", ErrBadRequest},
		{"3\r\nabcX", ErrBadRequest},
		{"fffffffffffffffffff\r\n", ErrBodyTooLarge},
		{"200000\r\n", ErrBodyTooLarge},
	} {
		var d ChunkedDecoder
		in := []byte(c.in)
		var err error
		for len(in) > 0 && err == nil {
			var n int
			_, n, _, err = d.Next(in)
			in = in[n:]
		}
		if err != c.err {
			t.Errorf("%q: %v, want %v", c.in, err, c.err)
		}
	}
}

func TestAppendResponse(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := ResponseHead{Status: 200, Minor: 1, ContentType: "text/plain", Now: now}
	got := string(AppendResponse(nil, &h, []byte("hi"), false))
	want := "HTTP/1.1 200 OK\r\nDate: Fri, 02 Jan 2026 03:04:05 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	h = ResponseHead{Status: 200, Minor: 0, Chunked: true, Now: now}
	got = string(AppendResponseHead(nil, &h))
	if h.Chunked || !h.Close || strings.Contains(got, "Transfer-Encoding") || strings.Contains(got, "Content-Length") || !strings.Contains(got, "Connection: close") {
		t.Fatalf("HTTP/1.0 chunked: %q %+v", got, h)
	}
	h = ResponseHead{Status: 200, Minor: 1, Chunked: true, Now: now}
	b := AppendResponseHead(nil, &h)
	b = AppendChunk(b, []byte("abcdefghijklmnopq"))
	b = AppendLastChunk(b)
	if !bytes.HasSuffix(b, []byte("Transfer-Encoding: chunked\r\n\r\n11\r\nabcdefghijklmnopq\r\n0\r\n\r\n")) {
		t.Fatalf("chunked: %q", b)
	}
	e := string(AppendError(nil, 404, 1, false))
	if !strings.HasPrefix(e, "HTTP/1.1 404 Not Found\r\n") || !strings.HasSuffix(e, "\r\n\r\nNot Found\n") {
		t.Fatalf("error: %q", e)
	}
}

// FuzzParse checks that ParseRequest never panics, never reports more
// bytes than it was given or than the head limit, never looks past the
// limit, and that what it parses survives whatever follows the head.
func FuzzParse(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Add([]byte("POST /p?q HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc"))
	f.Add([]byte("PUT http://h/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	f.Add([]byte("\n\nGET * HTTP/1.1\nHost: a\nX:\t y \n\n"))
	lim := &Limits{MaxHeaderBytes: 256, MaxHeaders: 8, MaxBodyBytes: 1000}
	f.Fuzz(func(t *testing.T, buf []byte) {
		var req Request
		n, err := ParseRequest(&req, buf, lim)
		if err != nil && err != ErrIncomplete {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
		}
		if err == ErrIncomplete && len(buf) >= lim.MaxHeaderBytes {
			t.Fatalf("incomplete with %d bytes >= limit", len(buf))
		}
		if err != nil {
			if n != 0 {
				t.Fatalf("n = %d with error %v", n, err)
			}
		} else {
			if n <= 0 || n > len(buf) || n > lim.MaxHeaderBytes {
				t.Fatalf("n = %d, len %d", n, len(buf))
			}
			if len(req.Headers) > lim.MaxHeaders || req.ContentLength > lim.MaxBodyBytes {
				t.Fatalf("limits broken: %d headers, cl %d", len(req.Headers), req.ContentLength)
			}
			if req.Chunked != (req.ContentLength == -1) || req.ContentLength < -1 {
				t.Fatalf("chunked %v with cl %d", req.Chunked, req.ContentLength)
			}
		}
		// Never reads past the limit: bytes beyond it do not change the outcome.
		if len(buf) > lim.MaxHeaderBytes {
			alt := append([]byte(nil), buf[:lim.MaxHeaderBytes]...)
			alt = append(alt, bytes.Repeat([]byte{0}, len(buf)-lim.MaxHeaderBytes)...)
			var req2 Request
			n2, err2 := ParseRequest(&req2, alt, lim)
			if n2 != n || err2 != err {
				t.Fatalf("outcome depends on bytes past the limit: (%d,%v) vs (%d,%v)", n, err, n2, err2)
			}
		}
		// A parsed head parses the same whatever follows it.
		if err == nil {
			alt := append(append([]byte(nil), buf[:n]...), "\x00garbage"...)
			var req2 Request
			n2, err2 := ParseRequest(&req2, alt, lim)
			if n2 != n || err2 != nil || !bytes.Equal(req2.Target, req.Target) || req2.KeepAlive != req.KeepAlive || req2.ContentLength != req.ContentLength {
				t.Fatalf("head reparsed differently: n %d/%d err %v", n, n2, err2)
			}
		}
		// Every field aliases the head.
		if err == nil {
			for _, f := range [][]byte{req.Method, req.Target, req.Host} {
				if len(f) > 0 && !within(f, buf[:n]) {
					t.Fatalf("field %q outside the head", f)
				}
			}
		}
		// The chunked decoder does not panic on the same bytes either.
		var d ChunkedDecoder
		d.Limits = *lim
		in := buf
		for range len(buf) + 1 {
			data, k, done, err := d.Next(in)
			if k < 0 || k > len(in) || len(data) > k {
				t.Fatalf("decoder consumed %d of %d, data %d", k, len(in), len(data))
			}
			if d.Total() > lim.MaxBodyBytes {
				t.Fatalf("decoder total %d > limit", d.Total())
			}
			in = in[k:]
			if done || err != nil || len(in) == 0 {
				break
			}
		}
	})
}

func within(sub, whole []byte) bool {
	if len(whole) == 0 {
		return false
	}
	for i := range whole {
		if &whole[i] == &sub[0] {
			return i+len(sub) <= len(whole)
		}
	}
	return false
}

// TestCurrentDate checks the Date of a response without an explicit time:
// the text of the current second (the one before or after the call, if a
// second boundary passes), cached until the next second.
func TestCurrentDate(t *testing.T) {
	for range 3 {
		before := time.Now().UTC().Truncate(time.Second)
		out := AppendResponseHead(nil, &ResponseHead{Status: 204})
		after := time.Now().UTC().Truncate(time.Second)
		_, rest, _ := strings.Cut(string(out), "Date: ")
		got, _, _ := strings.Cut(rest, "\r\n")
		d, err := time.Parse(time.RFC1123, got)
		if err != nil {
			t.Fatalf("Date %q: %v", got, err)
		}
		if d.Before(before) || d.After(after) {
			t.Fatalf("Date %v, want between %v and %v", d, before, after)
		}
		c := cachedCurrentD.Load()
		if c == nil || c.until <= time.Since(dateBase)-time.Second || c.until > time.Since(dateBase)+time.Second {
			t.Fatalf("cache valid until %v, now %v: not within the next second", c.until, time.Since(dateBase))
		}
		time.Sleep(400 * time.Millisecond)
	}
}

// BenchmarkAppendHello builds the hello response with the current date.
func BenchmarkAppendHello(b *testing.B) {
	body := []byte("Hello, World!\n")
	out := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		h := ResponseHead{Status: 200, Minor: 1, ContentType: "text/plain; charset=utf-8", Server: "bench"}
		out = AppendResponse(out[:0], &h, body, false)
	}
}

// FuzzParseSameAsReference checks the parser against the one it replaced
// (ref_test.go), which scanned each line twice: every input must give the
// same length, error and request.
func FuzzParseSameAsReference(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /p?q HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
		"GET /a\x7f HTTP/2.0\r\n\r\n",
		"GET /a HTTP/1.1\r\nX: a\rb\r\n\r\n",
		"G\rT / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\n Host: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost:   \r\nX-Y:\t a\tb \t\r\n\r\n",
		"GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
		"\r\n\nGET http://h/p?x HTTP/1.1\r\nHost: h\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	lim := &Limits{MaxHeaderBytes: 512, MaxHeaders: 8, MaxBodyBytes: 1000}
	f.Fuzz(func(t *testing.T, buf []byte) {
		var got, want Request
		n, err := ParseRequest(&got, buf, lim)
		wn, werr := refParseRequest(&want, buf, lim)
		if n != wn || err != werr {
			t.Fatalf("%q: n %d, err %v; the reference gives %d, %v", buf, n, err, wn, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: request\n%+v\nthe reference gives\n%+v", buf, got, want)
		}
	})
}

// wrkRequest is the request wrk sends.
var wrkRequest = []byte("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")

// browserRequest has the headers a browser sends.
var browserRequest = []byte("GET /static/app.js?v=3 HTTP/1.1\r\nHost: example.com\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
	"Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\n" +
	"Referer: https://example.com/\r\nConnection: keep-alive\r\nCookie: session=0123456789abcdef; theme=dark\r\n" +
	"Sec-Fetch-Dest: script\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\n\r\n")

func benchParse(b *testing.B, in []byte, parse func(*Request, []byte, *Limits) (int, error)) {
	var req Request
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := parse(&req, in, nil); err != nil || n != len(in) {
			b.Fatal(n, err)
		}
	}
}

// The parser against the one it replaced (ref_test.go), on the request
// wrk sends and on a browser's.
func BenchmarkParseWrk(b *testing.B)        { benchParse(b, wrkRequest, ParseRequest) }
func BenchmarkParseWrkRef(b *testing.B)     { benchParse(b, wrkRequest, refParseRequest) }
func BenchmarkParseBrowser(b *testing.B)    { benchParse(b, browserRequest, ParseRequest) }
func BenchmarkParseBrowserRef(b *testing.B) { benchParse(b, browserRequest, refParseRequest) }

// TestAppendDecimalAndStatusLine checks the hand-written number formatting
// against strconv, and the status line of known and unknown codes.
func TestAppendDecimalAndStatusLine(t *testing.T) {
	for _, n := range []int64{0, 1, 9, 10, 14, 99, 100, 404, 999, 1000, 1234, 9999, 10000, 123456789, -1, -42} {
		if got, want := string(appendDecimal([]byte("x"), n)), "x"+strconv.FormatInt(n, 10); got != want {
			t.Errorf("appendDecimal(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tc := range []struct {
		status int
		want   string
	}{{200, "HTTP/1.1 200 OK\r\n"}, {404, "HTTP/1.1 404 Not Found\r\n"}, {100, "HTTP/1.1 100 Continue\r\n"}, {599, "HTTP/1.1 599 Status\r\n"}} {
		if got := string(AppendStatusLine(nil, tc.status)); got != tc.want {
			t.Errorf("AppendStatusLine(%d) = %q, want %q", tc.status, got, tc.want)
		}
	}
}
