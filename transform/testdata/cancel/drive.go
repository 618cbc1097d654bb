//go:build !asyncsrc

package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type nop struct{}

func (nop) Wake() {}

func main() {
	cx := rt.NewContext(rt.NewWaker(nop{}))
	f := foreverAsync("t")
	for i := 0; i < 3; i++ {
		fmt.Println("poll", f.Poll(cx))
	}
	f.Cancel()
	f.Cancel()
	fmt.Println("cancelled twice")
	g := foreverAsync("never started")
	g.Cancel()
	fmt.Println("cancelled before start")
}
