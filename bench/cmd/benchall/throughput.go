package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/check"
	"github.com/asyncgo/asyncgo/bench/internal/rbench"
	"github.com/asyncgo/asyncgo/bench/internal/report"
	"github.com/asyncgo/asyncgo/bench/internal/wrk"
)

// echoResult mirrors echoclient's JSON line.
type echoResult struct {
	Messages   float64 `json:"messages"`
	Seconds    float64 `json:"seconds"`
	MsgsPerSec float64 `json:"msgs_per_sec"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
}

// echo runs the echo workload at each connection count.
func (h *harness) echo() []*report.Section {
	var secs []*report.Section
	for _, conns := range h.cfg.echoConns {
		s := &report.Section{
			ID: fmt.Sprintf("echo-c%d", conns), Title: fmt.Sprintf("%d connections", conns), Label: fmt.Sprintf("echo c%d", conns),
			Workload: "echo", Kind: report.Throughput, Unit: "messages",
			Setup: fmt.Sprintf("bench/cmd/echoclient: %d connections, each sending a 64-byte message and waiting for its echo (checked byte for byte), %v warm-up, %v measured.",
				conns, h.cfg.echoWarm, h.cfg.echoDur),
		}
		h.measureRounds([]*report.Section{s}, h.servers("echo"), func(srv server) ([]*report.Row, error) {
			row := &report.Row{Server: srv.name}
			if err := h.echoRow(srv, conns, row); err != nil {
				return []*report.Row{nil}, err
			}
			return []*report.Row{row}, nil
		})
		secs = append(secs, s)
	}
	return secs
}

// echoRow measures one echo server at one connection count.
func (h *harness) echoRow(srv server, conns int, row *report.Row) error {
	p, addr, err := h.startServer(srv)
	if err != nil {
		return err
	}
	defer p.Stop()
	if err := check.Echo(addr); err != nil {
		return err
	}
	// The client prints START and END around the measured window; the
	// server's CPU time is sampled the moment each line arrives.
	var mu sync.Mutex
	var cpu0, cpu1 time.Duration
	var marks int
	onLine := func(line string) {
		switch line {
		case "START":
			c := cpu(p)
			mu.Lock()
			cpu0, marks = c, marks+1
			mu.Unlock()
		case "END":
			c := cpu(p)
			mu.Lock()
			cpu1, marks = c, marks+1
			mu.Unlock()
		}
	}
	cl, stdout, err := h.group.StartClient("echoclient", nil, onLine, nil, h.path("echoclient"),
		"-addr", addr, "-conns", fmt.Sprint(conns), "-size", "64",
		"-warmup", h.cfg.echoWarm.String(), "-duration", h.cfg.echoDur.String())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.echoWarm+h.cfg.echoDur+h.cfg.clientTimeoutPad)
	defer cancel()
	if err := cl.Wait(ctx); err != nil {
		return err
	}
	if err := alive(p); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if marks != 2 {
		return fmt.Errorf("echoclient printed no START/END markers: %s", stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var r echoResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		return fmt.Errorf("echoclient output: %v: %q", err, stdout.String())
	}
	return throughputRow(row, r.Messages, r.Seconds, cpu1-cpu0, r.P50us, r.P99us)
}

// measureRounds measures every server h.cfg.rounds times, the servers
// interleaved within each round so that a slow spell of the machine hits
// all of them (and each round starting with the next server, so that none
// is always measured first), and appends to each section one row per
// server: the round with the median operations per server CPU-second,
// carrying every round's figure in Samples, in round order (which
// Section.Ratio pairs). measure returns one row per section, nil for
// a section it could not measure (with err saying why). A server that
// fails a section in any round gets a failed row there and is not measured
// in it again.
func (h *harness) measureRounds(secs []*report.Section, servers []server, measure func(server) ([]*report.Row, error)) {
	type cell struct {
		rows []*report.Row
		err  error
	}
	cells := make([][]cell, len(secs))
	for i := range cells {
		cells[i] = make([]cell, len(servers))
	}
	for round := 1; round <= h.cfg.rounds; round++ {
		for k := range servers {
			j := (k + round - 1) % len(servers)
			srv := servers[j]
			failedAll := true
			for i := range secs {
				failedAll = failedAll && cells[i][j].err != nil
			}
			if failedAll && round > 1 {
				continue
			}
			rows, err := measure(srv)
			for i, s := range secs {
				c := &cells[i][j]
				if c.err != nil {
					continue
				}
				if rows[i] == nil {
					if err == nil {
						err = errors.New("not measured")
					}
					c.err = err
					fail(s.Label, srv.name, err)
					continue
				}
				logRow(s, rows[i], round, h.cfg.rounds)
				c.rows = append(c.rows, rows[i])
			}
		}
	}
	for i, s := range secs {
		for j, srv := range servers {
			c := cells[i][j]
			if c.err != nil {
				s.Rows = append(s.Rows, &report.Row{Server: srv.name, Err: c.err.Error()})
				continue
			}
			s.Rows = append(s.Rows, medianRow(c.rows))
		}
	}
}

// medianRow returns the row with the median OpsPerCPU (the lower middle
// one for an even count) with Samples set to every row's OpsPerCPU.
func medianRow(rows []*report.Row) *report.Row {
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b *report.Row) int { return cmp.Compare(a.OpsPerCPU, b.OpsPerCPU) })
	m := *sorted[(len(sorted)-1)/2]
	m.Samples = nil
	for _, r := range rows {
		m.Samples = append(m.Samples, r.OpsPerCPU)
	}
	return &m
}

// throughputRow fills a row from a count of operations in a window and the
// server's CPU time over it.
func throughputRow(row *report.Row, ops, seconds float64, cpu time.Duration, p50us, p99us float64) error {
	if ops <= 0 || seconds <= 0 {
		return fmt.Errorf("no operation completed")
	}
	if cpu <= 0 {
		return fmt.Errorf("server used no measurable CPU time over %d operations", int64(ops))
	}
	row.Ops, row.WallSeconds, row.OpsPerSec = ops, seconds, ops/seconds
	row.CPUSeconds = cpu.Seconds()
	row.OpsPerCPU = ops / cpu.Seconds()
	row.P50us, row.P99us = p50us, p99us
	return nil
}

// logRow reports a finished throughput row.
func logRow(s *report.Section, r *report.Row, round, rounds int) {
	log.Printf("%-12s %-10s %d/%d %10.0f %s/s  %5.2f CPU-s  %10.0f per CPU-s  p50 %.0fµs p99 %.0fµs",
		s.Label, r.Server, round, rounds, r.OpsPerSec, s.Unit, r.CPUSeconds, r.OpsPerCPU, r.P50us, r.P99us)
}

// http runs wrk against every HTTP server.
func (h *harness) http() []*report.Section {
	c := h.cfg.httpConns
	s := &report.Section{
		ID: fmt.Sprintf("http-c%d", c), Title: fmt.Sprintf("GET /hello, %d connections", c), Label: "http hello",
		Workload: "http", Kind: report.Throughput, Unit: "requests",
		Setup: fmt.Sprintf("`wrk -t2 -c%d -d%v --latency http://ADDR/hello` after a %v warm-up run; every response must be a 2xx (wrk's error counters must stay zero). "+
			"goroutines and gnet use the same http1 package as asyncgo; net/http is the standard library's whole stack, for reference.",
			c, h.cfg.httpDur, h.cfg.httpWarm),
	}
	h.measureRounds([]*report.Section{s}, h.servers("http"), func(srv server) ([]*report.Row, error) {
		row := &report.Row{Server: srv.name}
		if err := h.httpRow(srv, row); err != nil {
			return []*report.Row{nil}, err
		}
		return []*report.Row{row}, nil
	})
	return []*report.Section{s}
}

