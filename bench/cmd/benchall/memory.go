package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/check"
	"github.com/asyncgo/asyncgo/bench/internal/proc"
	"github.com/asyncgo/asyncgo/bench/internal/procfs"
	"github.com/asyncgo/asyncgo/bench/internal/report"
)

// idleHeadroom is how many descriptors below RLIMIT_NOFILE the largest
// idle level stays (listener, epoll, eventfd, stdio, the runtime's own).
const idleHeadroom = 200

// idle measures server memory per idle connection at each level.
func (h *harness) idle(nofile uint64, capMax int) []*report.Section {
	var secs []*report.Section
	maxN := int(nofile) - idleHeadroom
	if capMax > 0 {
		maxN = min(maxN, capMax)
	}
	for _, lv := range h.cfg.idleLevels {
		n := lv.n
		limitNote := ""
		if n == 0 {
			n = maxN
			limitNote = fmt.Sprintf(" %s is the largest level RLIMIT_NOFILE allows here (hard limit %d per process; the server and the client each hold one descriptor per connection).", thousands(n), nofile)
		}
		if n > maxN {
			log.Printf("idle: skipping %d connections: RLIMIT_NOFILE allows %d", n, maxN)
			continue
		}
		id, title, label, how := fmt.Sprintf("idle-%d", n), fmt.Sprintf("%s idle connections, each used once", thousands(n)), fmt.Sprintf("idle %s", thousands(n)),
			"each connection first echoes one 64-byte message (a connection that has served a request, like a keep-alive one), then sends nothing"
		if !lv.used {
			id, title, label, how = id+"-unused", fmt.Sprintf("%s idle connections, never used", thousands(n)), label+" unused",
				"connections send nothing at all after connecting"
		}
		if slices.ContainsFunc(secs, func(s *report.Section) bool { return s.ID == id }) {
			continue
		}
		s := &report.Section{
			ID: id, Title: title, Label: label, Workload: "idle", Kind: report.PerConn,
			Setup: fmt.Sprintf("bench/cmd/idleclient opens %d connections (raw sockets, from several 127.x.y.z source addresses); %s. "+
				"Bytes per connection = (VmRSS once all are accepted and RSS is stable − VmRSS before) / %d. 100 of them are echo-probed afterwards to prove they are live.%s",
				n, how, n, limitNote),
		}
		for _, srv := range h.servers("echo") {
			if srv.name == "tokio" || srv.name == "floor" {
				// Tokio's echo task holds a 4 KiB buffer, as the Rust
				// original does; the floor keeps no state for a
				// connection at all. References for throughput, not
				// for the memory of an idle connection.
				continue
			}
			row := &report.Row{Server: srv.name}
			if err := h.idleRow(srv, n, lv.used, row); err != nil {
				row = &report.Row{Server: srv.name, Err: fail(s.Label, srv.name, err)}
			} else {
				log.Printf("%-12s %-10s %d conns: %.1f -> %.1f MiB, %.0f B/conn", s.Label, srv.name, n,
					float64(row.RSSBefore)/(1<<20), float64(row.RSSAfter)/(1<<20), row.BytesPer)
			}
			s.Rows = append(s.Rows, row)
		}
		secs = append(secs, s)
	}
	return secs
}

