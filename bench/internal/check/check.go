// Package check verifies that a server under test answers its protocol
// correctly before any number is taken from it: an echo server echoes, an
// HTTP server answers GET /hello (also pipelined), a key-value server
// stores and returns values over RESP2.
package check

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Hello is the body every HTTP server under test returns for GET /hello.
const Hello = "Hello, World!\n"

// timeout bounds each whole check (a variable so tests can shorten it).
var timeout = 5 * time.Second

func dial(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(timeout))
	return c, nil
}

// Echo sends messages of several sizes (one byte, 64 bytes, 256 KiB, more
// than any single read buffer) and expects each back intact.
func Echo(addr string) error {
	c, err := dial(addr)
	if err != nil {
		return fmt.Errorf("echo check: %w", err)
	}
	defer c.Close()
	for _, n := range []int{1, 64, 256 << 10} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i*7 + n)
		}
		errc := make(chan error, 1)
		go func() { _, err := c.Write(msg); errc <- err }()
		got := make([]byte, n)
		if _, err := io.ReadFull(c, got); err != nil {
			return fmt.Errorf("echo check: reading %d-byte echo: %w", n, err)
		}
		if err := <-errc; err != nil {
			return fmt.Errorf("echo check: writing %d bytes: %w", n, err)
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("echo check: %d-byte echo differs from what was sent", n)
		}
	}
	return nil
}

// HTTPHello sends two GET /hello requests in one write (pipelined), then a
// third on the same connection, and expects three 200 responses with body
// Hello, read with net/http's response parser.
func HTTPHello(addr string) error {
	c, err := dial(addr)
	if err != nil {
		return fmt.Errorf("http check: %w", err)
	}
	defer c.Close()
	req := "GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: benchall\r\n\r\n"
	r := bufio.NewReader(c)
	for round, n := range []int{2, 1} {
		if _, err := io.WriteString(c, strings.Repeat(req, n)); err != nil {
			return fmt.Errorf("http check: write: %w", err)
		}
		for i := range n {
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				return fmt.Errorf("http check: response %d of round %d: %w", i+1, round+1, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return fmt.Errorf("http check: body: %w", err)
			}
			if resp.StatusCode != 200 || string(body) != Hello {
				return fmt.Errorf("http check: GET /hello: status %d, body %q; want 200, %q", resp.StatusCode, body, Hello)
			}
		}
	}
	return nil
}

// KV runs SET, GET of that key, GET of a missing key and a pipelined
// SET+GET over RESP2 and compares the exact reply bytes.
func KV(addr string) error {
	c, err := dial(addr)
	if err != nil {
		return fmt.Errorf("kv check: %w", err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	steps := []struct{ send, want string }{
		{cmd("SET", "bench:check", "value-1"), "+OK\r\n"},
		{cmd("GET", "bench:check"), "$7\r\nvalue-1\r\n"},
		{cmd("GET", "bench:missing"), "$-1\r\n"},
		{cmd("SET", "bench:check", "v2") + cmd("GET", "bench:check"), "+OK\r\n$2\r\nv2\r\n"},
	}
	for _, s := range steps {
		if _, err := io.WriteString(c, s.send); err != nil {
			return fmt.Errorf("kv check: write: %w", err)
		}
		got := make([]byte, len(s.want))
		if _, err := io.ReadFull(r, got); err != nil {
			return fmt.Errorf("kv check: %q: reading reply: %w (got %q)", s.send, err, got)
		}
		if string(got) != s.want {
			return fmt.Errorf("kv check: %q: reply %q, want %q", s.send, got, s.want)
		}
	}
	return nil
}

// cmd encodes a RESP2 command (an array of bulk strings).
func cmd(args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.String()
}

// Cmd is the RESP2 encoding of a command, for clients of this package.
func Cmd(args ...string) string { return cmd(args...) }
