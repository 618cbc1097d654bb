//go:build asyncsrc && go1.21

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A file at go1.21 keeps the old loop variable semantics: one variable for
// the whole loop, shared by every closure, also across suspension points.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run() {
	var fs []func() int
	for i := 0; i < 3; i++ {
		rt.Yield()
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	var ps []*int
	var gs []func() int
	for i := 0; i < 5; i++ {
		ps = append(ps, &i)
		if i%2 == 0 {
			gs = append(gs, func() int { i += 10; return i })
			continue
		}
		rt.Yield()
	}
	fmt.Println(*ps[0] == *ps[4], ps[0] == ps[4])
	for _, g := range gs {
		fmt.Print(g(), " ")
	}
	fmt.Println(*ps[0])
	deferred()
}

//asyncgo:async
func deferred() {
	for i := 0; i < 3; i++ {
		defer func() { fmt.Println("deferred closure", i) }()
		defer fmt.Println("deferred arg", i)
		rt.Yield()
	}
}

func main() { run() }
