//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over maps with suspension points in the body: every key present
// for the whole loop is visited exactly once, a key deleted before it is
// reached is never visited (deletions happen during the loop), and the
// output is order-independent.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run() {
	m := map[int]string{}
	for i := 0; i < 50; i++ {
		m[i] = fmt.Sprint("v", i)
	}
	visited := map[int]bool{}
	deleted := map[int]bool{}
	for k, v := range m {
		rt.Yield()
		if deleted[k] {
			fmt.Println("visited deleted key", k)
		}
		if visited[k] {
			fmt.Println("visited twice", k)
		}
		visited[k] = true
		if v != fmt.Sprint("v", k) {
			fmt.Println("bad value", k, v)
		}
		// Delete two keys not visited yet.
		for d := range m {
			if !visited[d] && !deleted[d] && len(deleted) < 20 {
				delete(m, d)
				deleted[d] = true
				break
			}
		}
	}
	missed := 0
	for i := 0; i < 50; i++ {
		if !visited[i] && !deleted[i] {
			missed++
		}
	}
	fmt.Println("visited+deleted = 50:", len(visited)+len(deleted) == 50, "missed", missed)
	var keys []int
	for k := range map[int]int{3: 1, 1: 1, 2: 1} {
		rt.Yield()
		keys = append(keys, k)
	}
	sort.Ints(keys)
	fmt.Println(keys)
}

func main() { run() }
