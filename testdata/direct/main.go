//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async functions that can never suspend are compiled as plain functions
// and called directly (transform/direct.go): their defer, panic and
// recover, methods, generics, variadic and multiple results behave as in
// Go, `go` still starts a task, and ordinary code may call them from a
// task.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type counter struct{ n int }

//asyncgo:async
func (c *counter) add(ks ...int) (total int, calls int) {
	for _, k := range ks {
		c.n += k
	}
	return c.n, len(ks)
}

//asyncgo:async
func maxOf[T int | string](a, b T) T {
	if a > b {
		return a
	}
	return b
}

//asyncgo:async
func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("recovered: %v", p)
			q = -1
		}
	}()
	defer fmt.Println("  safeDiv defer", a, b)
	return a / b, nil
}

//asyncgo:async
func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

//asyncgo:async
func report(tag string, n int) {
	fmt.Println("task", tag, n)
}

// helper is ordinary code: called from a task, it may call async
// functions that never suspend.
func helper(x int) int { return fact(x) + maxOf(x, 3) }

//asyncgo:async
func run() {
	c := &counter{}
	t, k := c.add(1, 2, 3)
	fmt.Println("add", t, k)
	rt.Yield()
	t, k = c.add()
	fmt.Println("add", t, k, maxOf("a", "b"), maxOf(4, 2))
	q, err := safeDiv(7, 2)
	fmt.Println("div", q, err)
	rt.Yield()
	q, err = safeDiv(1, 0)
	fmt.Println("div", q, err)
	fmt.Println("fact", fact(10), "helper", helper(4))
	wg := 0
	for i := range 3 {
		h := rt.Spawn(func() int { report("spawned", i); return fact(i + 2) })
		wg += rt.Await(h)
	}
	fmt.Println("sum", wg)
}

func main() {
	rt.Run(func() {
		run()
	})
}
