//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over slices and arrays with suspension points in the body and in
// the range expression: the expression is evaluated once, an array is
// copied once (writes during the loop are not seen), a slice is not (writes
// are seen, appends are not); key-only, value-only and blank forms;
// assignment (=) form to existing variables.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func src(xs []int) []int {
	rt.Yield()
	fmt.Println("  range expression evaluated")
	return xs
}

//asyncgo:async
func run() {
	xs := []int{1, 2, 3}
	for i, x := range src(xs) {
		rt.Yield()
		if i == 0 {
			xs[2] = 30
			xs = append(xs, 4)
		}
		fmt.Println("slice", i, x)
	}
	arr := [3]int{1, 2, 3}
	for i, x := range arr {
		rt.Yield()
		arr[2] = 300
		fmt.Println("array", i, x)
	}
	pa := &arr
	for i := range pa {
		rt.Yield()
		pa[i]++
	}
	fmt.Println(arr)
	var k, v int
	for k, v = range []int{7, 8} {
		rt.Yield()
	}
	fmt.Println("after", k, v)
	n := 0
	for range src([]int{1, 1, 1}) {
		n++
		rt.Yield()
	}
	for _, x := range [][]int{{1}, {2, 3}} {
		for _, y := range x {
			n += y
			rt.Yield()
		}
	}
	fmt.Println(n)
}

func main() { run() }
