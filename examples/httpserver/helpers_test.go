package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// proc is a server process started by startServer.
type proc struct {
	addr string
	cmd  *exec.Cmd
	logs *lockedBuf
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs bin with args plus -addr 127.0.0.1:0 and waits for its
// "listening on" line. The process is killed when the test ends.
func startServer(t testing.TB, bin string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	p := &proc{cmd: cmd, logs: &lockedBuf{}, done: make(chan struct{})}
	cmd.Stderr = p.logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), buildtest.ListeningPrefix); ok {
				addr <- strings.TrimSpace(a)
			} else {
				fmt.Fprintln(p.logs, sc.Text())
			}
		}
		io.Copy(io.Discard, stdout)
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("server output:\n%s", p.logs.String())
		}
	})
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("server exited before listening: %v\n%s", p.err, p.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start within 30s\n%s", p.logs.String())
	}
	return p
}

// url is the server's URL for path.
func (p *proc) url(path string) string { return "http://" + p.addr + path }

// signal sends sig and waits up to timeout for the exit; it returns the
// exit status, or fails the test.
func (p *proc) signal(t *testing.T, sig os.Signal, timeout time.Duration) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("server still running %v after %v", timeout, sig)
		return nil
	}
}

// fdCount is the number of open descriptors of the server process.
func (p *proc) fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// rssKB is the server's resident set size in KiB.
func (p *proc) rssKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// stats fetches /debug/stats (the server runs with -debug).
func (p *proc) stats(t *testing.T) map[string]int64 {
	t.Helper()
	code, _, body := get(t, p.addr, "GET /debug/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if code != 200 {
		t.Fatalf("/debug/stats: %d", code)
	}
	m := map[string]int64{}
	for line := range strings.Lines(body) {
		f := strings.Fields(line)
		if len(f) == 2 {
			m[f[0]], _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	return m
}

// dial connects to addr with a deadline on everything.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// get sends raw on a new connection and reads one response.
func get(t *testing.T, addr, raw string) (code int, h http.Header, body string) {
	t.Helper()
	c := dial(t, addr)
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%q: body: %v", raw, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// needTool returns the path of a command-line tool, or skips the test
// (fails it with ASYNCGO_REQUIRE_TOOLS=1) when it is not installed.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ASYNCGO_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (ASYNCGO_REQUIRE_TOOLS=1) but not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// runTool runs a tool with a time limit and returns its standard output
// and standard error.
func runTool(t *testing.T, timeout time.Duration, name string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(needTool(t, name), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s %s: killed after %v", name, strings.Join(args, " "), timeout)
	}
	return stdout.String(), stderr.String()
}

// docRoot is a document root for the tests.
type docRoot struct {
	dir    string
	big    []byte // content of big.bin, larger than smallFile
	secret string // content of a file outside the root
}

// makeRoot builds a document root with small and large files, a
// subdirectory, a symlink inside the root and symlinks escaping it.
func makeRoot(t *testing.T) docRoot {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "www")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{dir, filepath.Join(dir, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r := docRoot{dir: dir, secret: "TOP SECRET\n"}
	rng := rand.New(rand.NewPCG(1, 2))
	r.big = make([]byte, 300_000+rng.IntN(1000))
	for i := range r.big {
		r.big[i] = byte(rng.Uint32())
	}
	files := map[string][]byte{
		"index.html":        []byte("<h1>index</h1>\n"),
		"a.txt":             []byte("alpha\n"),
		"sub/style.css":     []byte("body{}\n"),
		"sub/index.html":    []byte("<p>sub</p>\n"),
		"big.bin":           r.big,
		"../outside/secret": []byte(r.secret),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"inside.txt": "a.txt",                                        // stays in the root: served
		"escape.txt": filepath.Join(outside, "secret"),               // absolute, outside
		"escrel.txt": "../outside/secret",                            // relative, outside
		"escdir":     outside,                                        // a directory outside
		"sub/up.txt": filepath.Join("..", "..", "outside", "secret"), // from a subdirectory
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return r
}
