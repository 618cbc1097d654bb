//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Leaf async functions (no suspension point) that assign their
// parameters, which Poll keeps in locals; and bodies ending in terminating
// statements other than a plain panic (an if/else, a switch with default,
// a loop left only by return), after which nothing may be generated.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type acc struct{ n int }

//asyncgo:async
func mix(h, v uint64, tags ...string) uint64 {
	h ^= v
	h *= 0x100000001b3
	for _, t := range tags {
		h += uint64(len(t))
	}
	v++
	if v := h; v > 10 {
		h -= v / 2
	}
	return h ^ (h >> 29) ^ v
}

//asyncgo:async
func (a acc) add(k int) int {
	a.n += k
	k = 0
	return a.n + k
}

//asyncgo:async
func both(x int) int {
	rt.Yield()
	if x > 0 {
		return x
	} else {
		return -x
	}
}

//asyncgo:async
func sw(x int) string {
	rt.Yield()
	switch {
	case x < 0:
		return "neg"
	default:
		return "nonneg"
	}
}

//asyncgo:async
func spin(x int) int {
	rt.Yield()
	for {
		if x > 5 {
			return x
		}
		x++
	}
}

func main() {
	fmt.Println(mix(1, 2), mix(3, 4, "a", "bc"))
	fmt.Println(acc{3}.add(4))
	fmt.Println(both(3), both(-4), sw(-1), sw(2), spin(0), spin(9))
}
