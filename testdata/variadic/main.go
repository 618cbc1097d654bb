//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Variadic async functions: called with no extra arguments, with several
// (some suspending), and with a spread slice; the variadic slice is live
// across suspension points.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func sum(prefix string, xs ...int) string {
	t := 0
	for i := 0; i < len(xs); i++ {
		rt.Yield()
		t += xs[i]
	}
	return fmt.Sprint(prefix, len(xs), ":", t)
}

//asyncgo:async
func v(n int) int {
	rt.Yield()
	fmt.Println("  v", n)
	return n
}

//asyncgo:async
func run() {
	fmt.Println(sum("none"))
	fmt.Println(sum("some", 1, v(2), 3, v(4)))
	xs := []int{5, 6, 7}
	fmt.Println(sum("spread", xs...))
	fmt.Println(sum(fmt.Sprint("nested", v(0)), len(sum("x", v(1)))))
}

func main() { run() }
