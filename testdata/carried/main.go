//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Statements without suspension points inside async functions (switch,
// type switch, range, select, labels in plain loops, defer-free closures)
// are carried over as written, between suspension points that use the
// variables they set.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func tick(n int) int {
	rt.Yield()
	return n
}

//asyncgo:async
func run(vals []any) string {
	out := ""
	total := tick(0)
	for _, v := range vals {
		switch x := v.(type) {
		case int:
			total += x
		case string:
			out += x
		default:
			out += "?"
		}
	}
	total += tick(100)
	switch {
	case total > 1000:
		out += "big"
	case total > 100:
		out += "mid"
		fallthrough
	default:
		out += "+"
	}
	ch := make(chan int, 1)
	ch <- tick(7)
	select {
	case v := <-ch:
		total += v
	default:
		total = -1
	}
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if i*j == 2 {
				break outer
			}
			total++
		}
	}
	m := map[int]int{1: 1, 2: 2}
	for k := range m {
		if k == 1 {
			delete(m, 2)
			delete(m, 1)
		}
	}
	total += tick(len(m))
	return fmt.Sprint(out, " ", total)
}

func main() {
	fmt.Println(run([]any{1, "a", 2.5, 40, "b"}))
}
