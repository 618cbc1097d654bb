//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A bounded rt/sync Ring between tasks: senders suspend while it is full,
// receivers while it is empty, in a loop condition and as an operand; the
// order of values is preserved.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func sender(r *sync.Ring[string], words []string) int {
	sent := 0
	for i := 0; i < len(words) && r.Send(words[i]) == nil; i++ {
		sent++
	}
	r.Close()
	return sent
}

//asyncgo:async
func next(r *sync.Ring[string]) string {
	v, err := r.Recv()
	if err != nil {
		return ""
	}
	return v
}

//asyncgo:async
func receiver(r *sync.Ring[string]) string {
	out := ""
	for w := next(r); w != ""; w = next(r) {
		out += w + "."
		rt.Yield()
	}
	return out
}

func main() {
	words := []string{"a", "bb", "ccc", "dddd", "e", "ff", "g"}
	rt.Run(func() {
		r := sync.NewRing[string](2)
		hs := rt.Spawn(func() int { return sender(r, words) })
		hr := rt.Spawn(func() string { return receiver(r) })
		fmt.Println(rt.Await(hr), rt.Await(hs))
	})
}
