package report

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleRun() *Run {
	echo := &Section{ID: "echo-c50", Title: "50 connections", Label: "echo c50", Workload: "echo", Kind: Throughput, Unit: "messages", Rows: []*Row{
		{Server: "asyncgo", OpsPerSec: 90000, CPUSeconds: 6, OpsPerCPU: 150000, P50us: 420, P99us: 1800},
		{Server: "goroutines", OpsPerSec: 80000, CPUSeconds: 8, OpsPerCPU: 100000, P50us: 500, P99us: 2500},
		{Server: "gnet", OpsPerSec: 85000, CPUSeconds: 7, OpsPerCPU: 120000},
	}}
	httpS := &Section{ID: "http-c100", Title: "wrk -c100", Label: "http", Workload: "http", Kind: Throughput, Unit: "requests", Rows: []*Row{
		{Server: "asyncgo", OpsPerCPU: 110000},
		{Server: "goroutines", OpsPerCPU: 100000},
		{Server: "gnet", Err: "http check: status 500"},
	}}
	idle := &Section{ID: "idle-10000", Title: "10,000 connections", Label: "10k", Workload: "idle", Kind: PerConn, Rows: []*Row{
		{Server: "asyncgo", Count: 10000, RSSBefore: 4 << 20, RSSAfter: 8 << 20, BytesPer: 419.4},
		{Server: "goroutines", Count: 10000, RSSBefore: 4 << 20, RSSAfter: 80 << 20, BytesPer: 7969},
	}}
	secs := []*Section{echo, httpS, idle}
	return &Run{Date: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Mode: "quick", Command: "go run ./cmd/benchall -quick",
		Sections: secs, Targets: Targets(secs), Notes: []string{"a note"}}
}

func TestRatioAndTargets(t *testing.T) {
	r := sampleRun()
	echo := r.Sections[0]
	if v, ok := echo.Ratio("asyncgo", "goroutines"); !ok || v != 1.5 {
		t.Fatalf("Ratio = %v, %v; want 1.5", v, ok)
	}
	if _, ok := r.Sections[1].Ratio("asyncgo", "gnet"); ok {
		t.Fatal("ratio against a failed row reported")
	}
	// Rows measured in the same rounds: the median of the per-round
	// ratios (2.0, 1.0, 1.2 -> 1.2), not the ratio of the medians
	// (100/90).
	paired := &Section{Kind: Throughput, Rows: []*Row{
		{Server: "a", OpsPerCPU: 100, Samples: []float64{200, 100, 60}},
		{Server: "b", OpsPerCPU: 90, Samples: []float64{100, 100, 50}},
	}}
	if v, ok := paired.Ratio("a", "b"); !ok || v != 1.2 {
		t.Fatalf("paired Ratio = %v, %v; want 1.2", v, ok)
	}
	if lo, hi, ok := paired.RoundRange("a", "b"); !ok || lo != 1.0 || hi != 2.0 {
		t.Fatalf("RoundRange = %v, %v, %v; want 1, 2", lo, hi, ok)
	}
	paired.Rows[1].Samples = paired.Rows[1].Samples[:2] // not the same rounds
	if _, _, ok := paired.RoundRange("a", "b"); ok {
		t.Fatal("RoundRange of rows measured in different rounds")
	}
	if v, ok := paired.Ratio("a", "b"); !ok || v != 100.0/90 {
		t.Fatalf("unpaired Ratio = %v, %v; want 100/90", v, ok)
	}
	want := map[string]string{
		"echo: >= 1.3x goroutines per server CPU-second":        "met",
		"echo: >= gnet per server CPU-second":                   "met",
		"HTTP hello: >= 1.3x goroutines per server CPU-second":  "not met",
		"HTTP hello: >= gnet per server CPU-second":             "n/a (rows failed)",
		"idle connection: <= 512 B per connection (server RSS)": "met",
	}
	for _, tl := range r.Targets {
		if w, ok := want[tl.Target]; ok && tl.Met != w {
			t.Errorf("%s: %s (%s), want %s", tl.Target, tl.Met, tl.Measured, w)
		}
		delete(want, tl.Target)
	}
	if len(want) > 0 {
		t.Errorf("targets missing: %v", want)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, s := range []string{"| asyncgo | 90,000 | 6.00 | 150,000 | 1.50x | 1.25x |", "failed: http check: status 500", "| 419 |", "go run ./cmd/benchall -quick"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("README.md lacks %q:\n%s", s, md)
		}
	}
	var back Run
	js, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	if err := json.Unmarshal(js, &back); err != nil || len(back.Sections) != 3 {
		t.Fatalf("results.json does not round-trip: %v", err)
	}
	f, _ := os.Open(filepath.Join(dir, "chart.svg"))
	defer f.Close()
	d := xml.NewDecoder(f)
	rects := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart.svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// background + 3 legend swatches + 3 echo bars + 2 http bars + 2 idle bars
	if rects != 11 {
		t.Fatalf("chart.svg has %d rects, want 11", rects)
	}
}

// TestInstructions checks the instruction-count table: lower is better,
// so the ratios read as asyncgo's count over the reference's, and Tokio
// is a reference column when it has a row.
func TestInstructions(t *testing.T) {
	s := &Section{ID: "instr-echo", Title: "echo", Label: "instr echo", Workload: "instructions", Kind: Instructions, Unit: "messages", Rows: []*Row{
		{Server: "asyncgo", Ops: 100000, Instructions: 180e6, InstrPerOp: 1800},
		{Server: "goroutines", Ops: 90000, Instructions: 270e6, InstrPerOp: 3000},
		{Server: "gnet", Ops: 80000, Instructions: 120e6, InstrPerOp: 1500},
		{Server: "tokio", Ops: 100000, Instructions: 100e6, InstrPerOp: 1000},
		{Server: "net/http", Err: "not built"},
	}}
	if v, ok := s.Ratio("asyncgo", "goroutines"); !ok || v != 0.6 {
		t.Fatalf("Ratio = %v, %v; want 0.6", v, ok)
	}
	md := Markdown(&Run{Sections: []*Section{s}})
	for _, want := range []string{
		"## User-space instructions per operation (callgrind)",
		"| server | messages | instructions | instructions per message | vs goroutines | vs gnet | vs tokio |",
		"| asyncgo | 100,000 | 180,000,000 | 1,800 | 0.60x | 1.20x | 1.80x |",
		"| net/http | failed: not built |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("README lacks %q:\n%s", want, md)
		}
	}
	if svg := SVG([]*Section{s}); strings.Contains(svg, "instr echo") {
		t.Error("the chart draws instruction counts; it has panels for throughput and idle memory only")
	}
}
