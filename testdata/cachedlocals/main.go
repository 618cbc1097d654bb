//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Poll keeps number and bool fields in locals between suspension points
// (emit.go, cacheFields) and stores them back before it parks. Variables
// whose address is taken, explicitly or not (a pointer-method call on a
// value, slicing an array, a closure), and values a child future keeps a
// pointer to across Polls must stay in their fields.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type counter int

func (c *counter) inc() { *c++ }

type box struct{ n int }

//asyncgo:async
func (b *box) bump(k int) int {
	rt.Yield()
	b.n += k
	rt.Yield()
	return b.n
}

//asyncgo:async
func bumpInt(p *int, k int) {
	rt.Yield()
	*p += k
}

//asyncgo:async
func run() {
	var c counter
	x, y := 1, 2.5
	done := false
	arr := [4]int{1, 2, 3, 4}
	sl := arr[:]
	b := box{n: 10}
	n := 5
	get := func() int { return n }
	for i := 0; i < 3; i++ {
		c.inc()
		rt.Yield()
		x += i
		y *= 2
		sl[i] += 10
		rt.Yield()
		b.bump(i) // the child keeps &b across its suspension points
		bumpInt(&n, i)
		if i == 2 {
			done = true
		}
	}
	fmt.Println(c, x, y, done, arr, sl, b.n, n, get())
}

func main() {
	rt.Run(func() {
		run()
	})
}
