//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points in index and slice expressions read on the right:
// the index, the indexed operand, slice bounds (two and three index),
// string indexing, map lookups with comma-ok, nested indexing.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func i(n int) int {
	rt.Yield()
	fmt.Println("  idx", n)
	return n
}

//asyncgo:async
func key(k string) string {
	rt.Yield()
	fmt.Println("  key", k)
	return k
}

//asyncgo:async
func slice(xs []int) []int {
	rt.Yield()
	xs[0]++
	return xs
}

//asyncgo:async
func run() {
	xs := []int{10, 20, 30, 40, 50}
	m := map[string]int{"a": 1}
	fmt.Println(xs[i(1)], slice(xs)[i(2)], xs[0])
	y := xs[i(4)] + i(7)*xs[i(0)]
	z := m[key("a")] + m[key("b")]
	fmt.Println(y, z)
	fmt.Println(xs[i(1):i(3)], slice(xs)[:i(2)], xs[i(3):])
	fmt.Println(xs[1:3:i(4)], len(xs[:i(2):i(5)]), cap(xs[:i(2):i(5)]))
	s := "hello"
	fmt.Println(s[i(1)], s[i(1):i(4)])
	grid := [][]int{{1, 2}, {3, 4}}
	fmt.Println(grid[i(1)][i(0)] * grid[i(0)][i(1)])
	v, ok := m[key("zz")]
	fmt.Println("  missing", v, ok)
	if v, ok := m[key("a")]; ok {
		fmt.Println("  found", v)
	}
	arr := [3]int{1, 2, 3}
	k := i(2)
	arr[k] += i(40)
	xs[k] = arr[i(0)] + 1
	fmt.Println(arr, xs)
}

func main() { run() }
