//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// goto forward (skipping statements) and backward (a loop built from a
// label), with suspension points before, after and between label and goto.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func step(s string, n int) int {
	rt.Yield()
	fmt.Println("  step", s, n)
	return n
}

//asyncgo:async
func run(n int) int {
	i := 0
again:
	i = step("loop", i+1)
	if i < n {
		goto again
	}
	if step("check", i) > 3 {
		goto skip
	}
	i *= 100
	rt.Yield()
skip:
	i += step("after", 1)
	if i%2 == 0 {
		goto done
	}
	i = -i
done:
	return i
}

func main() {
	fmt.Println(run(2))
	fmt.Println(run(5))
}
