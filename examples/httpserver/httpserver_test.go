package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// curl runs curl with args plus -w '\n%{http_code}' and returns the body
// and the status code.
func curl(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, _ := runTool(t, 30*time.Second, "curl", append([]string{"-sS", "--max-time", "20", "-w", "\n%{http_code}"}, args...)...)
	i := strings.LastIndexByte(out, '\n')
	code, err := strconv.Atoi(out[i+1:])
	if err != nil {
		t.Fatalf("curl %v: no status in %q", args, out)
	}
	return out[:i], code
}

// TestCurl drives the server with curl: several URLs over one keep-alive
// connection, HEAD, a large file streamed with its length, conditional
// requests, a streamed (chunked) response, a chunked request body, errors,
// and attempts to escape the root.
func TestCurl(t *testing.T) {
	needTool(t, "curl")
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		root := makeRoot(t)
		p := startServer(t, bin, "-root", root.dir)

		// Keep-alive: three URLs, one connection.
		out, errOut := runTool(t, 30*time.Second, "curl", "-sv", "--max-time", "20", p.url("/hello"), p.url("/a.txt"), p.url("/sub/"), p.url("/inside.txt"))
		if want := "Hello, World!\nalpha\n<p>sub</p>\nalpha\n"; out != want {
			t.Errorf("keep-alive bodies %q, want %q", out, want)
		}
		if n := strings.Count(errOut, "Re-using existing connection"); n != 3 {
			t.Errorf("curl re-used the connection %d times, want 3:\n%s", n, errOut)
		}
		if !strings.Contains(errOut, "Content-Type: text/html") || !strings.Contains(errOut, "Content-Type: text/plain") || !strings.Contains(errOut, "Date: ") {
			t.Errorf("missing headers:\n%s", errOut)
		}

		// HEAD.
		out, _ = runTool(t, 30*time.Second, "curl", "-sSI", "--max-time", "20", p.url("/a.txt"))
		if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Content-Length: 6\r\n") || strings.Contains(out, "alpha") {
			t.Errorf("HEAD /a.txt:\n%s", out)
		}

		// A large file: streamed in pieces, with its length, byte for byte.
		dst := filepath.Join(t.TempDir(), "big")
		hdrs, _ := runTool(t, 30*time.Second, "curl", "-sS", "--max-time", "20", "-D", "-", "-o", dst, p.url("/big.bin"))
		if !strings.Contains(hdrs, fmt.Sprintf("Content-Length: %d\r\n", len(root.big))) || strings.Contains(hdrs, "Transfer-Encoding") {
			t.Errorf("big.bin without its Content-Length:\n%s", hdrs)
		}
		if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, root.big) {
			t.Errorf("big.bin: %d bytes (err %v), want the %d of the file", len(got), err, len(root.big))
		}

		// Conditional requests. Unchanged since If-Modified-Since: 304 and
		// no body, for a small and a large file; older, or a date that does
		// not parse: the file. (Sent with -H, not curl's -z, which hides a
		// 200 whose Last-Modified is not newer behind a 304 of its own.)
		for _, name := range []string{"a.txt", "big.bin"} {
			fi, err := os.Stat(filepath.Join(root.dir, name))
			if err != nil {
				t.Fatal(err)
			}
			lm := fi.ModTime().UTC().Format(http.TimeFormat)
			hdrs, _ := runTool(t, 30*time.Second, "curl", "-sSI", "--max-time", "20", p.url("/"+name))
			if !strings.Contains(hdrs, "Last-Modified: "+lm+"\r\n") {
				t.Errorf("HEAD /%s: want Last-Modified: %s:\n%s", name, lm, hdrs)
			}
			out, _ := runTool(t, 30*time.Second, "curl", "-sS", "--max-time", "20", "-D", "-", "-H", "If-Modified-Since: "+lm, p.url("/"+name))
			if !strings.HasPrefix(out, "HTTP/1.1 304 Not Modified\r\n") || !strings.HasSuffix(out, "\r\n\r\n") || strings.Contains(out, "Content-Length") {
				t.Errorf("/%s if modified since its Last-Modified: want a bare 304:\n%q", name, out)
			}
			older := fi.ModTime().Add(-time.Second).UTC().Format(http.TimeFormat)
			for _, since := range []string{older, "not a date"} {
				body, code := curl(t, "-H", "If-Modified-Since: "+since, p.url("/"+name))
				if code != 200 || len(body) != int(fi.Size()) {
					t.Errorf("/%s if modified since %q: %d, %d bytes; want 200 and the file", name, since, code, len(body))
				}
			}
			// With If-None-Match, If-Modified-Since does not count.
			if body, code := curl(t, "-H", "If-None-Match: \"x\"", "-H", "If-Modified-Since: "+lm, p.url("/"+name)); code != 200 || len(body) != int(fi.Size()) {
				t.Errorf("/%s with If-None-Match: %d, %d bytes; want 200 and the file", name, code, len(body))
			}
		}

		// Ranges: one span of bytes, from a small file (one read) and a
		// large one (streamed from an offset), a suffix, past the end
		// (416), several spans (ignored: the whole file), If-Range, and
		// curl resuming a download.
		size := len(root.big)
		for _, c := range []struct {
			name, rng  string
			start, end int // the bytes expected, of the file
			whole      bool
		}{
			{"a.txt", "0-2", 0, 2, false},
			{"a.txt", "-5", 1, 5, false},
			{"big.bin", "0-9", 0, 9, false},
			{"big.bin", "100000-250000", 100000, 250000, false},
			{"big.bin", "1000-", 1000, size - 1, false},
			{"big.bin", "0-1,5-6", 0, size - 1, true},
		} {
			content := root.big
			if c.name == "a.txt" {
				content = []byte("alpha\n")
			}
			out, _ := runTool(t, 30*time.Second, "curl", "-sS", "--max-time", "20", "-D", "-", "-r", c.rng, p.url("/"+c.name))
			hdrs, body, _ := strings.Cut(out, "\r\n\r\n")
			want := string(content[c.start : c.end+1])
			status := "HTTP/1.1 206 Partial Content"
			cr := fmt.Sprintf("Content-Range: bytes %d-%d/%d", c.start, c.end, len(content))
			if c.whole {
				status, cr = "HTTP/1.1 200 OK", ""
			}
			if !strings.HasPrefix(hdrs, status) || (cr != "" && !strings.Contains(hdrs+"\r\n", cr+"\r\n")) || body != want {
				t.Errorf("/%s range %s: want %q and %q, %d bytes; got %d bytes:\n%s", c.name, c.rng, status, cr, len(want), len(body), hdrs)
			}
		}
		out, _ = runTool(t, 30*time.Second, "curl", "-sS", "--max-time", "20", "-D", "-", "-r", fmt.Sprintf("%d-", size), p.url("/big.bin"))
		if !strings.HasPrefix(out, "HTTP/1.1 416 Range Not Satisfiable\r\n") || !strings.Contains(out, fmt.Sprintf("Content-Range: bytes */%d\r\n", size)) {
			t.Errorf("a range past the end: want 416 with the size:\n%s", out)
		}
		if out, _ := runTool(t, 30*time.Second, "curl", "-sSI", "--max-time", "20", "-r", "0-9", p.url("/big.bin")); !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Accept-Ranges: bytes\r\n") {
			t.Errorf("HEAD with a range: want 200 (ranges are for GET) and Accept-Ranges:\n%s", out)
		}
		fi, err := os.Stat(filepath.Join(root.dir, "big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		lm := fi.ModTime().UTC().Format(http.TimeFormat)
		stale := fi.ModTime().Add(-time.Hour).UTC().Format(http.TimeFormat)
		for ifRange, want := range map[string]string{lm: string(root.big[:10]), stale: string(root.big), `"etag"`: string(root.big)} {
			if body, code := curl(t, "-r", "0-9", "-H", "If-Range: "+ifRange, p.url("/big.bin")); body != want {
				t.Errorf("If-Range %s: %d, %d bytes; want %d", ifRange, code, len(body), len(want))
			}
		}
		part := filepath.Join(t.TempDir(), "part")
		if err := os.WriteFile(part, root.big[:12345], 0o644); err != nil {
			t.Fatal(err)
		}
		runTool(t, 30*time.Second, "curl", "-sS", "--max-time", "20", "-C", "-", "-o", part, p.url("/big.bin"))
		if got, err := os.ReadFile(part); err != nil || !bytes.Equal(got, root.big) {
			t.Errorf("curl -C - resumed to %d bytes (err %v), want the %d of the file", len(got), err, size)
		}

		// A streamed response.
		if body, code := curl(t, p.url("/stream?n=4&delay=5")); code != 200 || body != "chunk 0\nchunk 1\nchunk 2\nchunk 3\n" {
			t.Errorf("/stream: %d %q", code, body)
		}

		// A chunked request body, echoed back.
		src := filepath.Join(t.TempDir(), "payload")
		if err := os.WriteFile(src, root.big[:100_000], 0o644); err != nil {
			t.Fatal(err)
		}
		if body, code := curl(t, "-H", "Transfer-Encoding: chunked", "--data-binary", "@"+src, p.url("/echo")); code != 200 || body != string(root.big[:100_000]) {
			t.Errorf("chunked POST /echo: %d, %d bytes back", code, len(body))
		}

		// Errors.
		for _, c := range []struct {
			args []string
			code int
		}{
			{[]string{p.url("/nope")}, 404},
			{[]string{"-X", "DELETE", p.url("/a.txt")}, 405},
			{[]string{"-X", "POST", "-d", "x", p.url("/hello")}, 405},
			{[]string{"-d", "x", p.url("/a.txt")}, 405},
		} {
			if _, code := curl(t, c.args...); code != c.code {
				t.Errorf("curl %v: %d, want %d", c.args, code, c.code)
			}
		}

		// Escapes: by dot segments (raw and encoded) and by symlinks.
		for _, path := range []string{
			"/../outside/secret", "/sub/../../outside/secret", "/%2e%2e/outside/secret",
			"/..%2foutside%2fsecret", "/sub/%2e%2e/%2e%2e/outside/secret", "/escape.txt",
			"/escrel.txt", "/escdir/secret", "/sub/up.txt", "/./../outside/secret",
		} {
			body, code := curl(t, "--path-as-is", p.url(path))
			if code != 400 && code != 403 && code != 404 {
				t.Errorf("%s: status %d, want 400, 403 or 404", path, code)
			}
			if strings.Contains(body, "SECRET") {
				t.Errorf("%s: served the file outside the root", path)
			}
		}
	})
}

