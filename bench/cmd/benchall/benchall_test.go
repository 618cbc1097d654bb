package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/report"
)

func TestMedianRow(t *testing.T) {
	rows := []*report.Row{{Server: "a", OpsPerCPU: 30}, {Server: "a", OpsPerCPU: 10}, {Server: "a", OpsPerCPU: 20}}
	m := medianRow(rows)
	if m.OpsPerCPU != 20 || !slices.Equal(m.Samples, []float64{30, 10, 20}) {
		t.Fatalf("median %v, samples %v", m.OpsPerCPU, m.Samples)
	}
	if rows[2].Samples != nil {
		t.Fatal("medianRow modified its input")
	}
	if m := medianRow(rows[:2]); m.OpsPerCPU != 10 {
		t.Fatalf("even count: median %v, want the lower middle 10", m.OpsPerCPU)
	}
}

func TestThroughputRow(t *testing.T) {
	var r report.Row
	if err := throughputRow(&r, 1000, 2, 500*time.Millisecond, 10, 20); err != nil {
		t.Fatal(err)
	}
	if r.OpsPerSec != 500 || r.OpsPerCPU != 2000 || r.CPUSeconds != 0.5 {
		t.Fatalf("row %+v", r)
	}
	if throughputRow(&r, 1000, 2, 0, 0, 0) == nil {
		t.Fatal("zero CPU accepted")
	}
	if throughputRow(&r, 0, 2, time.Second, 0, 0) == nil {
		t.Fatal("zero operations accepted")
	}
}

func TestThousandsAndLastLine(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 19800: "19,800", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := lastLine("START\nEND\n{\"a\":1}\n\n"); got != `{"a":1}` {
		t.Errorf("lastLine = %q", got)
	}
}

func TestCallgrindTotal(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "out.123.1")
	// The head and tail of a real dump (valgrind 3.19).
	if err := os.WriteFile(dump, []byte("# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 123\ncmd:  ./echo -addr 127.0.0.1:1\npart: 1\n\n"+
		"positions: line\nevents: Ir\nsummary: 219091358\n\n\nfn=(1) main\n16 3\n\ntotals: 219091358\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, err := callgrindTotal(dump); err != nil || v != 219091358 {
		t.Fatalf("callgrindTotal = %v, %v; want 219091358", v, err)
	}
	if err := os.WriteFile(dump, []byte("# callgrind format\nevents: Ir\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := callgrindTotal(dump); err == nil {
		t.Fatal("a dump without totals was accepted")
	}
}

func TestKVPipeline(t *testing.T) {
	for _, c := range []struct {
		workload string
		n        int
		ok       bool
	}{{"kv1", 1, true}, {"kv16", 16, true}, {"echo", 0, false}, {"http", 0, false}, {"kv", 0, false}, {"kvx", 0, false}} {
		if n, ok := kvPipeline(c.workload); ok != c.ok || (ok && n != c.n) {
			t.Errorf("kvPipeline(%q) = %d, %v; want %d, %v", c.workload, n, ok, c.n, c.ok)
		}
	}
}
