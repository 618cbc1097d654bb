//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Switches on strings and on the result of suspending calls inside a loop,
// with break leaving only the switch, continue and labeled break leaving
// the loop, and a switch with an init statement that suspends.
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func word(ws []string, i int) string {
	rt.Yield()
	return ws[i]
}

//asyncgo:async
func run(ws []string) []string {
	var out []string
loop:
	for i := 0; i < len(ws); i++ {
		switch w := strings.ToLower(word(ws, i)); w {
		case "skip":
			continue
		case "stop":
			break loop
		case "quiet":
			break
		case word(ws, 0):
			out = append(out, "same-as-first:"+w)
		default:
			out = append(out, w)
		}
		out = append(out, fmt.Sprint("#", i))
	}
	return out
}

func main() {
	fmt.Println(run([]string{"A", "b", "skip", "a", "quiet", "c", "stop", "d"}))
}
