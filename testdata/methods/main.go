//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async methods (pointer and value receivers), generic async functions,
// unnamed and blank parameters, and named results.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type acc struct {
	name  string
	total int
}

// add adds n to the total after a yield.
//
//asyncgo:async
func (a *acc) add(n int) int {
	rt.Yield()
	a.total += n
	return a.total
}

//asyncgo:async
func (a acc) describe(_ int, suffix string) (s string) {
	rt.Yield()
	s = fmt.Sprint(a.name, "=", a.total, suffix)
	return
}

//asyncgo:async
func pick[T any](cond bool, a, b T) T {
	rt.Yield()
	if cond {
		return a
	}
	return b
}

//asyncgo:async
func run() (out []string, err error) {
	a := &acc{name: "a"}
	for i := 1; i <= 3; i++ {
		a.add(i)
	}
	out = append(out, a.describe(0, "!"))
	var v acc
	v.add(5)
	out = append(out, v.describe(1, "?"), pick(true, "x", "y"), fmt.Sprint(pick[int](false, 1, 2)))
	return
}

func main() {
	fmt.Println(run())
}
