//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points inside composite literals: struct fields, slice and
// array elements, map keys and values, nested literals and pointers to
// literals, evaluated left to right.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
)

type point struct {
	X, Y int
	Tag  string
}

type box struct {
	P    *point
	Vals []int
}

//asyncgo:async
func v(n int) int {
	rt.Yield()
	fmt.Println("  v", n)
	return n
}

//asyncgo:async
func s(t string) string {
	rt.Yield()
	fmt.Println("  s", t)
	return t
}

//asyncgo:async
func build() (point, []int, [3]string, map[string]int, box) {
	pt := point{X: v(1), Tag: s("t"), Y: v(2)}
	sl := []int{v(3), 4, v(5)}
	arr := [3]string{2: s("c"), 0: s("a")}
	m := map[string]int{s("k1"): v(6), "k2": 7, s("k3"): v(8)}
	bx := box{P: &point{v(9), v(10), "in"}, Vals: []int{v(11)}}
	return pt, sl, arr, m, bx
}

func main() {
	pt, sl, arr, m, bx := build()
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(pt, sl, arr, keys, m["k1"], m["k2"], m["k3"], *bx.P, bx.Vals)
}
