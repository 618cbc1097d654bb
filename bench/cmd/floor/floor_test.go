package main

import (
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/check"
)

// start runs a loop on a free loopback port until the test ends, and checks
// then that it stopped and closed every descriptor it opened.
func start(t *testing.T, answer []byte) string {
	t.Helper()
	fds := openFDs(t)
	l, err := newLoop(netip.MustParseAddr("127.0.0.1"), 0, answer)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.run() }()
	t.Cleanup(func() {
		l.stop()
		select {
		case err := <-done:
			if err != errStopped {
				t.Errorf("run: %v, want errStopped", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("loop did not stop")
		}
		if now := openFDs(t); now != fds {
			t.Errorf("%d descriptors open after the loop stopped, %d before", now, fds)
		}
	})
	return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(l.port)).String()
}

func openFDs(t *testing.T) int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// The floor passes the protocol checks the harness runs before measuring
// any server (the 256 KiB echo fills the socket: the short-send path).
// One loop per test: a loop closes a connection when it sees its end,
// which may be after the check returned.
func TestPassesEchoCheck(t *testing.T) {
	if err := check.Echo(start(t, nil)); err != nil {
		t.Error(err)
	}
}

func TestPassesHTTPCheck(t *testing.T) {
	if err := check.HTTPHello(start(t, helloAnswer(time.Now()))); err != nil {
		t.Error(err)
	}
}

// Request ends are counted once each, wherever the reads split the stream,
// and a lone "\r\n" between requests is not one.
func TestRequestsAcrossReads(t *testing.T) {
	req := "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	stream := req + req + "\r\n" + req
	for i := 0; i <= len(stream); i++ {
		for j := i; j <= len(stream); j++ {
			l := &loop{tail: []uint8{open}}
			n := 0
			for _, part := range []string{stream[:i], stream[i:j], stream[j:]} {
				n += l.requests(0, []byte(part))
			}
			if n != 3 {
				t.Fatalf("split at %d and %d: %d requests, want 3", i, j, n)
			}
		}
	}
	l := &loop{tail: []uint8{open}}
	if n := l.requests(0, []byte(strings.Repeat(req, 16))); n != 16 {
		t.Fatalf("16 pipelined requests in one read: counted %d", n)
	}
}

func TestHelloAnswer(t *testing.T) {
	got := string(helloAnswer(time.Date(2026, 11, 26, 18, 27, 53, 0, time.UTC)))
	want := "HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 18:27:53 GMT\r\nServer: bench\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\nHello, World!\n"
	if got != want {
		t.Fatalf("answer %q, want %q", got, want)
	}
}
