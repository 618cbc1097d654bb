//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Labeled continue and break out of nested range loops whose bodies
// suspend, over slices and strings and ints.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func pairs(words []string) []string {
	var out []string
next:
	for i, w := range words {
		for j, r := range w {
			rt.Yield()
			if r == 'x' {
				continue next
			}
			if r == '!' {
				break next
			}
			for k := range 2 {
				if k == 1 && j > 0 {
					continue next
				}
				out = append(out, fmt.Sprint(i, string(r), k))
			}
		}
	}
	return out
}

func main() {
	fmt.Println(pairs([]string{"ab", "xy", "c", "d!e", "f"}))
}
