//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Parameters whose address escapes the async function (returned pointer,
// captured by a returned closure) must outlive the callee's future: a
// caller resets its child future after taking the result.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func ptr(n int) *int {
	rt.Yield()
	return &n
}

//asyncgo:async
func counter(n int) func() int {
	rt.Yield()
	return func() int { n++; return n }
}

//asyncgo:async
func (c config) addr() *string {
	rt.Yield()
	return &c.name
}

type config struct{ name string }

//asyncgo:async
func run() {
	p := ptr(7)
	q := ptr(8)
	fmt.Println(*p, *q)
	c := counter(10)
	d := counter(20)
	fmt.Println(c(), c(), d())
	a := config{"cfg"}.addr()
	fmt.Println(*a)
}

func main() {
	run()
	fmt.Println(*ptr(1))
}
