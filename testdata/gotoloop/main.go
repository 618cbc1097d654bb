//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A loop written with a backward goto, containing a forward goto over
// statements, closures capturing a variable declared before the label,
// and suspension points on both sides of the label.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run(n int) (out []int) {
	i := 0
	add := func(v int) { out = append(out, v) }
top:
	rt.Yield()
	if i%3 == 0 {
		goto skip
	}
	add(i)
	rt.Yield()
skip:
	i++
	if i < n {
		goto top
	}
	add(-1)
	return
}

func main() {
	fmt.Println(run(8))
}
