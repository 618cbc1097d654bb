//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Yield in every statement position, and a variable that is live
// across many suspension points while others are not.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func tick(trace *[]string, s string) bool {
	rt.Yield()
	*trace = append(*trace, s)
	return true
}

//asyncgo:async
func everywhere(n int) []string {
	rt.Yield()
	var trace []string
	for i := 0; tick(&trace, fmt.Sprint("cond", i)) && i < n; i++ {
		rt.Yield()
		if i%2 == 0 {
			rt.Yield()
			trace = append(trace, "even")
		} else if tick(&trace, "elif") {
			rt.Yield()
			continue
		} else {
			rt.Yield()
		}
		rt.Yield()
	}
	for {
		rt.Yield()
		break
	}
	rt.Yield()
	return trace
}

func main() {
	for _, s := range everywhere(3) {
		fmt.Println(s)
	}
}
