//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// for loops of each form with suspension points in the condition, the
// post statement and the body, with break and continue.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func next(i int) int {
	rt.Yield()
	return i + 1
}

//asyncgo:async
func less(i, n int) bool {
	rt.Yield()
	return i < n
}

//asyncgo:async
func threeClause(n int) (sum int) {
	for i := 0; less(i, n); i = next(i) {
		if i == 2 {
			continue
		}
		if i == 7 {
			break
		}
		sum += next(i) * 10
	}
	return sum
}

//asyncgo:async
func condOnly(n int) []int {
	var seen []int
	i := 0
	for less(i, n) {
		i = next(i)
		if i%3 == 0 {
			continue
		}
		seen = append(seen, i)
	}
	return seen
}

//asyncgo:async
func infinite() (int, int) {
	i, j := 0, 0
	for {
		i = next(i)
		if i > 5 {
			break
		}
		for k := 0; k < 3; k++ { // no suspension: carried over
			if k == 1 {
				continue
			}
			j += k
		}
		for j < 100 {
			j = next(j) * 2
			if j > 50 {
				break
			}
		}
	}
	return i, j
}

//asyncgo:async
func nestedLoops() []string {
	var out []string
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j = next(j) {
			if j == i {
				continue
			}
			if i+j == 3 {
				break
			}
			out = append(out, fmt.Sprint(i, j))
		}
		rt.Yield()
	}
	return out
}

func main() {
	fmt.Println(threeClause(5), threeClause(10))
	fmt.Println(condOnly(10))
	fmt.Println(infinite())
	fmt.Println(nestedLoops())
}
