//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points in range expressions (evaluated once, before the
// loop), in conditions inside range bodies with continue and break, and in
// the loop variables' uses after a suspension.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func list(n int) []int {
	rt.Yield()
	fmt.Println("  list", n)
	out := make([]int, n)
	for i := range out {
		out[i] = i * i
	}
	return out
}

//asyncgo:async
func str(s string) string {
	rt.Yield()
	fmt.Println("  str", s)
	return s
}

//asyncgo:async
func num(n int) int {
	rt.Yield()
	fmt.Println("  num", n)
	return n
}

//asyncgo:async
func run() int {
	t := 0
	for i, v := range list(num(5)) {
		if num(v)%2 == 1 {
			continue
		}
		if v > 10 {
			break
		}
		t += i * v
	}
	for _, r := range str("héy") + str("!") {
		t += int(r)
		rt.Yield()
	}
	for i := range num(3) {
		t += i
	}
	return t
}

func main() { fmt.Println(run()) }
