//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Per-iteration loop variables captured in the loop's header: closures
// in the condition and in the post statement see the variable of the
// iteration they run in (the post statement runs on the next iteration's
// copy); pointers taken in the condition; a suspending post statement.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func step(i int) int {
	rt.Yield()
	return i + 1
}

//asyncgo:async
func run() {
	var conds []func() int
	for i := 0; func() bool { conds = append(conds, func() int { return i }); return i < 3 }(); i++ {
		rt.Yield()
	}
	for _, f := range conds {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	var posts []func() int
	for i := 0; i < 3; i, posts = i+1, append(posts, func() int { return i }) {
		rt.Yield()
		i += 10
		i -= 10
	}
	for _, f := range posts {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	var ps []*int
	for i := 0; len(append(ps, &i)) < 4 && i < 10; i = step(i) {
		ps = append(ps, &i)
	}
	for _, p := range ps {
		fmt.Print(*p, " ")
	}
	fmt.Println(len(ps))

	var fs []func() int
	for i := 0; i < 3; i = step(i) {
		fs = append(fs, func() int { i *= 2; return i })
	}
	for _, f := range fs {
		fmt.Print(f(), f(), " ")
	}
	fmt.Println()
}

func main() { run() }
