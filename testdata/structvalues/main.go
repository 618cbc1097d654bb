//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Struct and array values live across suspension points keep value
// semantics: a copy made before a suspension is not changed by writes to
// the original after it, and vice versa; large values returned from and
// passed to async functions.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type big struct {
	name string
	vals [8]int
	tags map[string]bool
}

//asyncgo:async
func mutate(b big) big {
	rt.Yield()
	b.vals[0] = 100
	b.name += "!"
	b.tags["mutated"] = true // maps are shared
	return b
}

//asyncgo:async
func run() {
	a := big{name: "a", tags: map[string]bool{}}
	a.vals[1] = 1
	c := a
	rt.Yield()
	a.vals[1] = 2
	d := mutate(c)
	rt.Yield()
	fmt.Println(a.name, a.vals, c.name, c.vals, d.name, d.vals, len(a.tags))
	arr := [3][2]int{{1, 2}, {3, 4}}
	cp := arr
	rt.Yield()
	arr[0][0] = 9
	fmt.Println(arr, cp)
}

func main() { run() }
