//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// fallthrough, break inside switch (leaves the switch, not the loop),
// tagless switches with suspending conditions, switches nested in loops
// with continue, and a switch whose tag is a multi-value call's result.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func b(tag string, v bool) bool {
	rt.Yield()
	fmt.Println("  cond", tag)
	return v
}

//asyncgo:async
func two(n int) (int, error) {
	rt.Yield()
	return n % 4, nil
}

//asyncgo:async
func run() []string {
	var out []string
	for i := 0; i < 6; i++ {
		switch {
		case b("lt2", i < 2):
			out = append(out, "small")
			fallthrough
		case b("eq2", i == 2):
			out = append(out, "two-ish")
			if i == 1 {
				break
			}
			rt.Yield()
			out = append(out, "after-break")
		case i == 3:
			continue
		default:
			rt.Yield()
			out = append(out, fmt.Sprint("d", i))
			fallthrough
		case b("never", false):
			out = append(out, "fell")
		}
		out = append(out, fmt.Sprint("end", i))
	}
	r, _ := two(7)
	switch r {
	case 3:
		out = append(out, "three")
	}
	return out
}

func main() {
	for _, s := range run() {
		fmt.Println(s)
	}
}