// readResp reads one response; method is the request's method.
func readResp(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading the response to %s: %v", method, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body of %s: %v", method, err)
	}
	return resp, string(b)
}

// expectEOF fails unless the server closes the connection (without
// sending anything more) within a few seconds.
func expectEOF(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := br.ReadByte()
	if err == nil {
		rest, _ := br.Peek(br.Buffered())
		t.Fatalf("expected the connection closed, got %q", append([]byte{b}, rest...))
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("expected EOF, got %v", err)
	}
}

// TestRawTCP talks HTTP by hand: pipelining, bodies, HTTP/1.0, malformed
// and oversized requests.
func TestRawTCP(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		root := makeRoot(t)
		p := startServer(t, bin, "-root", root.dir)

		t.Run("pipelining", func(t *testing.T) {
			c := dial(t, p.addr)
			reqs := "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" +
				"HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
				"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
				"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
				"PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n" +
				"GET /stream?n=2 HTTP/1.1\r\nHost: x\r\n\r\n" +
				"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" +
				"GET /sub/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
			// In random pieces, so that requests and bodies straddle reads.
			go func() {
				rng := rand.New(rand.NewPCG(7, 7))
				for rest := reqs; len(rest) > 0; {
					n := min(1+rng.IntN(40), len(rest))
					if _, err := io.WriteString(c, rest[:n]); err != nil {
						return
					}
					rest = rest[n:]
					time.Sleep(time.Duration(rng.IntN(2)) * time.Millisecond)
				}
			}()
			br := bufio.NewReader(c)
			want := []struct {
				method, body string
				code         int
			}{
				{"GET", "Hello, World!\n", 200}, {"HEAD", "", 200}, {"POST", "hello", 200},
				{"GET", "alpha\n", 200}, {"PUT", "abcde", 200}, {"GET", "chunk 0\nchunk 1\n", 200},
				{"GET", "Not Found\n", 404}, {"GET", "body{}\n", 200},
			}
			for i, w := range want {
				resp, body := readResp(t, br, w.method)
				if resp.StatusCode != w.code || body != w.body {
					t.Fatalf("response %d: %d %q, want %d %q", i, resp.StatusCode, body, w.code, w.body)
				}
				if w.method == "HEAD" && resp.ContentLength != 6 {
					t.Errorf("HEAD: Content-Length %d, want 6", resp.ContentLength)
				}
			}
			expectEOF(t, c, br)
		})

		t.Run("http10", func(t *testing.T) {
			c := dial(t, p.addr)
			io.WriteString(c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
			br := bufio.NewReader(c)
			resp, body := readResp(t, br, "GET")
			if body != "Hello, World!\n" || resp.Header.Get("Connection") != "keep-alive" {
				t.Fatalf("1.0 keep-alive: %q %v", body, resp.Header)
			}
			io.WriteString(c, "GET /big.bin HTTP/1.0\r\n\r\n")
			resp, body = readResp(t, br, "GET")
			if resp.StatusCode != 200 || len(resp.TransferEncoding) != 0 || resp.ContentLength != int64(len(root.big)) || body != string(root.big) {
				t.Fatalf("1.0 big file: %d %v length %d, %d bytes", resp.StatusCode, resp.TransferEncoding, resp.ContentLength, len(body))
			}
			expectEOF(t, c, br)
		})

		for _, c := range []struct {
			name, raw string
			code      int
		}{
			{"malformed", "GARBAGE\r\n\r\n", 400},
			{"binary", "\x16\x03\x01\x00\xa5\x01\x00\x00", 400},
			{"no host", "GET /hello HTTP/1.1\r\n\r\n", 400},
			{"bad header", "GET /hello HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400},
			{"version", "GET /hello HTTP/3.0\r\nHost: x\r\n\r\n", 505},
			{"coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
			{"smuggling", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
			{"oversized head", "GET /hello HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 10_000) + "\r\n\r\n", 431},
			{"many headers", "GET /hello HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("A: b\r\n", 150) + "\r\n", 431},
			{"oversized body", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413},
			{"oversized chunked body", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n", 413},
			{"bad chunk", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
			{"dot dot", "GET /../outside/secret HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		} {
			t.Run(c.name, func(t *testing.T) {
				conn := dial(t, p.addr)
				io.WriteString(conn, c.raw)
				br := bufio.NewReader(conn)
				resp, _ := readResp(t, br, "GET")
				if resp.StatusCode != c.code {
					t.Fatalf("status %d, want %d", resp.StatusCode, c.code)
				}
				if c.code != 400 || c.name != "dot dot" {
					if !resp.Close {
						t.Errorf("no Connection: close after a %d", c.code)
					}
					expectEOF(t, conn, br)
				}
			})
		}
	})
}

// TestSlowloris holds connections open with a trickle of header bytes, and
// others that send nothing: each is answered 408 (or closed) after the
// header timeout, normal requests are served meanwhile, and afterwards the
// server holds no more descriptors than before.
func TestSlowloris(t *testing.T) {
	const timeout = 400 * time.Millisecond
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		p := startServer(t, bin, "-root", t.TempDir(), "-header-timeout", timeout.String())
		get(t, p.addr, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		base := p.fdCount(t)

		const slow, silent = 20, 10
		var wg sync.WaitGroup
		errs := make(chan error, slow+silent)
		start := time.Now()
		for i := range slow + silent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				if i < slow {
					// One byte every 50ms, forever: the head never ends.
					go func() {
						msg := "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("z", 200)
						for j := range len(msg) {
							if _, err := io.WriteString(c, msg[j:j+1]); err != nil {
								return
							}
							time.Sleep(50 * time.Millisecond)
						}
					}()
				}
				b, err := io.ReadAll(c)
				elapsed := time.Since(start)
				if err != nil && !errors.Is(err, syscall.ECONNRESET) {
					errs <- fmt.Errorf("conn %d: %v", i, err)
					return
				}
				if i < slow && !bytes.HasPrefix(b, []byte("HTTP/1.1 408 ")) {
					errs <- fmt.Errorf("slow conn %d: got %q, want a 408", i, b)
				}
				if i >= slow && len(b) != 0 {
					errs <- fmt.Errorf("silent conn %d: got %q, want a close", i, b)
				}
				if elapsed < timeout || elapsed > timeout+3*time.Second {
					errs <- fmt.Errorf("conn %d closed after %v, timeout %v", i, elapsed, timeout)
				}
			}()
		}
		// Normal requests are served meanwhile.
		for range 5 {
			if code, _, body := get(t, p.addr, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"); code != 200 || body != "Hello, World!\n" {
				t.Errorf("during the slowloris: %d %q", code, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		waitFDs(t, p, base, 1)
	})
}

// A large file that shrinks while it is being sent: its head promised the
// old length, so the server sends what there is and closes the connection,
// and the client sees a short body rather than a hang or a next response.
func TestFileShrinks(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		root := makeRoot(t)
		name := filepath.Join(root.dir, "shrinking.bin")
		if err := os.WriteFile(name, bytes.Repeat([]byte("x"), 4<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		p := startServer(t, bin, "-root", root.dir)
		// A small receive window keeps the server from sending the file
		// whole before it is cut.
		c, err := buildtest.DialSlowReader(p.addr, 8192)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		io.WriteString(c, "GET /shrinking.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.ContentLength != 4<<20 {
			t.Fatalf("Content-Length %d, want %d", resp.ContentLength, 4<<20)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(name, 100<<10); err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if err != io.ErrUnexpectedEOF {
			t.Fatalf("after the file shrank: %d more bytes, %v; want the body cut short (io.ErrUnexpectedEOF)", n, err)
		}
		if got := 64<<10 + n; got >= 4<<20 {
			t.Fatalf("read %d bytes, the whole old length", got)
		}
		expectEOF(t, c, br) // and no answer to the pipelined GET /hello
	})
}

// TestSlowReader asks for megabytes and never reads them: once the socket
// buffers are full the server's write times out and it drops the
// connection, though the client still holds its end open.
func TestSlowReader(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		root := makeRoot(t)
		p := startServer(t, bin, "-root", root.dir, "-write-timeout", "300ms")
		get(t, p.addr, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		time.Sleep(200 * time.Millisecond)
		base := p.fdCount(t)
		c := dial(t, p.addr)
		c.(*net.TCPConn).SetReadBuffer(4096)
		if _, err := io.WriteString(c, strings.Repeat("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", 100)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if n := p.fdCount(t); n <= base {
			t.Fatalf("the connection is not open on the server (%d fds, %d before)", n, base)
		}
		waitFDs(t, p, base, 0)
	})
}

// waitFDs waits (up to 5s) for the server's descriptor count to come back
// to base, give or take slack (a probe connection the server has not yet
// seen closed).
func waitFDs(t *testing.T, p *proc, base, slack int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := p.fdCount(t)
		if n <= base+slack {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server holds %d descriptors, %d before", n, base)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWrk runs a short wrk load against /hello: requests complete, none
// fail, none are non-2xx.
func TestWrk(t *testing.T) {
	needTool(t, "wrk")
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		p := startServer(t, bin, "-root", t.TempDir())
		out, _ := runTool(t, 30*time.Second, "wrk", "-t1", "-c50", "-d2s", "--timeout", "5s", p.url("/hello"))
		m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no request count in:\n%s", out)
		}
		if n, _ := strconv.Atoi(m[1]); n == 0 {
			t.Errorf("wrk completed no requests:\n%s", out)
		}
		if strings.Contains(out, "Socket errors") || strings.Contains(out, "Non-2xx") {
			t.Errorf("wrk saw errors:\n%s", out)
		}
		t.Logf("%s: %s", t.Name(), strings.TrimSpace(regexp.MustCompile(`Requests/sec:.*`).FindString(out)))
	})
}

// TestGracefulShutdown sends SIGTERM while a streamed response is in
// flight and another connection is idle: the idle one is closed at once,
// the in-flight response completes, new connections are refused, and the
// process exits 0. With a grace period shorter than the response, the
// server cuts it and still exits 0, in time.
func TestGracefulShutdown(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		t.Run("drain", func(t *testing.T) {
			p := startServer(t, bin, "-root", t.TempDir(), "-shutdown-timeout", "10s")
			idle := dial(t, p.addr)
			io.WriteString(idle, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
			idleBR := bufio.NewReader(idle)
			readResp(t, idleBR, "GET")

			busy := dial(t, p.addr)
			io.WriteString(busy, "GET /stream?n=10&delay=60 HTTP/1.1\r\nHost: x\r\n\r\n")
			busyBR := bufio.NewReader(busy)
			resp, err := http.ReadResponse(busyBR, nil)
			if err != nil {
				t.Fatal(err)
			}
			first := make([]byte, len("chunk 0\n"))
			if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "chunk 0\n" {
				t.Fatalf("first chunk %q, %v", first, err)
			}

			sent := time.Now()
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			expectEOF(t, idle, idleBR)
			if d := time.Since(sent); d > 400*time.Millisecond {
				t.Errorf("idle connection closed %v after SIGTERM", d)
			}
			rest, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("in-flight response cut: %v after %q", err, rest)
			}
			if want := "chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\nchunk 6\nchunk 7\nchunk 8\nchunk 9\n"; string(rest) != want {
				t.Fatalf("in-flight response %q, want %q", rest, want)
			}
			expectEOF(t, busy, busyBR)
			select {
			case <-p.done:
			case <-time.After(5 * time.Second):
				t.Fatal("server did not exit after the last response")
			}
			if p.err != nil {
				t.Fatalf("exit status %v, want 0\n%s", p.err, p.logs.String())
			}
			if c, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
				c.Close()
				t.Error("connection accepted after shutdown")
			}
		})
		t.Run("grace period", func(t *testing.T) {
			p := startServer(t, bin, "-root", t.TempDir(), "-shutdown-timeout", "300ms")
			busy := dial(t, p.addr)
			io.WriteString(busy, "GET /stream?n=100&delay=100 HTTP/1.1\r\nHost: x\r\n\r\n")
			br := bufio.NewReader(busy)
			if _, err := http.ReadResponse(br, nil); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			if err := p.signal(t, syscall.SIGINT, 5*time.Second); err != nil {
				t.Fatalf("exit status %v, want 0\n%s", err, p.logs.String())
			}
			if d := time.Since(sent); d < 250*time.Millisecond || d > 3*time.Second {
				t.Errorf("exited %v after SIGINT with a 300ms grace period", d)
			}
		})
	})
}

// TestChurn opens and closes connections at a high rate for a few seconds,
// many of them reset by the client mid-request or mid-response, and then
// checks that the server's descriptors, connections, tasks or goroutines,
// and live heap come back to where they were.
func TestChurn(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		root := makeRoot(t)
		p := startServer(t, bin, "-root", root.dir, "-debug", "-header-timeout", "2s")
		for range 50 {
			get(t, p.addr, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
		}
		// The baseline: the warm-up connections gone (the stats request's
		// own connection is the one left).
		var base map[string]int64
		for range 50 {
			p.stats(t)
			if base = p.stats(t); base["conns"] <= 1 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		baseFDs, baseRSS := p.fdCount(t), p.rssKB(t)

		const workers = 8
		var ops, resets atomic.Int64
		stop := time.Now().Add(2 * time.Second)
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 99))
				for time.Now().Before(stop) {
					reset, err := churnOnce(p.addr, rng)
					if err != nil {
						errs <- err
						return
					}
					ops.Add(1)
					if reset {
						resets.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		t.Logf("%d connections, %d reset by the client", ops.Load(), resets.Load())
		if ops.Load() < 500 || resets.Load() < 100 {
			t.Fatalf("only %d connections (%d resets) in 2s", ops.Load(), resets.Load())
		}

		waitFDs(t, p, baseFDs, 1)
		var after map[string]int64
		deadline := time.Now().Add(5 * time.Second)
		for {
			p.stats(t)
			after = p.stats(t)
			settled := after["conns"] <= base["conns"] && after["tasks"] <= base["tasks"] &&
				after["goroutines"]-after["blocking"] <= base["goroutines"]-base["blocking"]+2 && after["heap"] <= base["heap"]+4<<20
			if settled || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("before: %v, %d fds, RSS %d KiB; after: %v, %d fds, RSS %d KiB",
			base, baseFDs, baseRSS, after, p.fdCount(t), p.rssKB(t))
		if after["conns"] > base["conns"] {
			t.Errorf("%d connections tracked, %d before", after["conns"], base["conns"])
		}
		if after["tasks"] > base["tasks"] {
			t.Errorf("%d live tasks, %d before", after["tasks"], base["tasks"])
		}
		// Threads of the blocking pool (file reads) linger for a while;
		// the other goroutines must be back to where they were.
		if after["goroutines"]-after["blocking"] > base["goroutines"]-base["blocking"]+2 {
			t.Errorf("%d goroutines (%d of the blocking pool), %d (%d) before",
				after["goroutines"], after["blocking"], base["goroutines"], base["blocking"])
		}
		if after["heap"] > base["heap"]+4<<20 {
			t.Errorf("live heap %d B, %d B before", after["heap"], base["heap"])
		}
		if rss := p.rssKB(t); rss > 2*baseRSS+64<<10 {
			t.Errorf("RSS %d KiB, %d KiB before", rss, baseRSS)
		}
		if code, _, body := get(t, p.addr, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"); code != 200 || body != "Hello, World!\n" {
			t.Errorf("after the churn: %d %q", code, body)
		}
	})
}

// churnOnce opens one connection and does one of several things with it,
// most of them rude. It reports whether it reset the connection.
func churnOnce(addr string, rng *rand.Rand) (reset bool, err error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return false, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	rst := func() {
		c.(*net.TCPConn).SetLinger(0)
		reset = true
	}
	switch rng.IntN(7) {
	case 0: // a full exchange
		io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		b, err := io.ReadAll(c)
		if err != nil || !bytes.HasSuffix(b, []byte("Hello, World!\n")) {
			return false, fmt.Errorf("full exchange: %q %v", b, err)
		}
	case 1: // pipelined keep-alive requests
		io.WriteString(c, strings.Repeat("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 5))
		br := bufio.NewReader(c)
		for range 5 {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return false, fmt.Errorf("pipelined: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	case 2: // part of a head, then a reset
		io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Y: ")
		rst()
	case 3: // a large response, reset unread
		io.WriteString(c, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
		time.Sleep(time.Duration(rng.IntN(2)) * time.Millisecond)
		rst()
	case 4: // part of a body, then a reset
		io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
		rst()
	case 5: // connect and leave
		if rng.IntN(2) == 0 {
			rst()
		}
	case 6: // a request, then a close without reading
		io.WriteString(c, "GET /sub/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	return reset, nil
}

// TestIdleConnections parks 1000 keep-alive connections after one request
// each and measures what they cost the server: in the compiled build the
// live heap per idle connection (task, TCPStream, bookkeeping; no buffer)
// must stay under 800 B, and there must be one task per connection and no
// goroutine. The goroutine build's figures are logged for comparison.
func TestIdleConnections(t *testing.T) {
	const conns = 1000
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		p := startServer(t, bin, "-root", t.TempDir(), "-debug")
		p.stats(t)
		before := p.stats(t)
		for range conns {
			c := dial(t, p.addr)
			io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
			readResp(t, bufio.NewReader(c), "GET")
		}
		p.stats(t)
		after := p.stats(t)
		perConn := float64(after["heap"]-before["heap"]) / conns
		t.Logf("%s: %.0f B of live heap per idle connection, %d goroutines, %d tasks, RSS %d KiB",
			t.Name(), perConn, after["goroutines"], after["tasks"], p.rssKB(t))
		if after["conns"]-before["conns"] != conns {
			t.Fatalf("%d connections tracked, want %d", after["conns"]-before["conns"], conns)
		}
		if strings.HasSuffix(t.Name(), "compiled") {
			if perConn > 800 {
				t.Errorf("an idle connection costs %.0f B of heap, want < 800", perConn)
			}
			if after["tasks"]-before["tasks"] != conns || after["goroutines"] > before["goroutines"]+2 {
				t.Errorf("%d tasks and %d goroutines for %d idle connections (%d and %d before)",
					after["tasks"], after["goroutines"], conns, before["tasks"], before["goroutines"])
			}
		}
	})
}

// TestHelloAllocs checks that the benchmark endpoint stays cheap: in the
// compiled build a keep-alive GET /hello costs the server no heap
// allocation (amortised: under 0.2 per request). The server is built
// without -race whatever the test binary is, since under the race detector
// sync.Pool drops a share of what it is given on purpose.
func TestHelloAllocs(t *testing.T) {
	const n = 2000
	if testing.Short() {
		t.Skip("-short: builds the server once more, without -race")
	}
	bin := filepath.Join(t.TempDir(), "httpserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	p := startServer(t, bin, "-root", t.TempDir(), "-debug")
	c := dial(t, p.addr)
	br := bufio.NewReader(c)
	hello := func() {
		io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := readResp(t, br, "GET"); resp.StatusCode != 200 || body != "Hello, World!\n" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	}
	for range 100 {
		hello()
	}
	before := p.stats(t)
	for range n {
		hello()
	}
	after := p.stats(t)
	// The stats request itself allocates; measure it alone and subtract.
	extra := p.stats(t)["mallocs"] - after["mallocs"]
	per := float64(after["mallocs"]-before["mallocs"]-extra) / n
	t.Logf("%.3f allocations per keep-alive GET /hello", per)
	if per > 0.2 {
		t.Errorf("%.3f allocations per keep-alive GET /hello, want ~0", per)
	}
}

// TestIdleTimeout keeps a connection busy with a request every third of
// the idle timeout, for two idle timeouts: each response pushes the idle
// deadline back, so all are served on the one connection. Then the client
// goes quiet, and the server closes the connection one idle timeout after
// the last response (not earlier, not much later).
func TestIdleTimeout(t *testing.T) {
	const idle = 600 * time.Millisecond
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		p := startServer(t, bin, "-root", t.TempDir(), "-idle-timeout", idle.String(), "-header-timeout", "5s")
		c := dial(t, p.addr)
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		// The server pushes its deadline back after it sent a response,
		// so between the client sending the request (sent) and reading
		// the response (answered): the close must come at least an idle
		// timeout after sent, and not much more than one after answered.
		var sent, answered time.Time
		for i := range 7 {
			if i > 0 {
				time.Sleep(idle / 3)
			}
			sent = time.Now()
			if _, err := io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
				t.Fatalf("request %d: %v (closed before the idle timeout?)", i, err)
			}
			readResp(t, br, "GET")
			answered = time.Now()
		}
		if b, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("after going quiet: read %q, %v; want EOF", b, err)
		}
		closed := time.Now()
		if closed.Sub(sent) < idle || closed.Sub(answered) > idle+2*time.Second {
			t.Errorf("closed %v after the last request was sent, %v after its response was read; idle timeout %v",
				closed.Sub(sent), closed.Sub(answered), idle)
		}
	})
}

// TestPipelinedFlood pipelines thousands of hello requests and reads
// nothing for a while: the answers fill the socket's buffers, so the
// server's write comes up short and the rest waits for the client. Then
// the client reads, and gets every response, whole and in order. (The
// requests are 32 bytes and go out 512 at a time, one receive buffer's
// worth, so that the server's reads hold whole requests and it answers
// them from memory, the path whose write is tested here. The 7.5 MB of
// responses outgrow the server's send buffer even at its largest.)
func TestPipelinedFlood(t *testing.T) {
	req := []byte("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
	const perBatch, batches = 512, 100
	if len(req)*perBatch != 16<<10 {
		t.Fatalf("a batch of requests is %d bytes, not the server's receive buffer", len(req)*perBatch)
	}
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		p := startServer(t, bin, "-root", t.TempDir())
		c, err := buildtest.DialSlowReader(p.addr, 8<<10)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		sendErr := make(chan error, 1)
		go func() {
			batch := bytes.Repeat(req, perBatch)
			for i := range batches {
				if i == batches-1 {
					// The last request is HTTP/1.0 (the same length): the
					// server closes after answering it, and the answers
					// before it must still all go out.
					copy(batch[len(batch)-len(req):], "GET /hello HTTP/1.0\r\nHost: x\r\n\r\n")
				}
				if _, err := c.Write(batch); err != nil {
					sendErr <- err
					return
				}
			}
			sendErr <- nil
		}()
		time.Sleep(300 * time.Millisecond) // let the responses pile up
		br := bufio.NewReader(c)
		for i := range perBatch * batches {
			if i%(4*perBatch) == 0 {
				// A slow reader: the server's socket stays full, so its
				// writes keep coming up short, the last one too.
				time.Sleep(10 * time.Millisecond)
			}
			resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
			if err != nil {
				t.Fatalf("response %d: %v", i, err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != 200 || string(body) != "Hello, World!\n" {
				t.Fatalf("response %d: %d %q %v", i, resp.StatusCode, body, err)
			}
		}
		if err := <-sendErr; err != nil {
			t.Fatalf("sending: %v", err)
		}
		if b, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("after the HTTP/1.0 request's answer: read %q, %v; want EOF", b, err)
		}
	})
}
