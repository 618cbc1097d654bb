package compbench

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/transform"
)

const rounds = 10000

var sink uint64

// TestSameResult checks that the async and the plain code compute the same.
func TestSameResult(t *testing.T) {
	for _, n := range []int{0, 1, 7, rounds} {
		if a, p, q := Hash(n), HashPlain(n), HashNoInline(n); a != p || p != q {
			t.Errorf("Hash(%d) = %x, HashPlain = %x, HashNoInline = %x", n, a, p, q)
		}
		if a, p := HashMaySuspend(n), HashMayYield(n); a != p || p != HashPlain(n) {
			t.Errorf("HashMaySuspend(%d) = %x, HashMayYield = %x", n, a, p)
		}
	}
}

// TestGenerated checks that compbench_async.go is what asyncgen writes
// today (regenerate with: go generate ./internal/compbench).
func TestGenerated(t *testing.T) {
	pkgs, err := transform.Load(".", ".")
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("load: %v", err)
	}
	for _, f := range pkgs[0].Syntax {
		name := pkgs[0].Fset.File(f.Pos()).Name()
		if !bytes.HasSuffix([]byte(name), []byte("compbench.go")) {
			continue
		}
		src, _, diags := transform.TranslateFile(pkgs[0], f, transform.Options{})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		old, err := os.ReadFile("compbench_async.go")
		if err != nil || !bytes.Equal(old, src) {
			t.Errorf("compbench_async.go is stale (go generate ./internal/compbench)")
		}
	}
}

// BenchmarkHash runs the async Hash through its blocking bridge.
func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		sink = Hash(rounds)
	}
}

// BenchmarkHashInTask runs the async Hash as a task's code.
func BenchmarkHashInTask(b *testing.B) {
	rt.Run(func() {
		for b.Loop() {
			sink = Hash(rounds)
		}
	}, rt.SingleThreaded())
}

// BenchmarkHashPlain runs the plain Go version.
func BenchmarkHashPlain(b *testing.B) {
	for b.Loop() {
		sink = HashPlain(rounds)
	}
}

// BenchmarkHashNoInline runs the plain Go version without inlining.
func BenchmarkHashNoInline(b *testing.B) {
	for b.Loop() {
		sink = HashNoInline(rounds)
	}
}

// BenchmarkRatio times the async and the plain versions alternately in the
// same run and reports their ratios: async/plain (target <= 1.2) and
// async/noinline.
func BenchmarkRatio(b *testing.B) {
	var ta, tp, tn time.Duration
	for b.Loop() {
		t0 := time.Now()
		sink = Hash(rounds)
		t1 := time.Now()
		sink = HashPlain(rounds)
		t2 := time.Now()
		sink = HashNoInline(rounds)
		t3 := time.Now()
		ta += t1.Sub(t0)
		tp += t2.Sub(t1)
		tn += t3.Sub(t2)
	}
	b.ReportMetric(float64(ta)/float64(tp), "async/plain")
	b.ReportMetric(float64(ta)/float64(tn), "async/noinline")
}

// BenchmarkRatioMaySuspend is BenchmarkRatio for the state-machine shape:
// async/plain of HashMaySuspend against HashMayYield.
func BenchmarkRatioMaySuspend(b *testing.B) {
	var ta, tp time.Duration
	for b.Loop() {
		t0 := time.Now()
		sink = HashMaySuspend(rounds)
		t1 := time.Now()
		sink = HashMayYield(rounds)
		t2 := time.Now()
		ta += t1.Sub(t0)
		tp += t2.Sub(t1)
	}
	b.ReportMetric(float64(ta)/float64(tp), "async/plain")
}

// BenchmarkHashMaySuspend runs HashMaySuspend through its blocking bridge.
func BenchmarkHashMaySuspend(b *testing.B) {
	for b.Loop() {
		sink = HashMaySuspend(rounds)
	}
}

// BenchmarkHashMayYield runs the plain twin of HashMaySuspend.
func BenchmarkHashMayYield(b *testing.B) {
	for b.Loop() {
		sink = HashMayYield(rounds)
	}
}
