//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// defer in async functions: LIFO order; the callee, receiver and arguments
// are evaluated at the defer statement (including suspending arguments);
// defers registered in loops and across suspension points; deferred
// method values on values copied at defer time.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type logger struct{ prefix string }

func (l logger) log(s string) { fmt.Println(l.prefix, s) }

//asyncgo:async
func val(n int) int {
	rt.Yield()
	fmt.Println("  val", n)
	return n
}

func say(tag string, n int) { fmt.Println("deferred", tag, n) }

//asyncgo:async
func run() {
	x := 1
	defer say("first", x)
	x = 2
	v := val(x)
	defer say("arg-after-suspension", v)
	l := logger{"L1"}
	defer l.log("receiver copied")
	l.prefix = "L2"
	f := func(n int) { fmt.Println("deferred f1", n) }
	defer f(x)
	f = func(n int) { fmt.Println("deferred f2", n) }
	for i := 0; i < 3; i++ {
		defer say("loop", i)
		rt.Yield()
	}
	defer func() {
		fmt.Println("deferred closure sees x =", x)
	}()
	x = val(99)
	fmt.Println("body end")
}

func main() {
	run()
	fmt.Println("after run")
}
