//go:build asyncsrc

// Recursion between async functions: direct, mutual, and through a
// method; the child future of a call in a cycle lives behind a pointer.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

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

//asyncgo:async
func fib(n int) int {
	if n < 2 {
		rt.Yield()
		return n
	}
	return fib(n-1) + fib(n-2)
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
	defer fmt.Print("")
	return t.v + t.left.sum() + t.right.sum()
}

//asyncgo:async
func spawner(n int) {
	go spawner(n - 1) // a go statement starts a separate task
	rt.Yield()
}

func main() {
	fmt.Println(even(10), odd(7), even(3))
	fmt.Println(fib(15))
	t := &tree{1, &tree{2, nil, &tree{3, nil, nil}}, &tree{4, nil, nil}}
	fmt.Println(t.sum())
}
