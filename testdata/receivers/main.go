//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async methods on many kinds of receivers: pointer and value structs,
// named slices, maps and functions, embedded fields (promoted methods),
// method values called later, and calls through interfaces holding values
// whose methods are async (ordinary calls: the bridge).
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
)

type ints []int

//asyncgo:async
func (xs ints) sum() int {
	t := 0
	for i := 0; i < len(xs); i++ {
		rt.Yield()
		t += xs[i]
	}
	return t
}

type dict map[string]int

//asyncgo:async
func (d dict) put(k string, v int) {
	rt.Yield()
	d[k] = v
}

type op func(int) int

//asyncgo:async
func (f op) apply(x int) int {
	rt.Yield()
	return f(x)
}

type base struct{ hits int }

//asyncgo:async
func (b *base) hit() int {
	rt.Yield()
	b.hits++
	return b.hits
}

type derived struct {
	base
	name string
}

//asyncgo:async
func (d derived) label() string {
	rt.Yield()
	return fmt.Sprint(d.name, "#", d.hits)
}

//asyncgo:async
func run() {
	fmt.Println(ints{1, 2, 3}.sum())
	d := dict{}
	d.put("a", 1)
	d.put("b", ints{4, 5}.sum())
	keys := make([]string, 0)
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys, d["b"])
	double := op(func(x int) int { return 2 * x })
	fmt.Println(double.apply(double.apply(5)))
	var x derived
	x.name = "x"
	x.hit()
	x.base.hit()
	fmt.Println(x.label(), x.hit())
}

func main() { run() }
