//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// An async function whose body ends in a terminating statement (panic, an
// infinite loop left only by return): the generated Poll must not add
// unreachable code after it (go vet: "unreachable code"; generated files
// must be vet-clean).
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func boom(msg string) int {
	rt.Yield()
	panic(msg)
}

//asyncgo:async
func loop() int {
	for i := 0; ; i++ {
		rt.Yield()
		if i == 3 {
			return i
		}
	}
}

//asyncgo:async
func safe() (r int) {
	defer func() { r = len(fmt.Sprint(recover())) }()
	return boom("four")
}

func main() { fmt.Println(safe(), loop()) }
