//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Package compbench measures the cost of asyncgen's output on
// compute-heavy code whose suspension points all complete at once, against
// the same code as plain Go functions (plain.go), in one run.
//
// Two shapes:
//   - Hash: async functions that provably never suspend. asyncgen
//     compiles calls between them as ordinary calls of their plain bodies.
//   - HashMaySuspend: the same chain, but the leaf contains a suspension
//     point (rt.Yield) on a branch the benchmark never takes, so every
//     function is a real state machine and every call a child future that
//     is created, polled once (completing) and dropped.
package compbench

import "github.com/asyncgo/asyncgo/rt"

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

// mixMaySuspend is mix with a suspension point on a branch that is never
// taken here: it is a real state machine.
//
//asyncgo:async
func mixMaySuspend(h, v uint64) uint64 {
	if v == yieldMarker {
		rt.Yield()
	}
	h ^= v
	h *= 0x100000001b3
	return h ^ (h >> 29)
}

// stepMaySuspend is step over mixMaySuspend.
//
//asyncgo:async
func stepMaySuspend(h uint64, i int) uint64 {
	h = mixMaySuspend(h, uint64(i))
	if i%3 == 0 {
		h = mixMaySuspend(h, uint64(i*i))
	}
	return h
}

// HashMaySuspend is Hash over state machines whose suspension points all
// complete at once.
//
//asyncgo:async
func HashMaySuspend(n int) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < n; i++ {
		h = stepMaySuspend(h, i)
	}
	return h
}
