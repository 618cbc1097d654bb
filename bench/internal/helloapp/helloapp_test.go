package helloapp

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
)

const get = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"

func TestPipelinedAndPartial(t *testing.T) {
	var c Conn
	in := []byte(get + get + "GET /hel")
	out, n, closeAfter := c.Handle(in, nil)
	if n != 2*len(get) || closeAfter {
		t.Fatalf("consumed %d (want %d), close %v", n, 2*len(get), closeAfter)
	}
	r := bufio.NewReader(strings.NewReader(string(out)))
	for i := range 2 {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(body) != string(Body) {
			t.Fatalf("response %d: %d %q", i, resp.StatusCode, body)
		}
	}
	if r.Buffered() != 0 {
		t.Fatalf("%d bytes after two responses", r.Buffered())
	}
}

func TestErrorsAndClose(t *testing.T) {
	cases := []struct {
		in     string
		status int
		close  bool
	}{
		{"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, false},
		{"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200, true},
		{"POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", 405, true},
		{"BROKEN\r\n\r\n", 400, true},
	}
	for _, tc := range cases {
		var c Conn
		out, n, closeAfter := c.Handle([]byte(tc.in), nil)
		if n != len(tc.in) || closeAfter != tc.close {
			t.Errorf("%q: consumed %d of %d, close %v", tc.in, n, len(tc.in), closeAfter)
			continue
		}
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(out))), nil)
		if err != nil || resp.StatusCode != tc.status {
			t.Errorf("%q: %v, %v; want status %d", tc.in, resp, err, tc.status)
		}
	}
	// A body that has not fully arrived is not consumed.
	var c Conn
	if _, n, _ := c.Handle([]byte("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"), nil); n != 0 {
		t.Errorf("incomplete body: consumed %d, want 0", n)
	}
}
