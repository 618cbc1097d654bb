//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspending right-hand sides assigned to every kind of target without
// calls on the left: struct fields, pointer dereferences, array and slice
// elements with plain indices, map entries, op-assignments, increments,
// parallel assignment of a suspending value and a plain one.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type pt struct{ x, y int }

//asyncgo:async
func v(n int) int {
	rt.Yield()
	return n
}

//asyncgo:async
func run() {
	var p pt
	p.x = v(1)
	pp := &p
	pp.y = v(2) + pp.x
	q := new(int)
	*q = v(3)
	arr := [3]int{}
	i := 1
	arr[i] = v(4)
	arr[i+1] += v(5)
	s := make([]int, 2)
	s[0], s[1] = v(6), s[0]+1
	m := map[string]pt{}
	m["a"] = pt{v(7), v(8)}
	mp := map[string]int{}
	mp["k"] += v(9)
	mp["k"]++
	a, b := 10, 20
	a, b = b, v(a)
	p.x, *q = v(p.y), p.x
	fmt.Println(p, *q, arr, s, m, mp, a, b)
}

func main() { run() }
