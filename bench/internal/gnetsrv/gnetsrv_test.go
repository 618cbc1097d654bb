package gnetsrv

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/check"
	"github.com/asyncgo/asyncgo/bench/internal/helloapp"
	"github.com/asyncgo/asyncgo/bench/internal/kvapp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
	"github.com/panjf2000/gnet/v2"
)

// serve starts a gnet server on a free port and stops it at cleanup.
func serve(t *testing.T, newHandler func() Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan error, 1)
	go func() { done <- Serve(addr, 1<<20, newHandler) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("gnet server ended: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("gnet server not listening: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := gnet.Stop(ctx, "tcp://"+addr); err != nil {
			t.Errorf("gnet.Stop: %v", err)
		}
		<-done
	})
	return addr
}

// The gnet servers pass the same protocol checks the harness runs before
// measuring, pipelining included.
func TestHelloAndKVPassChecks(t *testing.T) {
	if err := check.HTTPHello(serve(t, func() Handler { return new(helloapp.Conn) })); err != nil {
		t.Fatal(err)
	}
	st := store.New()
	if err := check.KV(serve(t, func() Handler { return kvapp.NewConn(st) })); err != nil {
		t.Fatal(err)
	}
}
