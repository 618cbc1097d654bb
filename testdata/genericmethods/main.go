//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async methods on generic types (pointer and value receivers), a generic
// async function calling them, and instantiations with several types.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type stack[T any] struct{ items []T }

//asyncgo:async
func (s *stack[T]) push(v T) int {
	rt.Yield()
	s.items = append(s.items, v)
	return len(s.items)
}

//asyncgo:async
func (s *stack[T]) pop() (T, bool) {
	rt.Yield()
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

type pair[K comparable, V any] struct {
	k K
	v V
}

//asyncgo:async
func (p pair[K, V]) String() string {
	rt.Yield()
	return fmt.Sprint(p.k, "=", p.v)
}

//asyncgo:async
func drain[T any](s *stack[T]) []T {
	var out []T
	for {
		v, ok := s.pop()
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

func main() {
	var s stack[string]
	s.push("a")
	s.push("b")
	fmt.Println(s.push("c"), drain(&s))
	is := &stack[int]{}
	for i := 0; i < 3; i++ {
		is.push(i * i)
	}
	fmt.Println(drain(is))
	fmt.Println(pair[string, int]{"x", 1}.String())
}