// wrkRun runs wrk for d and checks its report.
func (h *harness) wrkRun(addr string, d time.Duration) (wrk.Result, error) {
	out, err := h.runClient(d+h.cfg.clientTimeoutPad, "wrk", "-t2", fmt.Sprintf("-c%d", h.cfg.httpConns),
		fmt.Sprintf("-d%ds", int(d.Seconds())), "--timeout", "5s", "--latency", "http://"+addr+"/hello")
	if err != nil {
		return wrk.Result{}, err
	}
	r, err := wrk.Parse(out)
	if err != nil {
		return r, err
	}
	return r, r.Check()
}

// httpRow measures one HTTP server.
func (h *harness) httpRow(srv server, row *report.Row) error {
	p, addr, err := h.startServer(srv)
	if err != nil {
		return err
	}
	defer p.Stop()
	if err := check.HTTPHello(addr); err != nil {
		return err
	}
	if _, err := h.wrkRun(addr, h.cfg.httpWarm); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	c0 := cpu(p)
	r, err := h.wrkRun(addr, h.cfg.httpDur)
	c1 := cpu(p)
	if err != nil {
		return err
	}
	if err := alive(p); err != nil {
		return err
	}
	if err := check.HTTPHello(addr); err != nil {
		return fmt.Errorf("after the run: %w", err)
	}
	return throughputRow(row, float64(r.Requests), r.Duration.Seconds(), c1-c0, us(r.P50), us(r.P99))
}

