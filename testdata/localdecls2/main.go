//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Local types whose names are taken (declared twice in one function, the
// name of a package-level function, in methods), types referring to
// other local types, local types in async literals and in the plain
// function around them, local constants in async literals of generic
// functions and of plain functions.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
)

func helper() string { return "helper" }

type store struct{ vals []int }

//asyncgo:async
func (st *store) sum() int {
	type helper struct{ total, n int } // the name of a package-level function
	var h helper
	for _, v := range st.vals {
		rt.Yield()
		h.total += v
		h.n++
	}
	return h.total*100 + h.n
}

//asyncgo:async
func twice() string {
	out := ""
	{
		type t struct{ a int }
		x := t{1}
		rt.Yield()
		out += fmt.Sprint(x)
	}
	{
		type t struct{ a, b string }
		x := t{"p", "q"}
		rt.Yield()
		out += fmt.Sprint(x)
	}
	return out
}

//asyncgo:async
func nested() []string {
	type pair struct {
		k string
		v int
	}
	type pairs []pair
	type byKey = pairs
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	var ps byKey
	for k, v := range m {
		rt.Yield()
		ps = append(ps, pair{k, v})
	}
	sort.Slice(ps, func(i, j int) bool {
		type cmp struct{ x, y string } // a local type of a plain closure
		c := cmp{ps[i].k, ps[j].k}
		return c.x < c.y
	})
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprint(p.k, "=", p.v))
	}
	rt.Yield()
	return out
}

//asyncgo:async
func generic[T any](v T, n int) []T {
	const extra = 2
	var out []T
	for i := 0; i < n+extra; i++ {
		rt.Yield()
		out = append(out, v)
	}
	h := rt.Spawn(func() int {
		const k = 7
		rt.Yield()
		return k * extra
	})
	fmt.Println("spawned", rt.Await(h))
	return out
}

func main() {
	const base = 40
	type result struct {
		name string
		n    int
	}
	var results []result
	rt.Run(func() {
		type step int
		const last step = 3
		for s := step(0); s < last; s++ {
			rt.Yield()
			results = append(results, result{fmt.Sprint("step", s), base + int(s)})
		}
		st := &store{vals: []int{1, 2, 3}}
		results = append(results, result{"sum", st.sum()})
		results = append(results, result{twice(), 0})
		fmt.Println(nested(), len(generic("x", 1)), helper())
	})
	fmt.Println(results)
}
