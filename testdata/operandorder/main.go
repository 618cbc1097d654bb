//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Binary logical operations are evaluated in lexical left-to-right order
// with the calls (the Go spec), also when their operands are plain
// variables; type assertions to non-pointer types are evaluated in order
// too (as gc does), on both sides of assignments.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var flag, flag2 = true, true

//asyncgo:async
func a() bool {
	rt.Yield()
	flag = false
	return true
}

type S struct{ a, b int }

var sv any = S{1, 2}

var slv any = []int{1, 2}

//asyncgo:async
func c() int {
	rt.Yield()
	sv = S{3, 4}
	slv = []int{7, 8}
	return 0
}

//asyncgo:async
func fails() {
	defer func() { fmt.Println("recovered:", recover() != nil) }()
	var y any = "s"
	y.([]int)[0] = c()
}

//asyncgo:async
func run() {
	fmt.Println(flag && flag2, a())
	flag = true
	x := []bool{flag || flag2, a(), flag && flag2}
	fmt.Println(x)
	flag = true
	if flag && flag2 == a() {
		fmt.Println("eq")
	}
	fmt.Println(sv.(S), c())
	sv = S{1, 2}
	y := sv.(S).a + c()
	fmt.Println(y)
	old := slv
	slv.([]int)[0] = c()
	fmt.Println(slv, old)
	// Not tested: pv.(*T).f = c() where c reassigns pv. When the
	// pointer-shaped assertion is evaluated relative to c() is not
	// specified, and gc answers differently with and without -race.
	sv = S{1, 2}
	v, ok := sv.(S)
	fmt.Println(v, ok, c())
	fails()
}

func main() { run() }
