package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/check"
	"github.com/asyncgo/asyncgo/bench/internal/report"
	"github.com/asyncgo/asyncgo/bench/internal/wrk"
)

// instructions counts the user-space instructions each echo, HTTP and kv
// server executes per operation, under valgrind --tool=callgrind. Unlike
// CPU time, the count does not move with the machine's load, the other
// tenants or the kernel's loopback path: it measures the server's own code
// (runtime, protocol and application) and nothing else, and it repeats to
// about a percent. The load is lighter than in the throughput tables
// (callgrind runs the server about 50 times slower), so the batches a
// server sees are smaller; what it shows is the cost of the code path, not
// a throughput.
func (h *harness) instructions() []*report.Section {
	if _, err := exec.LookPath("valgrind"); err != nil {
		log.Printf("instructions: valgrind not installed (apt-get install valgrind); skipped")
		return nil
	}
	echo := &report.Section{
		ID: "instr-echo", Title: "echo, 50 connections", Label: "instr echo", Workload: "instructions", Kind: report.Instructions, Unit: "messages",
		Setup: fmt.Sprintf("The server runs under `valgrind --tool=callgrind` (GODEBUG=asyncpreemptoff=1 for the Go servers: callgrind cannot follow Go's preemption signals). bench/cmd/echoclient with 50 connections for %v; the counters are zeroed after a warm-up and dumped after the load (`callgrind_control -z`, `-d`).", h.cfg.instrDur),
	}
	httpSec := &report.Section{
		ID: "instr-http", Title: "HTTP hello, 50 connections", Label: "instr http", Workload: "instructions", Kind: report.Instructions, Unit: "requests",
		Setup: fmt.Sprintf("As above, with `wrk -t1 -c50 -d%v http://ADDR/hello`.", h.cfg.instrDur),
	}
	kv := func(pipeline int) *report.Section {
		return &report.Section{
			ID: fmt.Sprintf("instr-kv-p%d", pipeline), Title: fmt.Sprintf("kv GET, -P %d", pipeline), Label: fmt.Sprintf("instr kv P%d", pipeline),
			Workload: "instructions", Kind: report.Instructions, Unit: "requests",
			Setup: fmt.Sprintf("As above, with `redis-benchmark -c 50 -n %d -P %d -r %d -t get` (after a SET warm-up), for the Go servers and redis-server.",
				h.instrKVRequests(pipeline), pipeline, h.cfg.kvKeyspace),
		}
	}
	kv1, kv16 := kv(1), kv(16)
	for _, srv := range h.servers("echo") {
		echo.Rows = append(echo.Rows, h.instrRow(echo, srv, "echo"))
	}
	for _, srv := range h.servers("http") {
		httpSec.Rows = append(httpSec.Rows, h.instrRow(httpSec, srv, "http"))
	}
	for _, srv := range h.servers("kv") {
		kv1.Rows = append(kv1.Rows, h.instrRow(kv1, srv, "kv1"))
		kv16.Rows = append(kv16.Rows, h.instrRow(kv16, srv, "kv16"))
	}
	return []*report.Section{echo, httpSec, kv1, kv16}
}

// instrKVRequests is the number of GETs counted for the kv instruction
// rows: about as many seconds of load under callgrind as the echo and HTTP
// rows get.
func (h *harness) instrKVRequests(pipeline int) int {
	n := int(h.cfg.instrDur.Seconds()) * 10000
	if pipeline > 1 {
		n *= 10
	}
	return n
}

// instrRow measures one server under callgrind.
func (h *harness) instrRow(s *report.Section, srv server, workload string) *report.Row {
	row := &report.Row{Server: srv.name}
	ops, instr, err := h.countInstructions(srv, workload)
	if err != nil {
		row.Err = fail(s.Label, srv.name, err)
		return row
	}
	row.Ops, row.Instructions, row.InstrPerOp = ops, instr, instr/ops
	log.Printf("%-12s %-10s %.0f instructions per %s", s.Label, srv.name, row.InstrPerOp, strings.TrimSuffix(s.Unit, "s"))
	return row
}

