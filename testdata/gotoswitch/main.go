//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// goto out of a switch and out of nested loops, forward to a label after
// them, with suspension points in the switch tag and the loops.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func v(n int) int {
	rt.Yield()
	return n
}

//asyncgo:async
func run(limit int) (steps int) {
	for i := 0; i < 5; i++ {
		for j := 0; j < 5; j++ {
			steps++
			switch v(i * j) {
			case limit:
				goto out
			case 1:
				continue
			}
			rt.Yield()
		}
	}
	steps = -steps
out:
	return steps
}

func main() {
	fmt.Println(run(6), run(100), run(0))
}
