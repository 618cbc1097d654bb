package transform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/progen"
)

// BenchmarkAsyncgen measures asyncgen's own speed: Load (go list and type
// checking) plus TranslateFile of every file of a generated package of
// about 10,000 lines with 500 async functions (target: under 2 s per op).
//
//	go test ./transform -run '^$' -bench Asyncgen -benchtime 5x
func BenchmarkAsyncgen(b *testing.B) {
	dir, err := os.MkdirTemp("testdata", "bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// 125 units of 4 async functions each (plus the 3 shared leaves).
	files := progen.GeneratePackage(progen.Config{Seed: 7, Units: 125, Funcs: 4, Stmts: 6,
		Features: progen.If | progen.For | progen.Closures | progen.AndOr | progen.Multi | progen.Composite | progen.Switch | progen.Range}, 10)
	lines, funcs := 0, 0
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Src, 0o666); err != nil {
			b.Fatal(err)
		}
		lines += bytes.Count(f.Src, []byte("\n"))
		funcs += bytes.Count(f.Src, []byte("//asyncgo:async\n"))
	}
	var load, translate time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		pkgs, err := Load(dir, ".")
		if err != nil || len(pkgs) != 1 {
			b.Fatalf("load: %v", err)
		}
		t1 := time.Now()
		for _, f := range pkgs[0].Syntax {
			if _, _, diags := TranslateFile(pkgs[0], f, Options{}); diags.HasErrors() {
				b.Fatal(diags)
			}
		}
		load += t1.Sub(t0)
		translate += time.Since(t1)
	}
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s/op")
	b.ReportMetric(translate.Seconds()/float64(b.N), "translate-s/op")
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(funcs), "asyncfuncs")
}
