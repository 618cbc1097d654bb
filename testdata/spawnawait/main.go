//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Spawn and rt.Await in every expression position: operands, call
// arguments, conditions, composite literals, index expressions, returns;
// join handles stored in slices and maps and awaited out of order.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func work(n int) int {
	for i := 0; i < n; i++ {
		rt.Yield()
	}
	return n * n
}

//asyncgo:async
func run() (int, []int) {
	h1 := rt.Spawn(func() int { return work(3) })
	h2 := rt.Spawn(func() int { return work(1) })
	sum := rt.Await(h1) + rt.Await(h2)
	if rt.Await(rt.Spawn(func() int { return work(2) })) > 3 {
		sum += 1000
	}
	hs := map[string]*rt.JoinHandle[int]{}
	for i := 1; i <= 3; i++ {
		k := i
		hs[fmt.Sprint("h", i)] = rt.Spawn(func() int { return work(k) + 1 })
	}
	vals := []int{rt.Await(hs["h3"]), rt.Await(hs["h1"]), rt.Await(hs["h2"])}
	arr := [4]int{10, 20, 30, 40}
	sum += arr[rt.Await(rt.Spawn(func() int { return work(1) + 1 }))]
	fmt.Println("strings", fmt.Sprint(rt.Await(rt.Spawn(func() string { return fmt.Sprint(work(2)) }))))
	return sum + rt.Await(h1), vals
}

func main() {
	var s int
	var v []int
	rt.Run(func() {
		s, v = run()
	})
	fmt.Println(s, v)
}
