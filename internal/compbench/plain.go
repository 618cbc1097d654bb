package compbench

// The same code as compbench.go, as ordinary functions.

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
