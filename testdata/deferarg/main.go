//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points in the arguments and the receiver of a deferred call:
// they are evaluated (and suspend) at the defer statement, the call runs at
// return. Diagnosed today ("suspension point inside a deferred call").
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type logger struct{ prefix string }

func (l logger) log(s string, n int) { fmt.Println(l.prefix, s, n) }

//asyncgo:async
func val(n int) int {
	rt.Yield()
	fmt.Println("  val", n)
	return n
}

//asyncgo:async
func mk(p string) logger {
	rt.Yield()
	return logger{p}
}

//asyncgo:async
func run() {
	x := 1
	defer fmt.Println("deferred arg", val(x))
	x = 2
	defer mk("L").log("receiver and arg", val(x))
	fmt.Println("body end")
}

func main() { run() }
