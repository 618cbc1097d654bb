//go:build linux

package net

import (
	"slices"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// medianConnect returns the median duration of n blocking Connects (from
// this goroutine, through the bridge) to l.
func medianConnect(t *testing.T, l *TCPListener, n int) time.Duration {
	t.Helper()
	ds := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		c, err := Connect(l.Addr().String())
		ds = append(ds, time.Since(start))
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	slices.Sort(ds)
	return ds[n/2]
}

// TestGoroutineIOLatencyWithDefaultRuntime: once the process's default
// runtime exists (here started by SpawnBlocking from goroutine code), I/O
// from plain goroutines must still be driven promptly: an idle worker
// waits in epoll_wait, or the fallback poller does. The regression was
// that nobody waited in epoll_wait while the fallback poller only
// watched, every 10 ms, so each Connect took about 10 ms.
func TestGoroutineIOLatencyWithDefaultRuntime(t *testing.T) {
	l := listenLocal(t)
	go func() { // accept and close everything
		for {
			s, _, err := l.Accept()
			if err != nil {
				return
			}
			s.Close()
		}
	}()
	before := medianConnect(t, l, 50)
	if got := rt.Await[int](rt.SpawnBlocking(func() int { return 1 })); got != 1 {
		t.Fatalf("SpawnBlocking returned %d", got)
	}
	after := medianConnect(t, l, 50)
	t.Logf("median Connect: %v before the default runtime, %v after", before, after)
	if after > 5*time.Millisecond {
		t.Fatalf("median Connect from a goroutine takes %v once the default runtime runs (%v before): no idle worker drives the reactor", after, before)
	}
}
