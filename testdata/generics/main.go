//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Generic async functions: several type parameters, constraints with
// methods and type sets, explicit and inferred instantiation, generic
// callees called from generic callers, values of type parameter type
// live across suspension points.
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

type number interface {
	~int | ~int64 | ~float64
}

type celsius float64

//asyncgo:async
func sum[T number](xs []T) T {
	var t T
	for i := 0; i < len(xs); i++ {
		rt.Yield()
		t += xs[i]
	}
	return t
}

//asyncgo:async
func mapTo[A, B any](xs []A, f func(A) B) []B {
	out := make([]B, 0, len(xs))
	for i := 0; i < len(xs); i++ {
		b := f(xs[i])
		rt.Yield()
		out = append(out, b)
	}
	return out
}

//asyncgo:async
func describe[T fmt.Stringer](v T) string {
	rt.Yield()
	return "<" + v.String() + ">"
}

type name string

func (n name) String() string { return strings.ToUpper(string(n)) }

//asyncgo:async
func pair[K comparable, V any](k K, v V) (K, V, map[K]V) {
	rt.Yield()
	return k, v, map[K]V{k: v}
}

//asyncgo:async
func avg[T number](xs []T) float64 {
	s := sum(xs)
	rt.Yield()
	return float64(s) / float64(len(xs))
}

func main() {
	fmt.Println(sum([]int{1, 2, 3}), sum([]celsius{1.5, 2.5}), sum[int64](nil))
	fmt.Println(mapTo([]int{1, 2, 3}, func(i int) string { return strings.Repeat("x", i) }))
	fmt.Println(describe(name("bob")))
	fmt.Println(pair("k", 3.5))
	fmt.Println(avg([]float64{1, 2, 4}), avg([]int{1, 2}))
}
