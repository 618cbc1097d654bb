//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Async func literals: rt.Run's main, rt.Spawn'd closures awaited with
// rt.Await, and go statements of closures inside async code. Captured
// variables are shared by reference with the enclosing function.
package main

import (
	"fmt"
	"sort"
	"sync"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func square(n int) int {
	rt.Yield()
	return n * n
}

//asyncgo:async
func fanOut(n int) (int, []string) {
	total := 0
	var handles []*rt.JoinHandle[int]
	for i := 1; i <= n; i++ {
		k := i
		handles = append(handles, rt.Spawn(func() int {
			rt.Yield()
			return square(k) + 1
		}))
	}
	for _, h := range handles { // no suspension in a range: sum later
		_ = h
	}
	for i := 0; i < len(handles); i++ {
		total += rt.Await(handles[i])
	}
	var mu sync.Mutex
	var seen []string
	done := make(chan bool, n)
	for i := 0; i < n; i++ {
		go func(id int, tag string) {
			v := square(id)
			mu.Lock()
			seen = append(seen, fmt.Sprint(tag, id, "=", v))
			mu.Unlock()
			done <- true
		}(i, "g")
	}
	for len(done) < n { // a Go channel receive could block the worker: poll by yielding
		rt.Yield()
	}
	for i := 0; i < n; i++ {
		<-done // ready: does not block, and orders the goroutines' writes before the reads below
	}
	sort.Strings(seen)
	return total, seen
}

func main() {
	result := 0
	var names []string
	rt.Run(func() {
		rt.Yield()
		result, names = fanOut(3)
		result += rt.Await(rt.Spawn(func() int {
			return square(result)
		}))
	})
	fmt.Println(result, names)
}
