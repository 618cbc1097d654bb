//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Package compbench measures the cost of asyncgen's state machines on
// compute-heavy code whose suspension points all complete at once: the
// async functions here never wait, so every call is a child future that
// is created, polled once (completing) and dropped. plain.go holds the
// same code as ordinary functions; the benchmarks compare the two in one
// run.
package compbench

// mix is a small async function that does not wait: calling it is a
// suspension point that completes at once.
//
//asyncgo:async
func mix(h, v uint64) uint64 {
	h ^= v
	h *= 0x100000001b3
	return h ^ (h >> 29)
}

// step calls mix twice, so that the chain of futures is two deep.
//
//asyncgo:async
func step(h uint64, i int) uint64 {
	h = mix(h, uint64(i))
	if i%3 == 0 {
		h = mix(h, uint64(i*i))
	}
	return h
}

// Hash runs n rounds of step: the compute-heavy async function of the
// benchmark.
//
//asyncgo:async
func Hash(n int) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < n; i++ {
		h = step(h, i)
	}
	return h
}