// idleRow measures one echo server holding n idle connections.
func (h *harness) idleRow(srv server, n int, used bool, row *report.Row) error {
	p, addr, err := h.startServer(srv)
	if err != nil {
		return err
	}
	// Kill the server before the client: the TIME_WAIT sockets then belong
	// to the server's (per-run) port, not to the client's source ports.
	defer p.Stop()
	if err := check.Echo(addr); err != nil {
		return err
	}
	time.Sleep(h.cfg.memSettle)
	rss0, err := procfs.RSS(p.PID())
	if err != nil {
		return err
	}
	fd0, err := procfs.FDs(p.PID())
	if err != nil {
		return err
	}

	h.nextSrc++
	src := fmt.Sprintf("127.%d.0.1", 20+h.nextSrc%200)
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer stdinW.Close()
	lines := make(chan string, 16)
	cl, _, err := h.group.StartClient("idleclient", nil, func(l string) { lines <- l }, stdinR,
		h.path("idleclient"), "-addr", addr, "-n", fmt.Sprint(n), "-src", src, "-per-src", "10000", fmt.Sprintf("-used=%v", used))
	stdinR.Close()
	if err != nil {
		return err
	}
	defer func() {
		p.Stop()
		stdinW.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cl.Wait(ctx)
	}()
	expect := func(prefix string, timeout time.Duration) error {
		select {
		case l := <-lines:
			if !strings.HasPrefix(l, prefix) {
				return fmt.Errorf("idleclient said %q, want %s", l, prefix)
			}
			return nil
		case <-cl.Done():
			return fmt.Errorf("idleclient exited: %s", cl.Output())
		case <-time.After(timeout):
			return fmt.Errorf("idleclient: no %s after %v: %s", prefix, timeout, cl.Output())
		}
	}
	if err := expect("CONNECTED", 180*time.Second); err != nil {
		return err
	}
	// Every connection is established on the client's side; wait until
	// the server has accepted them all.
	deadline := time.Now().Add(60 * time.Second)
	for {
		fds, err := procfs.FDs(p.PID())
		if err != nil {
			return err
		}
		if fds >= fd0+n {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server holds %d descriptors, want %d + %d connections", fds, fd0, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rss1, err := h.settle(p)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdinW, "PROBE 100\n"); err != nil {
		return err
	}
	if err := expect("PROBED", 60*time.Second); err != nil {
		return fmt.Errorf("after measuring: %w", err)
	}
	if err := alive(p); err != nil {
		return err
	}
	row.Count, row.RSSBefore, row.RSSAfter = int64(n), rss0, rss1
	row.BytesPer = float64(rss1-rss0) / float64(n)
	return nil
}

// settle waits until the server's RSS stops moving (the last three
// samples, 500 ms apart, within 1% of each other or 64 KiB), for at least
// idleSettleMin and at most idleSettleMax, and returns the last sample.
func (h *harness) settle(p *proc.Proc) (int64, error) {
	start := time.Now()
	var samples []int64
	for {
		rss, err := procfs.RSS(p.PID())
		if err != nil {
			return 0, err
		}
		samples = append(samples, rss)
		if k := len(samples); k >= 3 && time.Since(start) >= h.cfg.idleSettleMin {
			lo, hi := min(samples[k-1], samples[k-2], samples[k-3]), max(samples[k-1], samples[k-2], samples[k-3])
			if hi-lo <= max(hi/100, 64<<10) {
				return rss, nil
			}
		}
		if time.Since(start) >= h.cfg.idleSettleMax {
			log.Printf("%s: RSS still moving after %v (%v); taking the last sample", p.Name, h.cfg.idleSettleMax, samples[max(0, len(samples)-4):])
			return rss, nil
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// kvMemory measures server memory per key after loading kvKeys keys.
func (h *harness) kvMemory() []*report.Section {
	n := h.cfg.kvKeys
	s := &report.Section{
		ID: "kv-memory", Title: fmt.Sprintf("%s keys", thousands(n)), Label: "kv memory",
		Workload: "kv-memory", Kind: report.PerKey,
		Setup: fmt.Sprintf("bench/cmd/kvload SETs %d distinct keys (16-byte keys `key:%%012d`, 16-byte values) with pipelines of 1000 over 4 connections, checks every reply, a sample of values and DBSIZE; "+
			"bytes per key = (VmRSS after, once stable − VmRSS before) / %d.", n, n),
	}
	for _, srv := range h.servers("kv") {
		row := &report.Row{Server: srv.name}
		if err := h.kvMemoryRow(srv, n, row); err != nil {
			row = &report.Row{Server: srv.name, Err: fail(s.Label, srv.name, err)}
		} else {
			log.Printf("%-12s %-10s %d keys: %.1f -> %.1f MiB, %.0f B/key", s.Label, srv.name, n,
				float64(row.RSSBefore)/(1<<20), float64(row.RSSAfter)/(1<<20), row.BytesPer)
		}
		s.Rows = append(s.Rows, row)
	}
	return []*report.Section{s}
}

// kvMemoryRow loads n keys into one server and measures its RSS growth.
func (h *harness) kvMemoryRow(srv server, n int, row *report.Row) error {
	p, addr, err := h.startServer(srv)
	if err != nil {
		return err
	}
	defer p.Stop()
	if err := check.KV(addr); err != nil {
		return err
	}
	time.Sleep(h.cfg.memSettle)
	rss0, err := procfs.RSS(p.PID())
	if err != nil {
		return err
	}
	out, err := h.runClient(h.cfg.clientTimeoutPad+time.Duration(n/10)*time.Millisecond, h.path("kvload"), "-addr", addr, "-n", fmt.Sprint(n))
	if err != nil {
		return err
	}
	var r struct {
		Keys   int64 `json:"keys"`
		DBSize int64 `json:"dbsize"`
	}
	if err := json.Unmarshal([]byte(lastLine(out)), &r); err != nil {
		return fmt.Errorf("kvload output: %v: %q", err, out)
	}
	// check.KV left one key of its own.
	if r.DBSize >= 0 && r.DBSize < int64(n) {
		return fmt.Errorf("DBSIZE is %d after loading %d keys", r.DBSize, n)
	}
	rss1, err := h.settle(p)
	if err != nil {
		return err
	}
	if err := alive(p); err != nil {
		return err
	}
	row.Count, row.RSSBefore, row.RSSAfter = int64(n), rss0, rss1
	row.BytesPer = float64(rss1-rss0) / float64(n)
	return nil
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	return last
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
