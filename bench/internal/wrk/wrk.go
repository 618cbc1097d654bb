// Package wrk runs nothing: it parses the text report that the wrk HTTP
// benchmarking tool prints (with --latency), so the harness can turn it into
// numbers and refuse runs that saw errors.
package wrk

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Result is what one wrk run reports.
type Result struct {
	Requests     int64         // completed requests
	Duration     time.Duration // the run's duration as wrk measured it
	RPS          float64       // Requests/sec line
	P50, P99     time.Duration // from the Latency Distribution block (zero if absent)
	SocketErrors int64         // connect+read+write+timeout errors
	Non2xx       int64         // "Non-2xx or 3xx responses"
}

var (
	reTotal  = regexp.MustCompile(`(?m)^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m)\b`)
	reRPS    = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	rePct    = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	reSock   = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	reNon2xx = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses: (\d+)`)
)

// parseDur converts a wrk number and unit ("1.23", "ms") to a duration.
func parseDur(num, unit string) (time.Duration, error) {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, err
	}
	scale := map[string]float64{"us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9}[unit]
	return time.Duration(math.Round(f * scale)), nil
}

// Parse reads wrk's report. It fails if the totals or the Requests/sec line
// are missing; error counts default to zero when wrk omits their lines (it
// prints them only when non-zero).
func Parse(out string) (Result, error) {
	var r Result
	m := reTotal.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no \"N requests in T\" line in output:\n%s", out)
	}
	r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	d, err := parseDur(m[2], m[3])
	if err != nil {
		return r, fmt.Errorf("wrk: duration: %w", err)
	}
	r.Duration = d
	m = reRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no Requests/sec line in output:\n%s", out)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range rePct.FindAllStringSubmatch(out, -1) {
		d, err := parseDur(m[2], m[3])
		if err != nil {
			return r, fmt.Errorf("wrk: latency %s%%: %w", m[1], err)
		}
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if m := reSock.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.SocketErrors += n
		}
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return r, nil
}

// Check returns an error describing why a run cannot be trusted: any
// non-2xx response, any socket error, or no request at all.
func (r Result) Check() error {
	var bad []string
	if r.Requests == 0 {
		bad = append(bad, "no request completed")
	}
	if r.Non2xx > 0 {
		bad = append(bad, fmt.Sprintf("%d non-2xx/3xx responses", r.Non2xx))
	}
	if r.SocketErrors > 0 {
		bad = append(bad, fmt.Sprintf("%d socket errors", r.SocketErrors))
	}
	if bad != nil {
		return fmt.Errorf("wrk: %s", strings.Join(bad, ", "))
	}
	return nil
}
