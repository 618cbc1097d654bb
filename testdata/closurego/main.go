//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// go statements of async literals inside async code: each literal
// captures the variables of its own loop iteration (declared in the body)
// and a shared channel; results are collected in order of value.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func sq(n int) int {
	rt.Yield()
	return n * n
}

//asyncgo:async
func run(n int) []int {
	out := sync.NewChannel[int]()
	for i := 0; i < n; i++ {
		k := i + 1
		go func() {
			v := sq(k)
			rt.Yield()
			out.Send(v + k)
		}()
	}
	var got []int
	for len(got) < n {
		v, _ := out.Recv()
		got = append(got, v)
	}
	sort.Ints(got)
	return got
}

func main() {
	rt.Run(func() { fmt.Println(run(5)) })
}
