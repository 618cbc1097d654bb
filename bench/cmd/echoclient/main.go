// Command echoclient is the closed-loop load generator for the echo rows:
// every connection sends a message, waits for the complete echo, checks it
// byte for byte, and sends the next one.
//
// It prints three lines on stdout, so that the harness can sample the
// server's CPU time exactly over the measured window:
//
//	START                     all connections up, warm-up over, measuring
//	END                       measuring over
//	{"messages":...}          the result as JSON (see Result)
//
// A wrong echo, a connection error or a timeout makes it exit with status 1
// and a message on stderr.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/hist"
)

// Result is the JSON line echoclient prints at the end.
type Result struct {
	Conns      int     `json:"conns"`
	Size       int     `json:"size"`
	Messages   uint64  `json:"messages"` // round trips completed in the window
	Seconds    float64 `json:"seconds"`  // length of the window
	MsgsPerSec float64 `json:"msgs_per_sec"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	P999us     float64 `json:"p999_us"`
	MaxUs      float64 `json:"max_us"`
}

// phases of a run, in order.
const (
	warmup int32 = iota
	measure
	stop
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "echo server address")
	conns := flag.Int("conns", 50, "number of connections")
	size := flag.Int("size", 64, "message size in bytes (>= 16)")
	warm := flag.Duration("warmup", 2*time.Second, "warm-up before measuring")
	dur := flag.Duration("duration", 10*time.Second, "measured duration")
	timeout := flag.Duration("timeout", 5*time.Second, "longest wait for one echo")
	flag.Parse()
	if *size < 16 {
		fail("-size must be at least 16")
	}

	cs := make([]net.Conn, *conns)
	var wg sync.WaitGroup
	errs := make(chan error, *conns)
	sem := make(chan struct{}, 64)
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", *addr, *timeout)
			if err != nil {
				errs <- err
				return
			}
			cs[i] = c
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		fail("connect: %v", err)
	default:
	}

	var phase atomic.Int32
	hists := make([]hist.Histogram, *conns)
	counts := make([]uint64, *conns)
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := loop(c, uint32(i), *size, *timeout, &phase, &hists[i], &counts[i]); err != nil {
				errs <- err
				phase.Store(stop)
			}
		}()
	}

	time.Sleep(*warm)
	phase.CompareAndSwap(warmup, measure)
	start := time.Now()
	fmt.Println("START")
	time.Sleep(*dur)
	phase.CompareAndSwap(measure, stop)
	elapsed := time.Since(start)
	fmt.Println("END")
	wg.Wait()
	select {
	case err := <-errs:
		fail("%v", err)
	default:
	}

	var h hist.Histogram
	var total uint64
	for i := range hists {
		h.Merge(&hists[i])
		total += counts[i]
	}
	us := func(d time.Duration) float64 { return float64(d) / 1e3 }
	r := Result{
		Conns: *conns, Size: *size, Messages: total, Seconds: elapsed.Seconds(),
		MsgsPerSec: float64(total) / elapsed.Seconds(),
		P50us:      us(h.Quantile(0.5)), P99us: us(h.Quantile(0.99)), P999us: us(h.Quantile(0.999)), MaxUs: us(h.Max()),
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

// loop runs one connection's round trips until the phase is stop. Each
// message carries the connection number and a sequence number, so an echo
// delivered to the wrong connection or out of order is caught.
func loop(c net.Conn, id uint32, size int, timeout time.Duration, phase *atomic.Int32, h *hist.Histogram, count *uint64) error {
	defer c.Close()
	msg := make([]byte, size)
	got := make([]byte, size)
	for i := range msg {
		msg[i] = byte('a' + i%26)
	}
	binary.LittleEndian.PutUint32(msg[0:], id)
	var deadlineSet time.Time
	for seq := uint64(0); ; seq++ {
		p := phase.Load()
		if p == stop {
			return nil
		}
		binary.LittleEndian.PutUint64(msg[4:], seq)
		t0 := time.Now()
		if t0.Sub(deadlineSet) > timeout/4 { // refreshing it every message costs a timer update each
			c.SetDeadline(t0.Add(timeout))
			deadlineSet = t0
		}
		if _, err := c.Write(msg); err != nil {
			return fmt.Errorf("conn %d: write: %w", id, err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			return fmt.Errorf("conn %d: read echo %d: %w", id, seq, err)
		}
		d := time.Since(t0)
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("conn %d: echo %d mismatch: sent %x, got %x", id, seq, msg, got)
		}
		if p == measure && phase.Load() == measure {
			h.Record(d)
			*count++
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "echoclient: "+format+"\n", args...)
	os.Exit(1)
}
