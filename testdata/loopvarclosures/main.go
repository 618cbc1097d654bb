//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Per-iteration loop variables (go1.22+) of 3-clause loops that suspend,
// captured by tasks (go statements), by deferred closures, by closures
// stored for later, across continue (also labeled, from an inner loop),
// in loops without a post statement and with a suspending condition.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func check(i, n int) bool {
	rt.Yield()
	return i < n
}

//asyncgo:async
func tasks() {
	var wg sync.WaitGroup
	out := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { // a task that suspends: reads its own i later
			defer wg.Done()
			rt.Yield()
			rt.Yield()
			out[i] += i * 10
		}()
		go func() { // a plain literal in a go statement
			defer wg.Done()
			_ = i
		}()
		rt.Yield()
	}
	wg.Wait()
	fmt.Println("tasks", out)
}

//asyncgo:async
func defers() {
	for i := 0; i < 6; i++ {
		defer func() { fmt.Println("deferred closure", i) }()
		defer fmt.Println("deferred arg", i)
		rt.Yield()
		i++ // changes this iteration's variable, and the next one's start
	}
	fmt.Println("defers: loop done")
}

//asyncgo:async
func continues() {
	var fs []func() int
	for i := 0; i < 6; i++ {
		if i%2 == 0 {
			fs = append(fs, func() int { return i * 100 })
			continue
		}
		rt.Yield()
		if i == 3 {
			fs = append(fs, func() int { i++; return i })
			continue
		}
		fs = append(fs, func() int { return -i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	var gs []func() string
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			rt.Yield()
			if j > i {
				gs = append(gs, func() string { return fmt.Sprint(i, j) })
				continue outer
			}
			gs = append(gs, func() string { return fmt.Sprint(i, "/", j) })
		}
	}
	for _, g := range gs {
		fmt.Print(g(), " ")
	}
	fmt.Println()
}

//asyncgo:async
func noPost() {
	var fs []func() int
	for i := 0; i < 3; {
		fs = append(fs, func() int { return i })
		rt.Yield()
		i++
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}

//asyncgo:async
func suspendingCond() {
	var ps []*int
	for i := 0; check(i, 3); i++ {
		ps = append(ps, &i)
	}
	for _, p := range ps {
		fmt.Print(*p, " ")
	}
	fmt.Println()
	var fs []func() int
	for i, n := 0, 0; check(i, 3); i, n = i+1, n+i {
		fs = append(fs, func() int { return i*10 + n })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}

//asyncgo:async
func breaks() {
	var fs []func() int
	for i := 0; ; i++ {
		fs = append(fs, func() int { return i })
		rt.Yield()
		if i == 2 {
			break
		}
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}

//asyncgo:async
func spawned() {
	var hs []*rt.JoinHandle[int]
	for i := 0; i < 3; i++ {
		hs = append(hs, rt.Spawn(func() int {
			rt.Yield()
			return i * i
		}))
		rt.Yield()
	}
	for _, h := range hs {
		fmt.Print(rt.Await(h), " ")
	}
	fmt.Println()
}

//asyncgo:async
func run() {
	tasks()
	defers()
	continues()
	noPost()
	suspendingCond()
	breaks()
	spawned()
}

func main() { rt.Run(func() { run() }) }
