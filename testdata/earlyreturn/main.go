//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Returns from deep inside nested loops, ifs and switches, with
// suspension points on the returned expressions and before them; the
// code after the loops runs only when no return was taken.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func v(n int) int {
	rt.Yield()
	return n
}

//asyncgo:async
func find(grid [][]int, want int) (int, int, string) {
	for i := 0; i < len(grid); i++ {
		for j := 0; j < len(grid[i]); j++ {
			switch x := grid[i][j]; {
			case x == want:
				return v(i), v(j), "found"
			case x < 0:
				if v(x) < -5 {
					return -1, -1, "too negative"
				}
			}
		}
		rt.Yield()
	}
	return v(-1), -1, "missing"
}

func main() {
	g := [][]int{{1, 2}, {3, -2, 4}, {-9, 5}}
	fmt.Println(find(g, 4))
	fmt.Println(find(g, 5))
	fmt.Println(find(g[:2], 9))
}
