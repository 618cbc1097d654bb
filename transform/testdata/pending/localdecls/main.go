//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Local type and constant declarations inside async functions, with
// values of the local type live across suspension points.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run() string {
	const limit = 3
	type item struct {
		name string
		n    int
	}
	var items []item
	for i := 0; i < limit; i++ {
		rt.Yield()
		items = append(items, item{fmt.Sprint("i", i), i * i})
	}
	it := items[1]
	rt.Yield()
	return fmt.Sprint(it, len(items))
}

func main() { fmt.Println(run()) }
