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
}

func main() { run() }
