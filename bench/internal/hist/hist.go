// Package hist is a fixed-size log-linear latency histogram in the spirit of
// HdrHistogram: every power-of-two range of values is split into 32 equal
// sub-buckets, so any recorded value is known to within 1/32 (about 3%) of
// itself, with 1,920 counters covering the whole uint64 range. Recording is
// an index computation and an increment; histograms of several goroutines
// are merged at the end.
package hist

import (
	"math/bits"
	"time"
)

const (
	subBits = 5                           // log2 of the sub-buckets per power of two
	sub     = 1 << subBits                // 32 sub-buckets per power of two
	linear  = 2 * sub                     // values below this get a bucket each
	buckets = linear + (64-subBits-1)*sub // 1,920
)

// Histogram counts durations (in nanoseconds). The zero value is empty and
// ready to use. It is not safe for concurrent use: give each goroutine its
// own and Merge them.
type Histogram struct {
	counts [buckets]uint64
	n      uint64
	max    uint64
}

// index maps a value to its bucket.
func index(v uint64) int {
	if v < linear {
		return int(v)
	}
	e := bits.Len64(v) - subBits - 1 // >= 1
	m := v >> e                      // in [sub, 2*sub)
	return linear + (e-1)*sub + int(m-sub)
}

// bounds returns the smallest and largest value that map to bucket i.
func bounds(i int) (lo, hi uint64) {
	if i < linear {
		return uint64(i), uint64(i)
	}
	e := (i-linear)/sub + 1
	m := uint64((i-linear)%sub + sub)
	lo = m << e
	return lo, lo + (1 << e) - 1
}

// Record adds one observation.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	h.counts[index(v)]++
	h.n++
	h.max = max(h.max, v)
}

// Merge adds every observation of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count returns the number of observations.
func (h *Histogram) Count() uint64 { return h.n }

// Max returns the largest observation (exact, not bucketed).
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Quantile returns the value below or at which a fraction q (0 <= q <= 1)
// of the observations lie: the upper bound of the bucket holding the
// ceil(q*n)-th smallest observation, capped at the exact maximum. It
// returns 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999999)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bounds(i)
			return time.Duration(min(hi, h.max))
		}
	}
	return time.Duration(h.max)
}
