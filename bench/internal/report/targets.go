package report

import (
	"fmt"
	"strings"
)

// Targets evaluates asyncgo's stated goals against the sections of a run:
//
//   - echo and HTTP: >= 1.3x goroutines and >= 1.0x gnet per server CPU-second;
//   - idle connections: <= 512 bytes per connection;
//   - kv: >= 1.3x the goroutine server per server CPU-second (redis reported).
//
// A goal covering several sections is met only if every one of them meets
// it; sections whose rows failed make it "n/a".
func Targets(sections []*Section) []TargetLine {
	of := func(workload string) []*Section {
		var out []*Section
		for _, s := range sections {
			if s.Workload == workload {
				out = append(out, s)
			}
		}
		return out
	}
	var t []TargetLine
	ratioGoal := func(what string, ss []*Section, ref string, min float64, judge bool) {
		if len(ss) == 0 {
			return
		}
		var parts []string
		met, known := true, true
		for _, s := range ss {
			v, ok := s.Ratio("asyncgo", ref)
			if !ok {
				parts = append(parts, s.Label+": –")
				known = false
				continue
			}
			part := fmt.Sprintf("%s: %s", s.Label, ratio(v))
			if lo, hi, ok := s.RoundRange("asyncgo", ref); ok {
				part += fmt.Sprintf(" (rounds %s–%s)", ratio(lo), ratio(hi))
			}
			parts = append(parts, part)
			if v < min {
				met = false
			}
		}
		t = append(t, TargetLine{Target: what, Measured: strings.Join(parts, ", "), Met: verdict(met, known, judge)})
	}
	ratioGoal("echo: >= 1.3x goroutines per server CPU-second", of("echo"), "goroutines", 1.3, true)
	ratioGoal("echo: >= gnet per server CPU-second", of("echo"), "gnet", 1.0, true)
	ratioGoal("HTTP hello: >= 1.3x goroutines per server CPU-second", of("http"), "goroutines", 1.3, true)
	ratioGoal("HTTP hello: >= gnet per server CPU-second", of("http"), "gnet", 1.0, true)
	if idle := of("idle"); len(idle) > 0 {
		var parts []string
		met, known := true, true
		for _, s := range idle {
			v, ok := s.Value(s.Row("asyncgo"))
			if !ok {
				parts = append(parts, s.Label+": –")
				known = false
				continue
			}
			parts = append(parts, fmt.Sprintf("%s: %s B", s.Label, thousands(v)))
			if v > 512 {
				met = false
			}
		}
		t = append(t, TargetLine{Target: "idle connection: <= 512 B per connection (server RSS)", Measured: strings.Join(parts, ", "), Met: verdict(met, known, true)})
	}
	ratioGoal("kv: >= 1.3x goroutine server per server CPU-second", of("kv"), "goroutines", 1.3, true)
	ratioGoal("kv: ratio to redis-server per server CPU-second (reported, no goal)", of("kv"), "redis", 0, false)
	return t
}

// verdict turns the outcome of a goal into the table's last column.
func verdict(met, known, judge bool) string {
	switch {
	case !judge:
		return "reported"
	case !met:
		return "not met"
	case !known:
		return "n/a (rows failed)"
	default:
		return "met"
	}
}
