package hist

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestIndexBoundsRoundTrip(t *testing.T) {
	prevHi := uint64(0)
	for i := 0; i < buckets; i++ {
		lo, hi := bounds(i)
		if i > 0 && lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ended at %d: gap or overlap", i, lo, prevHi)
		}
		if index(lo) != i || index(hi) != i {
			t.Fatalf("bucket %d [%d,%d]: index(lo)=%d index(hi)=%d", i, lo, hi, index(lo), index(hi))
		}
		if lo >= linear && float64(hi-lo+1)/float64(lo) > 1.0/sub+1e-12 {
			t.Fatalf("bucket %d [%d,%d] wider than 1/%d of its start", i, lo, hi, sub)
		}
		prevHi = hi
	}
	if prevHi != ^uint64(0) {
		t.Fatalf("last bucket ends at %d, want max uint64", prevHi)
	}
}

func TestQuantileAgainstSortedSample(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var sample []time.Duration
	for range 100000 {
		// Log-uniform between 1µs and 100ms, like real latencies.
		d := time.Duration(1000 * float64(uint64(1)<<r.UintN(17)) * (1 + r.Float64()))
		h.Record(d)
		sample = append(sample, d)
	}
	slices.Sort(sample)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		exact := sample[int(q*float64(len(sample)-1)+0.5)]
		got := h.Quantile(q)
		if rel := float64(got-exact) / float64(exact); rel < -1.0/sub || rel > 1.0/sub {
			t.Errorf("q=%v: histogram %v, exact %v (relative error %.4f > 1/%d)", q, got, exact, rel, sub)
		}
	}
	if h.Max() != sample[len(sample)-1] {
		t.Errorf("Max = %v, want %v", h.Max(), sample[len(sample)-1])
	}
}

func TestMergeAndSmallValues(t *testing.T) {
	var a, b Histogram
	for i := range 10 {
		a.Record(time.Duration(i)) // 0..9, exact buckets
	}
	b.Record(-5) // clamped to 0
	a.Merge(&b)
	if a.Count() != 11 {
		t.Fatalf("Count = %d, want 11", a.Count())
	}
	if got := a.Quantile(0.5); got != 4 {
		t.Fatalf("median of {0,0,1..9} = %v, want 4ns", got)
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 {
		t.Fatal("empty histogram: want 0")
	}
}
