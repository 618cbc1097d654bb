package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/examples/kv/resp"
	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// requireTool returns the path of an installed tool, or skips the test
// (fails it when ASYNCGO_REQUIRE_TOOLS=1).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ASYNCGO_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is not installed (ASYNCGO_REQUIRE_TOOLS=1): %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return path
}

// startKV starts the server of the given build on a free loopback port.
func startKV(t *testing.T, bin string, args ...string) *buildtest.Server {
	return buildtest.StartServer(t, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
}

func hostPort(t *testing.T, addr string) (string, string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

// runTool runs a client tool against srv, bounded in time, feeding it
// stdin, and returns its standard output.
func runTool(t *testing.T, timeout time.Duration, stdin []byte, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v: killed after %v\n%s%s", tool, args, timeout, stdout.String(), stderr.String())
	}
	if err != nil {
		t.Fatalf("%s %v: %v\n%s%s", tool, args, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// client is a raw RESP client over package net.
type client struct {
	conn net.Conn
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	return &client{conn: conn, r: bufio.NewReader(conn)}
}

// readReply reads one reply and renders it as redis-cli's raw output does,
// with arrays as their elements joined by commas.
func (c *client) readReply() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(line, "\r\n") || len(line) < 3 {
		return "", fmt.Errorf("bad reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+', ':':
		return body, nil
	case '-':
		return "-" + body, nil
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", err
		}
		if n < 0 {
			return "(nil)", nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return "", err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", err
		}
		var parts []string
		for range n {
			p, err := c.readReply()
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("bad reply type %q", line)
}

func (c *client) do(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := c.conn.Write(resp.AppendCommand(nil, args...)); err != nil {
		t.Fatal(err)
	}
	r, err := c.readReply()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return r
}

// TestRedisCLI runs every command through redis-cli, in both builds.
func TestRedisCLI(t *testing.T) {
	cli := requireTool(t, "redis-cli")
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		host, port := hostPort(t, srv.Addr)
		steps := []struct{ cmd, want string }{
			{"PING", "PONG"},
			{"ECHO hello", "hello"},
			{"GET k", ""},
			{"SET k v", "OK"},
			{"GET k", "v"},
			{"SET k w NX", ""},
			{"SET k w XX", "OK"},
			{"EXISTS k nope", "1"},
			{"INCR n", "1"},
			{"INCR n", "2"},
			{"MSET a 1 b 2", "OK"},
			{"MGET a b c", "1\n2\n"},
			{"EXPIRE a 100", "1"},
			{"TTL a", "100"},
			{"PTTL b", "-1"},
			{"DEL a b c", "2"},
			{"TTL a", "-2"},
			{"SET k v EX 0", "ERR invalid expire time in 'set' command\n"},
			{"GET", "ERR wrong number of arguments for 'get' command\n"},
			{"NOPE x", "ERR unknown command 'NOPE', with args beginning with: 'x' \n"},
			{"DBSIZE", "2"},
		}
		for _, st := range steps {
			got := runTool(t, 20*time.Second, nil, cli, append([]string{"-h", host, "-p", port}, strings.Fields(st.cmd)...)...)
			if got = strings.TrimSuffix(got, "\n"); got != st.want {
				t.Errorf("redis-cli %s: got %q, want %q", st.cmd, got, st.want)
			}
		}
		// Expiry with a short real wait: lazily on access and, for keys
		// nobody reads (DBSIZE counts expired keys), by the active sweep.
		runTool(t, 20*time.Second, nil, cli, "-h", host, "-p", port, "SET", "short", "x", "PX", "100")
		c := dial(t, srv.Addr)
		for i := range 200 {
			if got := c.do(t, "SET", "tmp"+strconv.Itoa(i), "x", "PX", "1000"); got != "OK" {
				t.Fatalf("SET: %q", got)
			}
		}
		if got, _ := strconv.Atoi(c.do(t, "DBSIZE")); got < 100 {
			t.Fatalf("DBSIZE = %d, want about 203", got)
		}
		time.Sleep(300 * time.Millisecond)
		if got := runTool(t, 20*time.Second, nil, cli, "-h", host, "-p", port, "GET", "short"); got != "\n" {
			t.Errorf("GET short after its PX: %q", got)
		}
		deadline := time.Now().Add(10 * time.Second)
		for c.do(t, "DBSIZE") != "2" {
			if time.Now().After(deadline) {
				t.Fatalf("the active sweep left %s keys, want 2", c.do(t, "DBSIZE"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// TestPipeline sends batches of commands in one write each, through
// redis-cli --pipe and over a raw connection, and checks every reply.
func TestPipeline(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		// Raw: 5000 commands in one write, including a large value that
		// spans several reads, and inline commands.
		const n = 5000
		var batch []byte
		var want []string
		big := strings.Repeat("B", 100_000)
		for i := range n {
			k := "key" + strconv.Itoa((i/5)%100)
			switch i % 5 {
			case 0:
				batch = resp.AppendCommand(batch, "SET", k, strconv.Itoa(i))
				want = append(want, "OK")
			case 1:
				batch = resp.AppendCommand(batch, "GET", k)
				want = append(want, strconv.Itoa(i-1))
			case 2:
				batch = append(batch, "INCR "+k+"\r\n"...)
				want = append(want, strconv.Itoa(i-1))
			case 3:
				batch = resp.AppendCommand(batch, "SET", "big", big)
				want = append(want, "OK")
			case 4:
				batch = resp.AppendCommand(batch, "MGET", k, "big")
				want = append(want, strconv.Itoa(i-3)+","+big)
			}
		}
		c := dial(t, srv.Addr)
		go c.conn.Write(batch)
		for i, w := range want {
			got, err := c.readReply()
			if err != nil {
				t.Fatalf("reply %d: %v", i, err)
			}
			if got != w {
				t.Fatalf("reply %d: got %.40q, want %.40q", i, got, w)
			}
		}

		cli, err := exec.LookPath("redis-cli")
		if err != nil {
			requireTool(t, "redis-cli")
		}
		host, port := hostPort(t, srv.Addr)
		var in []byte
		for i := range 1000 {
			in = resp.AppendCommand(in, "SET", "p"+strconv.Itoa(i), "v")
		}
		out := runTool(t, 30*time.Second, in, cli, "-h", host, "-p", port, "--pipe")
		if !strings.Contains(out, "errors: 0, replies: 1000") {
			t.Fatalf("redis-cli --pipe: %s", out)
		}
		if got := c.do(t, "GET", "p999"); got != "v" {
			t.Fatalf("GET p999 after --pipe: %q", got)
		}
	})
}

// TestSlowReader pipelines GETs of a 512 KiB value through a connection
// with an 8 KiB receive buffer and reads nothing for a while: the replies
// (16 MiB) outgrow the server's send buffer, so its writes come up short
// and the rest waits until the client reads. Every reply must arrive
// whole, in order.
func TestSlowReader(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		big := strings.Repeat("v", 512<<10)
		if got := dial(t, srv.Addr).do(t, "SET", "big", big); got != "OK" {
			t.Fatalf("SET big: %q", got)
		}
		conn, err := buildtest.DialSlowReader(srv.Addr, 8<<10)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		c := &client{conn: conn, r: bufio.NewReader(conn)}
		const n = 32
		var batch []byte
		for i := range n {
			batch = resp.AppendCommand(batch, "GET", "big")
			batch = resp.AppendCommand(batch, "ECHO", strconv.Itoa(i))
		}
		if _, err := conn.Write(batch); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // let the replies pile up
		for i := range n {
			if got, err := c.readReply(); err != nil || got != big {
				t.Fatalf("GET %d: %d bytes, %v", i, len(got), err)
			}
			if got, err := c.readReply(); err != nil || got != strconv.Itoa(i) {
				t.Fatalf("ECHO %d: %q, %v", i, got, err)
			}
		}
	})
}

// TestBenchmark runs redis-benchmark against the server, pipelined and
// not, and checks it completes and the server still serves.
func TestBenchmark(t *testing.T) {
	bench := requireTool(t, "redis-benchmark")
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		host, port := hostPort(t, srv.Addr)
		for _, p := range []string{"16", "1"} {
			out := runTool(t, 2*time.Minute, nil, bench, "-h", host, "-p", port, "-t", "set,get", "-n", "20000", "-P", p, "-q")
			for _, cmd := range []string{"SET: ", "GET: "} {
				if !strings.Contains(out, cmd) || !strings.Contains(out, "requests per second") {
					t.Fatalf("redis-benchmark -P %s: no %s result:\n%s", p, cmd, out)
				}
			}
			if strings.Contains(out, "WARNING") || strings.Contains(out, "ERR") {
				t.Errorf("redis-benchmark -P %s complained:\n%s", p, out)
			}
			t.Logf("-P %s: %s", p, strings.Join(strings.Fields(out[strings.LastIndex(out, "\r")+1:]), " "))
		}
		c := dial(t, srv.Addr)
		if got := c.do(t, "PING"); got != "PONG" {
			t.Fatalf("PING after the benchmark: %q", got)
		}
		if got := c.do(t, "GET", "key:__rand_int__"); len(got) != 3 {
			t.Fatalf("GET of the benchmark's key: %q", got)
		}
	})
}

// TestMalformed sends malformed input: each connection gets a protocol
// error reply and is closed, while another client keeps being served. Then
// many connections send random bytes, and the server still serves.
func TestMalformed(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		other := dial(t, srv.Addr)
		if got := other.do(t, "SET", "survivor", "yes"); got != "OK" {
			t.Fatal(got)
		}
		cases := []struct{ in, want string }{
			{"*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length"},
			{"*abc\r\n", "-ERR Protocol error: invalid multibulk length"},
			{"*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'"},
			{"*1\r\n$3\r\nabcdef\r\n", "-ERR Protocol error: invalid bulk format"},
			{"SET \"unterminated\r\n", "-ERR Protocol error: unbalanced quotes in request"},
			{"*1\r\n$999999999999\r\n", "-ERR Protocol error: invalid bulk length"},
			{"PING\r\n*1\r\n$-5\r\n", "PONG\n-ERR Protocol error: invalid bulk length"},
			{strings.Repeat("x", 70_000), "-ERR Protocol error: too big inline request"},
		}
		for _, tc := range cases {
			c := dial(t, srv.Addr)
			if _, err := c.conn.Write([]byte(tc.in)); err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				r, err := c.readReply()
				if err == io.EOF {
					break // closed by the server, as it must be
				}
				if err != nil {
					t.Fatalf("%.20q: %v (after %q)", tc.in, err, got)
				}
				got = append(got, r)
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("%.20q: got %q, want %q", tc.in, got, tc.want)
			}
			if got := other.do(t, "GET", "survivor"); got != "yes" {
				t.Fatalf("the other client: %q", got)
			}
		}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.DialTimeout("tcp", srv.Addr, 5*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				junk := make([]byte, 1+rng.IntN(4096))
				for j := range junk {
					junk[j] = byte(rng.Uint32())
					if j%3 == 0 {
						junk[j] = "*$\r\n0123456789 \"'"[rng.IntN(17)]
					}
				}
				conn.Write(junk)
				conn.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, conn) // the server must close its side
			}()
		}
		wg.Wait()
		if got := other.do(t, "GET", "survivor"); got != "yes" {
			t.Fatalf("after the junk: %q", got)
		}
	})
}

// TestShutdown checks that SIGTERM stops the server cleanly with
// connections open.
func TestShutdown(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startKV(t, bin)
		c := dial(t, srv.Addr)
		if got := c.do(t, "SET", "a", "1"); got != "OK" {
			t.Fatal(got)
		}
		idle := dial(t, srv.Addr)
		_ = idle
		// No pause: the server registers for SIGTERM (rt.NotifySignals)
		// before it prints its "listening on" line.
		if err := srv.Stop(); err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, srv.Logs())
		}
		if !strings.Contains(srv.Logs(), "shut down with 1 keys") {
			t.Fatalf("logs: %s", srv.Logs())
		}
		if _, err := c.readReply(); err == nil {
			t.Fatal("connection still open after shutdown")
		}
	})
}