// countInstructions runs srv under callgrind, applies the load and
// returns the operations the client completed and the instructions the
// server executed meanwhile.
func (h *harness) countInstructions(srv server, workload string) (ops, instr float64, err error) {
	if why, ok := h.missing[srv.bin]; ok {
		return 0, 0, fmt.Errorf("not built: %s", why)
	}
	dir, err := os.MkdirTemp(h.binDir, "callgrind-")
	if err != nil {
		return 0, 0, err
	}
	s := srv
	s.wrap = []string{"valgrind", "--tool=callgrind", "--callgrind-out-file=" + filepath.Join(dir, "out.%p")}
	s.env = []string{"GODEBUG=asyncpreemptoff=1"}
	s.startTimeout = 60 * time.Second
	p, addr, err := h.startServer(s)
	if err != nil {
		return 0, 0, err
	}
	defer p.Stop()
	pid := fmt.Sprint(p.PID())
	load := func(d time.Duration, warmUp bool) (float64, error) {
		if pipeline, ok := kvPipeline(workload); ok {
			n := h.instrKVRequests(pipeline)
			test := "get"
			if warmUp { // fill the keyspace
				n, test = n/4, "set"
			}
			if _, err := h.redisBenchmark(addr, test, n, pipeline); err != nil {
				return 0, err
			}
			return float64(n), nil
		}
		if workload == "echo" {
			out, err := h.runClient(d+h.cfg.clientTimeoutPad, h.path("echoclient"), "-addr", addr, "-conns", "50", "-size", "64",
				"-warmup", "0s", "-duration", d.String())
			if err != nil {
				return 0, err
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			var r echoResult
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
				return 0, fmt.Errorf("echoclient output: %v: %q", err, out)
			}
			return r.Messages, nil
		}
		out, err := h.runClient(d+h.cfg.clientTimeoutPad, "wrk", "-t1", "-c50", fmt.Sprintf("-d%ds", int(d.Seconds())), "http://"+addr+"/hello")
		if err != nil {
			return 0, err
		}
		r, err := wrk.Parse(out)
		if err != nil {
			return 0, err
		}
		if r.SocketErrors > 0 || r.Non2xx > 0 {
			return 0, fmt.Errorf("wrk saw errors: %s", out)
		}
		return float64(r.Requests), nil
	}
	switch _, kv := kvPipeline(workload); {
	case kv:
		err = check.KV(addr)
	case workload == "echo":
		err = check.Echo(addr)
	default:
		err = check.HTTPHello(addr)
	}
	if err != nil {
		return 0, 0, err
	}
	if _, err := load(time.Second, true); err != nil {
		return 0, 0, err
	}
	if out, err := exec.Command("callgrind_control", "-z", pid).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("callgrind_control -z: %v: %s", err, out)
	}
	if ops, err = load(h.cfg.instrDur, false); err != nil {
		return 0, 0, err
	}
	if out, err := exec.Command("callgrind_control", "-d", pid).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("callgrind_control -d: %v: %s", err, out)
	}
	if err := alive(p); err != nil {
		return 0, 0, err
	}
	dump := filepath.Join(dir, "out."+pid+".1")
	if instr, err = callgrindTotal(dump); err != nil {
		return 0, 0, err
	}
	if ops <= 0 {
		return 0, 0, fmt.Errorf("the client completed no operation")
	}
	return ops, instr, nil
}

// kvPipeline returns the pipeline depth of a kv instruction workload
// ("kv1", "kv16").
func kvPipeline(workload string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(workload, "kv"))
	return n, strings.HasPrefix(workload, "kv") && err == nil
}

// callgrindTotal reads the instruction total of a callgrind dump (its
// "totals:" line, or "summary:" in older formats).
func callgrindTotal(path string) (float64, error) {
	var f *os.File
	var err error
	for range 50 { // the dump is written asynchronously
		if f, err = os.Open(path); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, key := range []string{"totals:", "summary:"} {
			if v, ok := strings.CutPrefix(line, key); ok {
				fields := strings.Fields(v)
				if len(fields) > 0 {
					return strconv.ParseFloat(fields[0], 64)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no totals line (dump incomplete?)", path)
}
