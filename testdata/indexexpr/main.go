//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points in index and slice expressions: the index, the
// indexed operand, slice bounds, map keys, on both sides of assignments.
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
	return xs
}

//asyncgo:async
func run() {
	xs := []int{10, 20, 30, 40, 50}
	m := map[string]int{"a": 1}
	fmt.Println(xs[i(1)], slice(xs)[i(2)])
	xs[i(0)] = xs[i(4)] + i(7)
	m[key("b")] = m[key("a")] + 1
	m[key("a")] += i(5)
	fmt.Println(xs, m["a"], m["b"])
	fmt.Println(xs[i(1):i(3)], slice(xs)[:i(2)], xs[i(3):])
	fmt.Println(xs[1:3:i(4)], len(xs[:i(2):i(5)]), cap(xs[:i(2):i(5)]))
	s := "hello"
	fmt.Println(s[i(1)], s[i(1):i(4)])
	grid := [][]int{{1, 2}, {3, 4}}
	grid[i(1)][i(0)] = grid[i(0)][i(1)] * 100
	fmt.Println(grid)
	if v, ok := m[key("zz")]; !ok {
		fmt.Println("  missing", v)
	}
	arr := [3]int{1, 2, 3}
	arr[i(2)]++
	fmt.Println(arr)
}

func main() { run() }
