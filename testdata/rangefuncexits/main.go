//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// goto and labeled break and continue out of ranges over iterator
// functions whose bodies suspend: the iterator is stopped before the jump
// (its yield returns false, its deferred calls run), innermost first, as
// Go's range over functions does; an earlier defer of the function keeps
// its place.
package main

import (
	"fmt"
	"iter"

	"github.com/asyncgo/asyncgo/rt"
)

func gen(name string, n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer fmt.Println("   ", name, "cleanup")
		for i := range n {
			if !yield(i) {
				fmt.Println("   ", name, "stopped at", i)
				return
			}
		}
		fmt.Println("   ", name, "exhausted")
	}
}

func pairs(name string, n int) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		defer fmt.Println("   ", name, "cleanup")
		for i := range n {
			if !yield(i, fmt.Sprint(name, i)) {
				return
			}
		}
	}
}

//asyncgo:async
func step(v int) int {
	rt.Yield()
	return v
}

//asyncgo:async
func continueOuter() {
	defer fmt.Println("  continueOuter defer")
outer:
	for i := 0; i < 3; i++ {
		for v := range gen(fmt.Sprint("c", i), 4) {
			if step(v) == i {
				fmt.Println("  continue outer at", i, v)
				continue outer
			}
			fmt.Println("  inner", i, v)
		}
		fmt.Println("  not reached for i < 4")
	}
}

//asyncgo:async
func breakNested() int {
	sum := 0
rows:
	for r := range gen("rows", 5) {
		for k, s := range pairs(fmt.Sprint("cols", r), 5) {
			sum += step(k)
			switch {
			case r == 2 && k == 1:
				fmt.Println("  break rows at", s)
				break rows
			case k == r:
				fmt.Println("  continue rows at", s)
				continue rows
			}
		}
	}
	return sum
}

//asyncgo:async
func gotoOut() (res string) {
	defer func() { res += " (deferred)" }()
	n := 0
	for v := range gen("g", 10) {
		n += step(v)
		if v == 3 {
			goto done
		}
	}
	return "exhausted"
done:
	for v := range gen("g2", 10) {
		rt.Yield()
		if v == 1 {
			goto again
		}
	}
again:
	return fmt.Sprint("jumped out with n=", n)
}

// gotoInside jumps within the loop body (not out of it): nothing stops.
//
//asyncgo:async
func gotoInside() {
	for v := range gen("in", 3) {
		if step(v) == 1 {
			goto skip
		}
		fmt.Println("  body", v)
	skip:
	}
}

//asyncgo:async
func ownLabel() {
loop:
	for v := range gen("own", 5) {
		for range step(2) {
			if v == 1 {
				continue loop
			}
			if v == 3 {
				break loop
			}
		}
		fmt.Println("  own", v)
	}
}

func main() {
	fmt.Println("continueOuter:")
	continueOuter()
	fmt.Println("breakNested:")
	fmt.Println("  sum", breakNested())
	fmt.Println("gotoOut:")
	fmt.Println(" ", gotoOut())
	fmt.Println("gotoInside:")
	gotoInside()
	fmt.Println("ownLabel:")
	ownLabel()
}
