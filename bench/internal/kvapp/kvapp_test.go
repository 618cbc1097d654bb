package kvapp

import (
	"testing"

	"github.com/asyncgo/asyncgo/examples/kv/store"
)

func TestPipelineAndPartial(t *testing.T) {
	c := NewConn(store.New())
	set := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n"
	get := "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
	in := []byte(set + get + get[:7])
	out, n, closeAfter := c.Handle(in, nil)
	if string(out) != "+OK\r\n$2\r\nv1\r\n" || n != len(set)+len(get) || closeAfter {
		t.Fatalf("got %q, consumed %d, close %v", out, n, closeAfter)
	}
	out, n, _ = c.Handle([]byte(get), nil)
	if string(out) != "$2\r\nv1\r\n" || n != len(get) {
		t.Fatalf("completed GET: %q, consumed %d", out, n)
	}
}

func TestProtocolErrorCloses(t *testing.T) {
	c := NewConn(store.New())
	out, n, closeAfter := c.Handle([]byte("*1\r\n$x\r\n"), nil)
	if !closeAfter || n != 8 || len(out) == 0 || out[0] != '-' {
		t.Fatalf("got %q, consumed %d, close %v", out, n, closeAfter)
	}
}
