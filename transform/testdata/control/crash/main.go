//go:build asyncsrc

// An unrecovered panic after a suspension point, with deferred calls
// pending that cannot recover: they run, and the program crashes with
// the same message as the goroutine build.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func boom(n int) {
	defer fmt.Println("deferred", n)
	defer func() { fmt.Println("literal without recover") }()
	rt.Yield()
	if n > 0 {
		boom(n - 1)
	}
	panic(fmt.Sprint("boom ", n))
}

func main() {
	boom(2)
}
