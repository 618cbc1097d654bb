//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points in deferred calls of method values (value and
// pointer receivers, a receiver that suspends, a method value bound
// before the defer) and with variadic arguments (spread, with ..., and
// from a multi-value async call): all evaluated at the defer statement,
// in Go's order; the calls run at return, last first.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type acc struct {
	name string
	n    int
}

func (a *acc) add(tag string, xs ...int) {
	fmt.Println("  add", a.name, tag, xs, "n =", a.n)
}

func (a acc) show(xs ...string) { fmt.Println("  show", a.name, a.n, xs) }

//asyncgo:async
func get(a *acc, name string) *acc {
	rt.Yield()
	fmt.Println("  get", name)
	return a
}

//asyncgo:async
func num(n int) int {
	rt.Yield()
	fmt.Println("  num", n)
	return n
}

//asyncgo:async
func strs(ss ...string) []string {
	rt.Yield()
	fmt.Println("  strs", ss)
	return ss
}

//asyncgo:async
func pair() (int, int) {
	rt.Yield()
	return 3, 4
}

func side(s string) string {
	fmt.Println("  side", s)
	return s
}

//asyncgo:async
func run(a *acc) (res int) {
	v := acc{name: "v", n: 1}
	defer v.show(side("first"), fmt.Sprint(num(1)), side("after")) // v copied at the defer: n = 1
	m := v.show                                                    // bound now: n = 1
	v.n = 2
	defer m(strs("m", "value")...)
	defer get(a, "ptr").add(fmt.Sprint("tag", num(2)), num(3), num(4)) // pointer receiver: sees n = 10
	f := a.add
	defer f("f", []int{num(5)}...)
	defer func(xs ...int) {
		res = len(xs)
		fmt.Println("  literal", xs, res)
	}(num(6), num(7))
	defer fmt.Println(pair())
	defer v.show() // no suspension: n = 2
	a.n = 10
	v.n = 3
	fmt.Println("body end")
	return 0
}

func main() {
	fmt.Println("res:", run(&acc{name: "a"}))
}