func us(d time.Duration) float64 { return float64(d) / 1e3 }

// kvTests are the redis-benchmark runs of the kv workload, in order (GET
// after SET, so that the keys exist).
var kvTests = []struct {
	test     string
	pipeline int
}{{"set", 1}, {"get", 1}, {"set", 16}, {"get", 16}}

// kv runs redis-benchmark against every key-value server: one server
// process per implementation serves all four tests.
func (h *harness) kv() []*report.Section {
	var secs []*report.Section
	for _, t := range kvTests {
		n := h.cfg.kvN1
		if t.pipeline > 1 {
			n = h.cfg.kvN16
		}
		secs = append(secs, &report.Section{
			ID: fmt.Sprintf("kv-%s-p%d", t.test, t.pipeline), Title: fmt.Sprintf("%s, -P %d", strings.ToUpper(t.test), t.pipeline),
			Label: fmt.Sprintf("kv %s P%d", t.test, t.pipeline), Workload: "kv", Kind: report.Throughput, Unit: "requests",
			Setup: fmt.Sprintf("`redis-benchmark -c 50 -n %d -P %d -r %d -t %s --csv` (3-byte values); one server process serves all four kv tables in order.",
				n, t.pipeline, h.cfg.kvKeyspace, t.test),
		})
	}
	h.measureRounds(secs, h.servers("kv"), h.kvRows)
	return secs
}

// redisBenchmark runs `redis-benchmark -c 50 -n n -P pipeline -t test`
// against addr (keys drawn from the kv keyspace) and returns its row.
func (h *harness) redisBenchmark(addr, test string, n, pipeline int) (rbench.Row, error) {
	host, port, _ := strings.Cut(addr, ":")
	out, err := h.runClient(h.cfg.clientTimeoutPad+time.Duration(n/20)*time.Microsecond*1000, "redis-benchmark", "-h", host, "-p", port,
		"-c", "50", "-n", fmt.Sprint(n), "-P", fmt.Sprint(pipeline), "-r", fmt.Sprint(h.cfg.kvKeyspace), "-t", test, "--csv")
	if err != nil {
		return rbench.Row{}, err
	}
	if strings.Contains(out, "ERR") {
		return rbench.Row{}, fmt.Errorf("redis-benchmark saw error replies: %s", out)
	}
	rs, err := rbench.Parse(out)
	if err != nil {
		return rbench.Row{}, err
	}
	if len(rs) != 1 || !strings.EqualFold(rs[0].Test, test) {
		return rbench.Row{}, fmt.Errorf("redis-benchmark: unexpected rows %+v", rs)
	}
	return rs[0], nil
}

// kvRows runs the kv tests against one server; rows[i] is nil for tests
// that did not complete, and err says why.
func (h *harness) kvRows(srv server) ([]*report.Row, error) {
	rows := make([]*report.Row, len(kvTests))
	p, addr, err := h.startServer(srv)
	if err != nil {
		return rows, err
	}
	defer p.Stop()
	if err := check.KV(addr); err != nil {
		return rows, err
	}
	bench := func(test string, n, pipeline int) (rbench.Row, error) {
		return h.redisBenchmark(addr, test, n, pipeline)
	}
	if _, err := bench("set", h.cfg.kvN1/10, 1); err != nil {
		return rows, fmt.Errorf("warm-up: %w", err)
	}
	for i, t := range kvTests {
		n := h.cfg.kvN1
		if t.pipeline > 1 {
			n = h.cfg.kvN16
		}
		c0 := cpu(p)
		r, err := bench(t.test, n, t.pipeline)
		c1 := cpu(p)
		if err == nil {
			err = alive(p)
		}
		if err == nil {
			err = check.KV(addr)
		}
		if err != nil {
			return rows, err
		}
		row := &report.Row{Server: srv.name}
		if err := throughputRow(row, float64(n), float64(n)/r.RPS, c1-c0, us(r.P50), us(r.P99)); err != nil {
			return rows, err
		}
		rows[i] = row
	}
	return rows, nil
}
