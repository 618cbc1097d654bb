//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync WaitGroup: a parent spawns workers with go statements of async
// functions and waits for all of them; results gathered under a Mutex and
// printed sorted.
package main

import (
	"fmt"
	"sort"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type results struct {
	mu  sync.Mutex
	out []string
}

//asyncgo:async
func worker(id int, wg *sync.WaitGroup, r *results) {
	for i := 0; i < id; i++ {
		rt.Yield()
	}
	g := r.mu.Lock()
	r.out = append(r.out, fmt.Sprint("w", id))
	g.Unlock()
	wg.Done()
}

//asyncgo:async
func parent(n int) []string {
	var wg sync.WaitGroup
	r := &results{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go worker(i, &wg, r)
	}
	wg.Wait()
	sort.Strings(r.out)
	return r.out
}

func main() {
	rt.Run(func() {
		fmt.Println(parent(6))
	})
}
