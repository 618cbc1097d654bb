//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Recursive async functions (direct and mutual): a state struct cannot
// contain itself, so recursion goes through an indirection.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func fib(n int) int {
	if n < 2 {
		rt.Yield()
		return n
	}
	return fib(n-1) + fib(n-2)
}

//asyncgo:async
func even(n int) bool {
	if n == 0 {
		return true
	}
	rt.Yield()
	return odd(n - 1)
}

//asyncgo:async
func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1)
}

type tree struct {
	v           int
	left, right *tree
}

//asyncgo:async
func (t *tree) sum() int {
	if t == nil {
		return 0
	}
	rt.Yield()
	return t.v + t.left.sum() + t.right.sum()
}

func main() {
	fmt.Println(fib(12), even(7), odd(7))
	t := &tree{1, &tree{2, nil, &tree{3, nil, nil}}, &tree{4, nil, nil}}
	fmt.Println(t.sum())
}
