//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over rt/sync channels and rings (All, lowered through the
// //asyncgo:range directive to a loop on RecvNext, each step a suspension
// point): until closed and drained, with break, continue, labeled break
// and continue, return from inside, per-iteration variables, a Ring
// with back-pressure, and a third-party iterator method (iter.Seq2) whose
// receiver and arguments are evaluated once.
package main

import (
	"fmt"
	"iter"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func produce(ch *sync.Channel[string], words ...string) {
	for _, w := range words {
		rt.Yield()
		ch.Send(w)
	}
	ch.Close()
}

// drain ranges until the channel is closed; the body suspends too.
//
//asyncgo:async
func drain(ch *sync.Channel[string]) string {
	out := ""
	for v := range ch.All() {
		rt.Yield()
		out += v
	}
	return out
}

// plain ranges with a body that does not suspend: the steps do.
//
//asyncgo:async
func plain(ch *sync.Channel[string]) (n int) {
	for range ch.All() {
		n++
	}
	return n
}

// branches: continue, break, and the per-iteration variable captured.
//
//asyncgo:async
func branches(ch *sync.Channel[string]) []func() string {
	var fs []func() string
	for v := range ch.All() {
		if v == "skip" {
			continue
		}
		if v == "stop" {
			break
		}
		rt.Yield()
		fs = append(fs, func() string { return v })
	}
	return fs
}

// find returns from inside the loop; the rest stays in the channel.
//
//asyncgo:async
func find(ch *sync.Channel[string], want string) (int, bool) {
	i := 0
	for v := range ch.All() {
		if v == want {
			return i, true
		}
		i++
	}
	return i, false
}

// labeled: break and continue of an outer loop from a range over a ring.
//
//asyncgo:async
func labeled(rows *sync.Channel[int], r *sync.Ring[int]) string {
	out := ""
outer:
	for row := range rows.All() {
		for v := range r.All() {
			switch {
			case v < 0:
				out += fmt.Sprint(" next", row)
				continue outer
			case v == 99:
				out += " end"
				break outer
			}
			out += fmt.Sprint(" ", row, ":", v)
		}
	}
	return out
}

//asyncgo:async
func fill(r *sync.Ring[int], vs ...int) {
	for _, v := range vs {
		r.Send(v) // waits while the ring is full
	}
}

// ringSum ranges over a ring of capacity 2 fed by a faster producer.
//
//asyncgo:async
func ringSum(r *sync.Ring[int]) (sum, most int) {
	for v := range r.All() {
		most = max(most, r.Len())
		rt.Yield()
		sum += v
	}
	return sum, most
}

// counter is a third-party type with an iterator method and its step.
type counter struct {
	name string
	n    int
}

// Pairs yields (i, label) for i below limit.
//
//asyncgo:range Next
func (c *counter) Pairs(limit int, label string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for {
			i, s, ok := c.Next(limit, label)
			if !ok || !yield(i, s) {
				return
			}
		}
	}
}

// Next is the step of Pairs.
//
//asyncgo:async
func (c *counter) Next(limit int, label string) (int, string, bool) {
	rt.Yield()
	if c.n >= limit {
		return 0, "", false
	}
	c.n++
	return c.n - 1, fmt.Sprint(c.name, label, c.n-1), true
}

func arg(s string, v int) int {
	fmt.Println("  arg", s)
	return v
}

func pick(c *counter) *counter {
	fmt.Println("  receiver", c.name)
	return c
}

//asyncgo:async
func pairs(c counter) {
	var k int
	var v string
	for k, v = range pick(&c).Pairs(arg("limit", 3), fmt.Sprint("-", arg("label", 7))) {
		fmt.Println("  pair", k, v)
	}
	fmt.Println("  last", k, v)
	for i := range c.Pairs(5, "") { // c by address: the same counter, now at 3
		fmt.Println("  key", i)
	}
	fmt.Println("  counter at", c.n)
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[string]()
		go produce(ch, "a", "b", "c")
		fmt.Println("drain:", drain(ch))

		ch = sync.NewChannel[string]()
		go produce(ch, "x", "y")
		fmt.Println("plain:", plain(ch))

		ch = sync.NewChannel[string]()
		go produce(ch, "p", "skip", "q", "stop", "r")
		for _, f := range branches(ch) {
			fmt.Println("branch:", f())
		}
		left, _ := ch.Recv()
		fmt.Println("left after break:", left)

		ch = sync.NewChannel[string]()
		for _, w := range []string{"u", "v", "w", "z"} {
			ch.Send(w)
		}
		fmt.Println(find(ch, "w"))
		ch.Close()
		fmt.Println(find(ch, "w"))

		rows := sync.NewChannel[int]()
		r := sync.NewRing[int](8)
		for _, v := range []int{1, 2, -1, 3, -1, 4, 99, 5} {
			r.Send(v)
		}
		for i := range 3 {
			rows.Send(i)
		}
		fmt.Println("labeled:", labeled(rows, r))
		fmt.Println("ring left:", r.Len(), "rows left:", rows.Len())

		r = sync.NewRing[int](2)
		go func() {
			fill(r, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
			r.Close()
		}()
		sum, most := ringSum(r)
		fmt.Println("ring sum:", sum, "at most", most, "queued")

		pairs(counter{name: "c"})
	})
}
