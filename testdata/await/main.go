//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt.Await on join handles of spawned functions and on a hand-written
// future held in an interface.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func awaitSpawned(n int) (int, string) {
	h := rt.Spawn(func() int { return n * 7 })
	h2 := rt.Spawn(func() string { return fmt.Sprint("n=", n) })
	v := rt.Await(h) + 1
	var f rt.Future[string] = h2
	s := rt.Await(f)
	if rt.Await(rt.Spawn(func() bool { return v > 10 })) {
		s += " big"
	}
	return v, s
}

func main() {
	fmt.Println(awaitSpawned(1))
	fmt.Println(awaitSpawned(6))
}
