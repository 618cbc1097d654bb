package gosrv

import (
	"net"
	"strings"
	"testing"

	"github.com/asyncgo/asyncgo/bench/internal/check"
	"github.com/asyncgo/asyncgo/bench/internal/helloapp"
	"github.com/asyncgo/asyncgo/bench/internal/kvapp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
)

func serve(t *testing.T, maxRequest int, newHandler func() Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { Serve(ln, maxRequest, newHandler); close(done) }()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// The servers pass the same protocol checks the harness runs before
// measuring.
func TestHelloAndKVPassChecks(t *testing.T) {
	if err := check.HTTPHello(serve(t, helloapp.MaxRequest, func() Handler { return new(helloapp.Conn) })); err != nil {
		t.Fatal(err)
	}
	st := store.New()
	if err := check.KV(serve(t, 1<<20, func() Handler { return kvapp.NewConn(st) })); err != nil {
		t.Fatal(err)
	}
}

// A value larger than the initial 4 KiB read buffer grows the buffer; one
// larger than maxRequest closes the connection.
func TestBufferGrowth(t *testing.T) {
	st := store.New()
	addr := serve(t, 64<<10, func() Handler { return kvapp.NewConn(st) })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := strings.Repeat("x", 20<<10)
	if _, err := c.Write([]byte(check.Cmd("SET", "big", big) + check.Cmd("GET", "big"))); err != nil {
		t.Fatal(err)
	}
	want := "+OK\r\n$20480\r\n" + big + "\r\n"
	got := make([]byte, 0, len(want))
	buf := make([]byte, 64<<10)
	for len(got) < len(want) {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != want {
		t.Fatal("large value did not round-trip")
	}
	if _, err := c.Write([]byte(check.Cmd("SET", "huge", strings.Repeat("y", 100<<10)))); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(buf); err == nil {
		t.Fatalf("oversized request answered with %q, want the connection closed", buf[:n])
	}
}
