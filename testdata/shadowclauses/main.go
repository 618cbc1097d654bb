//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Shadowing inside switch clauses, range bodies and if-else chains, with
// suspension points between the declarations and the uses of inner and
// outer variables of the same name.
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
func run(x int) []int {
	var out []int
	switch x := v(x * 2); {
	case x > 4:
		x := x + 100
		rt.Yield()
		out = append(out, x)
	default:
		out = append(out, x)
	}
	out = append(out, x)
	for _, x := range []int{7, 8} {
		x := x * v(2)
		out = append(out, x)
	}
	if x := v(-1); x < 0 {
		x := -x
		rt.Yield()
		out = append(out, x)
	} else if y := x + 1; y > 0 {
		out = append(out, y)
	}
	return append(out, x)
}

func main() {
	fmt.Println(run(1), run(5))
}
