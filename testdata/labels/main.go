//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Labeled break and continue across nested loops that suspend, from inside
// ifs and switches; a labeled block left with break.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func at(i, j int) int {
	rt.Yield()
	return i*10 + j
}

//asyncgo:async
func run() []int {
	var out []int
outer:
	for i := 0; i < 5; i++ {
	inner:
		for j := 0; j < 5; j++ {
			v := at(i, j)
			switch {
			case v == 12:
				continue outer
			case v == 31:
				break inner
			case v == 43:
				break outer
			}
			if j > i {
				rt.Yield()
				continue outer
			}
			out = append(out, v)
		}
		out = append(out, -i)
	}
	return out
}

//asyncgo:async
func search(grid [][]int, want int) (int, int) {
	ri, rj := -1, -1
found:
	for i := 0; i < len(grid); i++ {
		for j := 0; j < len(grid[i]); j++ {
			if at(0, grid[i][j]) == want {
				ri, rj = i, j
				break found
			}
		}
	}
	return ri, rj
}

func main() {
	fmt.Println(run())
	fmt.Println(search([][]int{{1, 2}, {3, 4, 5}, {6}}, 5))
	fmt.Println(search([][]int{{1}}, 9))
}
