//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// The //asyncgo:range directive on a value receiver (copied once, with
// the iteration state behind a pointer in it: the step is called again
// and again with the same arguments), a receiver that suspends
// (evaluated once), goto out of a loop from a suspending switch, and
// range over a channel in a go statement's async literal.
package main

import (
	"fmt"
	"iter"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type box struct {
	vals []int
	pos  *int // the iteration state lives in the receiver
}

// Each yields vals from a value receiver.
//
//asyncgo:range next
func (b box) Each(from int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for {
			v, ok := b.next(from)
			if !ok || !yield(v) {
				return
			}
		}
	}
}

//asyncgo:async
func (b box) next(from int) (int, bool) {
	rt.Yield()
	i := from + *b.pos
	if i >= len(b.vals) {
		return 0, false
	}
	*b.pos++
	return b.vals[i], true
}

//asyncgo:async
func mk(ch *sync.Channel[int]) *sync.Channel[int] {
	rt.Yield()
	fmt.Println("mk")
	return ch
}

//asyncgo:async
func run(ch *sync.Channel[int]) {
	b := box{vals: []int{1, 2, 3}, pos: new(int)}
	for v := range b.Each(1) {
		b.vals = nil // the receiver was copied
		fmt.Println("each", v)
	}
	for v := range mk(ch).All() {
		switch v {
		case 2:
			rt.Yield()
			goto out
		default:
			fmt.Println("ch", v)
		}
	}
out:
	done := sync.NewChannel[string]()
	go func() {
		for v := range ch.All() {
			done.Send(fmt.Sprint("task ", v))
		}
		done.Close()
	}()
	ch.Close()
	for s := range done.All() {
		fmt.Println(s)
	}
}

func main() {
	rt.Run(func() {
		ch := sync.NewChannel[int]()
		for i := range 5 {
			ch.Send(i)
		}
		run(ch)
	})
}
