//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Address-taken locals and pointer-method calls on value locals across
// suspension points: the pointer keeps pointing at the live variable,
// and variables of a loop body are new each iteration.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type counter struct {
	n    int
	hist []int
}

func (c *counter) inc(d int) { c.n += d; c.hist = append(c.hist, c.n) }

//asyncgo:async
func (c *counter) slowInc(d int) {
	rt.Yield()
	c.inc(d)
}

func (c counter) get() int { return c.n }

//asyncgo:async
func run() {
	var c counter
	c.inc(1)
	rt.Yield()
	c.slowInc(2)
	c.inc(3)
	fmt.Println(c.get(), c.hist)
	x := 5
	p := &x
	rt.Yield()
	*p += 10
	q := &p
	rt.Yield()
	**q *= 2
	fmt.Println(x, *p)
	var ptrs []*int
	for i := 0; i < 3; i++ {
		v := i * i
		ptrs = append(ptrs, &v)
		rt.Yield()
		v++
	}
	for _, p := range ptrs {
		fmt.Print(*p, " ")
	}
	fmt.Println()
	arr := [3]int{1, 2, 3}
	s := arr[:]
	rt.Yield()
	s[1] = 20
	fmt.Println(arr, s)
	st := struct{ a, b int }{1, 2}
	pb := &st.b
	rt.Yield()
	*pb = 7
	fmt.Println(st)
}

func main() { run() }
