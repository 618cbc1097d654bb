//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Real waits (rt/sync channel receives fed by another task, and joins of
// spawned tasks) in every position: for init/condition/post, switch tags
// and case expressions, both sides of && and ||, composite literals,
// index expressions, multi-value assignments and returns.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type src struct{ ch *sync.Channel[int] }

// next receives the next value (the producer task sends 1, 2, 3, ...).
//
//asyncgo:async
func (s src) next() int {
	v, err := s.ch.Recv()
	if err != nil {
		return -1
	}
	return v
}

//asyncgo:async
func (s src) two() (int, int) {
	return s.next(), s.next()
}

//asyncgo:async
func produce(ch *sync.Channel[int], n int) {
	for i := 1; i <= n; i++ {
		if i%4 == 0 {
			rt.Yield()
		}
		ch.Send(i)
	}
	ch.Close()
}

//asyncgo:async
func spawned(v int) int {
	return rt.Await(rt.Spawn(func() int { rt.Yield(); return v * 100 }))
}

//asyncgo:async
func run(s src) (int, []string) {
	var out []string
	for i := s.next(); i < 10 && i < s.next(); i = s.next() {
		out = append(out, fmt.Sprint("loop ", i))
	}
	switch s.next() {
	case spawned(0), s.next():
		out = append(out, "case1")
	case spawned(1) / 100:
		out = append(out, "case2")
	default:
		out = append(out, "default")
	}
	if s.next() > 0 && spawned(2) > 100 || s.next() < 0 {
		out = append(out, "andor")
	}
	pts := []int{s.next(), spawned(3), s.next()}
	idx := [3]int{7, 8, 9}[s.next()%3]
	a, b := s.two()
	out = append(out, fmt.Sprint(pts, idx, a, b))
	x, y := s.two()
	return x + y, out
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		go produce(ch, 40)
		n, out := run(src{ch})
		fmt.Println(n)
		for _, l := range out {
			fmt.Println(l)
		}
	})
}
