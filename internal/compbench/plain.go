package compbench

// The same code as compbench.go, as ordinary functions.

import "runtime"

// yieldMarker is a value v never takes in the benchmarks: the branch of
// mixMaySuspend that suspends is never taken.
const yieldMarker = ^uint64(0)

func mixPlain(h, v uint64) uint64 {
	h ^= v
	h *= 0x100000001b3
	return h ^ (h >> 29)
}

func stepPlain(h uint64, i int) uint64 {
	h = mixPlain(h, uint64(i))
	if i%3 == 0 {
		h = mixPlain(h, uint64(i*i))
	}
	return h
}

// HashPlain is Hash as a plain Go function (the compiler may inline its
// callees).
func HashPlain(n int) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < n; i++ {
		h = stepPlain(h, i)
	}
	return h
}

//go:noinline
func mixNoInline(h, v uint64) uint64 {
	h ^= v
	h *= 0x100000001b3
	return h ^ (h >> 29)
}

//go:noinline
func stepNoInline(h uint64, i int) uint64 {
	h = mixNoInline(h, uint64(i))
	if i%3 == 0 {
		h = mixNoInline(h, uint64(i*i))
	}
	return h
}

// HashNoInline is HashPlain with inlining of its callees disabled: every
// call is a real call, as every async call is a real Poll.
func HashNoInline(n int) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < n; i++ {
		h = stepNoInline(h, i)
	}
	return h
}

// mixMayYield is mixMaySuspend as a plain function: the untaken branch
// yields the thread instead.
func mixMayYield(h, v uint64) uint64 {
	if v == yieldMarker {
		runtime.Gosched()
	}
	h ^= v
	h *= 0x100000001b3
	return h ^ (h >> 29)
}

func stepMayYield(h uint64, i int) uint64 {
	h = mixMayYield(h, uint64(i))
	if i%3 == 0 {
		h = mixMayYield(h, uint64(i*i))
	}
	return h
}

// HashMayYield is HashMaySuspend as a plain Go function.
func HashMayYield(n int) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < n; i++ {
		h = stepMayYield(h, i)
	}
	return h
}
