package check

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serve runs handle for every connection to a loopback listener.
func serve(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	return ln.Addr().String()
}

func TestEcho(t *testing.T) {
	good := serve(t, func(c net.Conn) { io.Copy(c, c) })
	if err := Echo(good); err != nil {
		t.Fatalf("good echo server rejected: %v", err)
	}
	bad := serve(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			buf[0] ^= 1 // corrupt
			c.Write(buf[:n])
		}
	})
	if err := Echo(bad); err == nil {
		t.Fatal("corrupting echo server accepted")
	}
}

func TestHTTPHello(t *testing.T) {
	shortTimeout(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/hello" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, Hello)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	if err := HTTPHello(ln.Addr().String()); err != nil {
		t.Fatalf("net/http hello server rejected: %v", err)
	}
	// Answers only the first request of a pipelined pair.
	lazy := serve(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n"+Hello)
	})
	if err := HTTPHello(lazy); err == nil {
		t.Fatal("server ignoring pipelined requests accepted")
	}
}

func TestKV(t *testing.T) {
	shortTimeout(t)
	// A server that answers every command with +OK fails at the first GET.
	okServer := serve(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			io.WriteString(c, strings.Repeat("+OK\r\n", strings.Count(string(buf[:n]), "*")))
		}
	})
	err := KV(okServer)
	if err == nil || !strings.Contains(err.Error(), "GET") {
		t.Fatalf("always-OK server: got %v, want a GET mismatch", err)
	}
	if got := Cmd("GET", "k"); got != "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" {
		t.Fatalf("Cmd = %q", got)
	}
}

// shortTimeout makes checks of misbehaving servers fail fast.
func shortTimeout(t *testing.T) {
	d := timeout
	timeout = 300 * time.Millisecond
	t.Cleanup(func() { timeout = d })
}
