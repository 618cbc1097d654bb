//go:build asyncsrc

// Async methods of generic types (pointer and value receivers, receiver
// type parameters renamed), async literals in generic functions and
// methods, a switch and a range in generic code.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type box[T any] struct{ items []T }

//asyncgo:async
func (b *box[T]) add(v T) int {
	rt.Yield()
	b.items = append(b.items, v)
	return len(b.items)
}

//asyncgo:async
func (b box[U]) sum(f func(U) int) (n int) {
	for _, x := range b.items {
		rt.Yield()
		n += f(x)
	}
	return n
}

type pair[K comparable, V any] struct {
	k K
	v V
}

//asyncgo:async
func (p *pair[K, V]) swap(k K) (K, V) {
	old := p.k
	rt.Yield()
	p.k = k
	return old, p.v
}

//asyncgo:async
func fill[T any](b *box[T], xs ...T) int {
	n := 0
	for _, x := range xs {
		n = b.add(x)
	}
	return n
}

func spawnAll[T any](xs []T) []T {
	var out []T
	rt.Run(func() {
		b := &box[T]{}
		fill(b, xs...)
		out = b.items
	})
	return out
}

func main() {
	b := &box[string]{}
	fmt.Println(fill(b, "a", "b", "c"), b.items)
	fmt.Println(b.sum(func(s string) int { return len(s) + 1 }))
	p := &pair[string, int]{k: "x", v: 1}
	fmt.Println(p.swap("y"))
	fmt.Println(p.k)
	fmt.Println(spawnAll([]int{3, 4, 5}))
}
