package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/asyncgo/asyncgo/bench/internal/report"
)

// describeMachine collects what the report says about where it ran.
func describeMachine(nofile uint64) report.Machine {
	m := report.Machine{Cores: runtime.NumCPU(), NoFile: nofile}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		for _, line := range strings.Split(string(b), "\n") {
			if _, err := fmt.Sscanf(line, "MemTotal: %f kB", &kb); err == nil {
				m.MemoryGB = kb / (1 << 20)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.Go = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	} else {
		m.Go = runtime.Version()
	}
	// Each tool's version line, cut to its first words ("wrk debian/4.1.0",
	// "redis-benchmark 7.0.15", "Redis server v=7.0.15").
	for _, t := range []struct {
		argv  []string
		words int
	}{{[]string{"wrk", "--version"}, 2}, {[]string{"redis-benchmark", "--version"}, 2}, {[]string{"redis-server", "--version"}, 3}} {
		out, _ := exec.Command(t.argv[0], t.argv[1:]...).CombinedOutput() // wrk --version exits 1
		if f := strings.Fields(string(out)); len(f) >= t.words {
			m.Tools = append(m.Tools, strings.Join(f[:t.words], " "))
		}
	}
	return m
}

// notes are the method paragraphs of the report.
func (h *harness) notes() []string {
	return []string{
		"Each row starts its server as a fresh process on a free 127.0.0.1 port, runs a protocol check (echo of 1 B, 64 B and 256 KiB; two pipelined plus one more GET /hello parsed with net/http; SET/GET/missing-key/pipelined RESP exchanges compared byte for byte) and only then measures. A failed check, a client error, a wrong echo, any wrk socket error or non-2xx response aborts that row with the reason in the table; the other rows go on.",
		"Server CPU time is utime+stime of the server process (all threads) from /proc/PID/stat, in 10 ms ticks, sampled right before and after the measured window (for echo, at the client's START/END markers, so connection set-up and warm-up are excluded). \"per server CPU-s\" = operations completed in the window / server CPU seconds in it. Clients share the 2 cores with the server, so wall-clock rates depend on how much CPU the client leaves; the per-CPU-second figure is the comparable one.",
		"All servers run with the Go runtime's defaults: GOGC=100, GOMAXPROCS = number of cores (the harness removes GOGC, GOMAXPROCS, GOMEMLIMIT and GODEBUG from their environment); asyncgo uses one worker per core, gnet one event loop per core (WithMulticore), redis-server its single thread (io-threads 1).",
		"The goroutine and gnet servers run the same protocol code as the asyncgo examples: examples/httpserver/http1 for HTTP (bench/internal/helloapp), examples/kv/resp and examples/kv/store for kv (bench/internal/kvapp); the goroutine servers read into a 4 KiB per-connection buffer and write all pipelined replies at once, as do the others. net/http is the standard library server, a reference for the whole stack, not a runtime comparison.",
		"tokio is a reference line, not a target: the same two servers hand-written in Rust on Tokio 1.24 (bench/tokio; Debian's packaged crates, built with cargo offline), a multi-threaded runtime with one worker per core. Its echo task reads into a 4 KiB buffer and writes it back; its HTTP server parses with httparse and answers the same bytes as the Go hello servers. It is left out of the idle rows, as its echo task holds its buffer while idle. Without cargo and the crates its rows say what to install.",
		"floor is a reference line for the kernel's share, not a usable server (bench/cmd/floor): one thread, one level-triggered epoll loop, and per readable connection one recv and one send with nothing in between but counting request ends (the fixed hello answer per request, or the echoed bytes), written in Go with raw system calls. Its per-CPU-second figure is what a request costs when the server adds almost nothing to the kernel's own work; it is not a ceiling, as how the server's threads sleep and wake against the client's moves the kernel's cost by as much as user-space work does. It is left out of the idle rows (it keeps no state for a connection).",
		"Memory rows: VmRSS from /proc/PID/status. Idle: the baseline is taken after the protocol check and a settle pause; after the client reports every connection established, the harness waits until the server holds that many more descriptors, then until RSS is stable (three samples 500 ms apart within 1%). Go servers are not forced to collect garbage: RSS is what the process holds with GOGC=100, garbage included. Kernel socket memory is not in RSS and is not counted for anyone.",
		"Ratios are row ÷ reference on the table's headline figure: above 1.00x is better for throughput (more work per CPU-second), below 1.00x is better for memory (fewer bytes).",
		fmt.Sprintf("Mode %s: echo %v warm-up + %v; HTTP %v + %v; kv -n %d (-P 1) and %d (-P 16); %d keys for kv memory. %s",
			h.cfg.mode, h.cfg.echoWarm, h.cfg.echoDur, h.cfg.httpWarm, h.cfg.httpDur, h.cfg.kvN1, h.cfg.kvN16, h.cfg.kvKeys, roundsNote(h.cfg.rounds)),
	}
}

// roundsNote says how often each throughput row was measured.
func roundsNote(rounds int) string {
	if rounds <= 1 {
		return "Each row was measured once (-rounds 1): on a shared 2-core machine expect several percent of noise between runs (up to ±10% seen), more when anything else is running; the default full run measures 5 rounds and reports medians."
	}
	return fmt.Sprintf("Each throughput row was measured %d times, servers interleaved within each round and each round starting with the next server; the table shows each server's median round, and (±x%%) is half the range of the %d rounds' per-CPU-second figures relative to the median. The vs columns (and the targets and the chart) are the median of the %d per-round ratios, which cancels the drift of the machine's speed between rounds; they can differ a little from the quotient of the two median figures shown. Memory rows are measured once.", rounds, rounds, rounds)
}
