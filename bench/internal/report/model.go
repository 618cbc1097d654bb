// Package report holds the results of a benchmark run and renders them:
// results.json (the data), README.md (tables, targets, method) and
// chart.svg (grouped bars, drawn by hand without plotting libraries).
package report

import (
	"slices"
	"time"
)

// Run is one complete invocation of the harness.
type Run struct {
	Date     time.Time    `json:"date"`
	Mode     string       `json:"mode"` // "full" or "quick"
	Command  string       `json:"command"`
	Elapsed  float64      `json:"elapsed_seconds"`
	Machine  Machine      `json:"machine"`
	Sections []*Section   `json:"sections"`
	Targets  []TargetLine `json:"targets"`
	Notes    []string     `json:"notes"` // method notes, one paragraph each (markdown)
}

// Machine describes where the run happened.
type Machine struct {
	CPU      string   `json:"cpu"`
	Cores    int      `json:"cores"`
	MemoryGB float64  `json:"memory_gb"`
	Kernel   string   `json:"kernel"`
	Go       string   `json:"go"`
	Tools    []string `json:"tools"`       // versions of wrk, redis-benchmark, redis-server
	NoFile   uint64   `json:"nofile_hard"` // RLIMIT_NOFILE hard limit seen by the harness
}

// Kind says which columns a section's rows fill.
type Kind string

// Section kinds.
const (
	Throughput Kind = "throughput" // Ops, CPUSeconds, OpsPerCPU, latencies
	PerConn    Kind = "per_conn"   // Count, RSS before/after, BytesPer (per connection)
	PerKey     Kind = "per_key"    // Count, RSS before/after, BytesPer (per key)
	// Instructions: Ops, Instructions, InstrPerOp (user-space instructions
	// per operation, under callgrind).
	Instructions Kind = "instructions"
)

// Section is one table: one workload at one setting (echo at 50
// connections, kv GET with -P 16, idle at 10,000 connections...), one row
// per server.
type Section struct {
	ID       string `json:"id"`       // short stable name, e.g. "echo-c50"
	Title    string `json:"title"`    // table heading
	Label    string `json:"label"`    // short name for the chart, e.g. "echo c50"
	Workload string `json:"workload"` // "echo", "http", "idle", "kv", "kv-memory"
	Kind     Kind   `json:"kind"`
	Unit     string `json:"unit"`  // what one op is: "messages", "requests"
	Setup    string `json:"setup"` // how the load was generated, one line
	Rows     []*Row `json:"rows"`
}

// Row is one server's result in a section. Err is set (and the figures
// zero) when the row was aborted or skipped.
type Row struct {
	Server string `json:"server"` // "asyncgo", "goroutines", "gnet", "tokio", "floor", "net/http", "redis"
	Err    string `json:"error,omitempty"`

	// Throughput rows.
	Ops         float64 `json:"ops,omitempty"` // operations completed in the window
	WallSeconds float64 `json:"wall_seconds,omitempty"`
	OpsPerSec   float64 `json:"ops_per_sec,omitempty"`
	CPUSeconds  float64 `json:"server_cpu_seconds,omitempty"`
	OpsPerCPU   float64 `json:"ops_per_server_cpu_second,omitempty"`
	P50us       float64 `json:"p50_us,omitempty"`
	P99us       float64 `json:"p99_us,omitempty"`
	// Samples are OpsPerCPU of every round when a row was measured more
	// than once; the row's figures are those of the median round.
	Samples []float64 `json:"samples,omitempty"`

	// Memory rows.
	Count     int64   `json:"count,omitempty"` // connections or keys
	RSSBefore int64   `json:"rss_before,omitempty"`
	RSSAfter  int64   `json:"rss_after,omitempty"`
	BytesPer  float64 `json:"bytes_per,omitempty"`

	// Instruction rows.
	Instructions float64 `json:"instructions,omitempty"`
	InstrPerOp   float64 `json:"instructions_per_op,omitempty"`
}

// TargetLine is one goal stated for asyncgo and whether the run met it.
type TargetLine struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Met      string `json:"met"` // "met", "not met", "n/a"
}

// Row returns the row of server in s, or nil.
func (s *Section) Row(server string) *Row {
	for _, r := range s.Rows {
		if r.Server == server {
			return r
		}
	}
	return nil
}

// Value is the section's headline figure for r: operations per server
// CPU-second for throughput, bytes per connection or key for memory,
// instructions per operation for instruction counts. ok is false for
// failed rows.
func (s *Section) Value(r *Row) (v float64, ok bool) {
	if r == nil || r.Err != "" {
		return 0, false
	}
	switch s.Kind {
	case Throughput:
		return r.OpsPerCPU, r.OpsPerCPU > 0
	case Instructions:
		return r.InstrPerOp, r.InstrPerOp > 0
	}
	return r.BytesPer, r.Count > 0
}

// Ratio is a's headline figure divided by b's: above 1 is better for
// throughput (more operations per CPU-second), below 1 is better for
// memory (fewer bytes) and instructions. ok is false if either row is missing or failed.
//
// For throughput rows measured in the same rounds (Samples of equal
// length, one per round, in round order), it is the median of the
// per-round ratios rather than the ratio of the two medians: the machine's
// speed drifts over a run, and two servers measured seconds apart in the
// same round share most of the drift that separates rounds.
func (s *Section) Ratio(a, b string) (float64, bool) {
	ra, rb := s.Row(a), s.Row(b)
	va, oka := s.Value(ra)
	vb, okb := s.Value(rb)
	if !oka || !okb || vb == 0 {
		return 0, false
	}
	if rs, ok := s.roundRatios(ra, rb); ok {
		slices.Sort(rs)
		return rs[(len(rs)-1)/2], true // the lower middle one for an even count
	}
	return va / vb, true
}

// RoundRange returns the lowest and highest per-round ratio of a to b, for
// throughput rows measured in the same rounds (see Ratio); ok is false
// when they were not, or measured once.
func (s *Section) RoundRange(a, b string) (lo, hi float64, ok bool) {
	rs, ok := s.roundRatios(s.Row(a), s.Row(b))
	if !ok {
		return 0, 0, false
	}
	return slices.Min(rs), slices.Max(rs), true
}

// roundRatios returns ra's per-round figures divided by rb's, when both
// are throughput rows measured in the same rounds (Samples of equal
// length, at least two, in round order); ok is false otherwise.
func (s *Section) roundRatios(ra, rb *Row) ([]float64, bool) {
	if s.Kind != Throughput || ra == nil || rb == nil || ra.Err != "" || rb.Err != "" ||
		len(ra.Samples) < 2 || len(ra.Samples) != len(rb.Samples) {
		return nil, false
	}
	rs := make([]float64, len(ra.Samples))
	for i, v := range ra.Samples {
		if rb.Samples[i] <= 0 {
			return nil, false
		}
		rs[i] = v / rb.Samples[i]
	}
	return rs, true
}
