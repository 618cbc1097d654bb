//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// go statements of async functions inside async code start tasks; their
// arguments are evaluated at the go statement.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func child(id int, tag string, out chan<- string) {
	rt.Yield()
	out <- fmt.Sprint(tag, id)
}

//asyncgo:async
func parent(out chan<- string) int {
	started := 0
	for i := 0; i < 3; i++ {
		go child(i, fmt.Sprint("c", i, "-"), out)
		started++
		rt.Yield()
	}
	return started
}

func main() {
	out := make(chan string, 3)
	n := parent(out)
	var got []string
	for i := 0; i < n; i++ {
		got = append(got, <-out)
	}
	sort.Strings(got)
	fmt.Println(n, got)
}
