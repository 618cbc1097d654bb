// Package rbench parses the --csv report of redis-benchmark.
package rbench

import (
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Row is one test of a redis-benchmark run.
type Row struct {
	Test     string        // "SET", "GET", ...
	RPS      float64       // requests per second
	P50, P99 time.Duration // latency percentiles
}

// Parse reads redis-benchmark --csv output: a header line naming the
// columns (redis-benchmark 6.2 and later) and one line per test. Lines that
// are not CSV records of the header's width (progress output, warnings) are
// skipped.
func Parse(out string) ([]Row, error) {
	var header []string
	var rows []Row
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, `"`) {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			continue
		}
		if header == nil {
			if rec[0] != "test" {
				return nil, fmt.Errorf("rbench: first CSV line is not a header: %q", line)
			}
			header = rec
			continue
		}
		if len(rec) != len(header) {
			continue
		}
		row := Row{Test: rec[0]}
		for i, col := range header {
			switch col {
			case "rps":
				row.RPS, err = strconv.ParseFloat(rec[i], 64)
			case "p50_latency_ms":
				row.P50, err = ms(rec[i])
			case "p99_latency_ms":
				row.P99, err = ms(rec[i])
			}
			if err != nil {
				return nil, fmt.Errorf("rbench: column %s of %q: %w", col, line, err)
			}
		}
		rows = append(rows, row)
	}
	if header == nil {
		return nil, fmt.Errorf("rbench: no CSV header in output:\n%s", out)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("rbench: no result rows in output:\n%s", out)
	}
	return rows, nil
}

// ms converts a millisecond figure to a duration.
func ms(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	return time.Duration(math.Round(f * 1e6)), err
}
