package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// TestEcho runs the echo server in both builds (goroutines and compiled
// state machines) and drives 200 concurrent clients through it, each
// sending 1 MiB in random-sized chunks and checking every byte that comes
// back.
func TestEcho(t *testing.T) {
	const (
		clients  = 200
		perConn  = 1 << 20
		maxChunk = 64 << 10
	)
	if testing.Short() {
		t.Skip("-short: the echo load test moves 400 MiB per build")
	}
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := buildtest.StartServer(t, bin, "-addr", "127.0.0.1:0")
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := echoClient(srv.Addr, uint64(i), perConn, maxChunk, false); err != nil {
					errs <- fmt.Errorf("client %d: %w", i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestEchoSlowReader sends 16 MiB and reads nothing for a while, through a
// small receive buffer: the echoes outgrow the server's send buffer, so its
// writes come up short and the rest waits until the client reads. Every
// byte must come back once, in order.
func TestEchoSlowReader(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := buildtest.StartServer(t, bin, "-addr", "127.0.0.1:0")
		if err := echoClient(srv.Addr, 1, 16<<20, 64<<10, true); err != nil {
			t.Error(err)
		}
	})
}

// echoClient sends size pseudo-random bytes in chunks of random length and
// verifies that exactly the same bytes come back. A slow client has an 8
// KiB receive buffer and starts reading after 300 ms.
func echoClient(addr string, seed uint64, size, maxChunk int, slow bool) error {
	var conn net.Conn
	var err error
	if slow {
		conn, err = buildtest.DialSlowReader(addr, 8<<10)
	} else {
		conn, err = net.DialTimeout("tcp", addr, 10*time.Second)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Minute)); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}

	writeErr := make(chan error, 1)
	go func() {
		rest := payload
		for len(rest) > 0 {
			n := min(1+rng.IntN(maxChunk), len(rest))
			if _, err := conn.Write(rest[:n]); err != nil {
				writeErr <- err
				return
			}
			rest = rest[n:]
		}
		writeErr <- nil
	}()

	if slow {
		time.Sleep(300 * time.Millisecond)
	}
	got := make([]byte, size)
	if _, err := io.ReadFull(conn, got); err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if err := <-writeErr; err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	if !bytes.Equal(got, payload) {
		i := 0
		for got[i] == payload[i] {
			i++
		}
		return fmt.Errorf("echo differs from what was sent, first at byte %d", i)
	}
	return nil
}
