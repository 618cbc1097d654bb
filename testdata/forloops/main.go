//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// for loops with suspension points in the init, condition, post and body,
// and in the condition of a loop nested three deep; break and continue
// from inside nested ifs; loop variables updated across suspensions.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func n(tag string, v int) int {
	rt.Yield()
	fmt.Print(tag, " ")
	return v
}

//asyncgo:async
func lt(a, b int) bool {
	rt.Yield()
	return a < b
}

//asyncgo:async
func run() int {
	total := 0
	for i := n("init", 0); lt(i, 3); i += n("post", 1) {
		for j := 0; j < 3; j++ {
			for k := n("k0", 0); k < i+j; k = n("kp", k+1) {
				if k == 2 {
					if lt(j, 2) {
						continue
					}
					break
				}
				total += k
			}
			if j == i {
				rt.Yield()
				continue
			}
			total += 100
		}
		fmt.Println("| i", i, "total", total)
	}
	x := 0
	for lt(x, 5) {
		x = n("x", x+2)
	}
	fmt.Println("| x", x)
	for {
		if x = n("dec", x-1); x < 2 {
			break
		}
	}
	return total + x
}

func main() {
	fmt.Println(run())
}
