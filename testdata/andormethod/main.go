//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async method calls on the right of && and ||: the receiver must be kept
// when the short circuit is lowered into an if.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type T struct{ n int }

//asyncgo:async
func (t *T) ok(v bool) bool {
	rt.Yield()
	t.n++
	return v
}

//asyncgo:async
func c(t *T, ok bool) {
	if ok && t.ok(true) {
		fmt.Println("and", t.n)
	}
	x := !ok || t.ok(false)
	fmt.Println("or", x, t.n)
	u := T{n: 10}
	fmt.Println(ok && u.ok(true) && t.ok(true), u.n, t.n)
}

func main() {
	c(&T{}, true)
	c(&T{}, false)
}
