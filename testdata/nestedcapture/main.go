//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// A variable declared in an async literal (rt.Run's main) and captured by
// an async literal nested in it (rt.Spawn's), which the outer literal also
// uses after a suspension point: the captured variable is boxed once, and
// both literals share it.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		n := 1
		h := rt.Spawn(func() int {
			v, _ := ch.Recv()
			n += v
			return v * 10
		})
		rt.Yield()
		ch.Send(4)
		fmt.Println(rt.Await(h), n)
	})
}
