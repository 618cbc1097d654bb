//go:build asyncsrc

// range over iterator functions (iter.Seq, iter.Seq2, a named sequence
// type) with suspension points in the body: the iterator runs as a pull
// iterator and is stopped on break, return, panic and at the loop's end.
package main

import (
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func id[T any](x T) T {
	rt.Yield()
	return x
}

func count(tag string, n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer fmt.Println(tag, "iterator done")
		for i := range n {
			if !yield(i) {
				fmt.Println(tag, "stopped at", i)
				return
			}
		}
	}
}

type pairs func(yield func(string, int) bool)

func letters() pairs {
	return func(yield func(string, int) bool) {
		for i, s := range []string{"a", "b", "c"} {
			if !yield(s, i) {
				return
			}
		}
	}
}

//asyncgo:async
func sum() (n int) {
	for x := range count("sum", 4) {
		n += id(x)
	}
	fmt.Println("after sum loop")
	return n
}

//asyncgo:async
func early() int {
	for x := range count("early", 10) {
		if id(x) == 3 {
			break
		}
		if x == 1 {
			continue
		}
		fmt.Println("early body", x)
	}
	fmt.Println("after break")
	for x := range count("ret", 10) {
		if id(x) == 2 {
			return x * 100
		}
	}
	return -1
}

//asyncgo:async
func twoValues() []string {
	var out []string
	for s, i := range letters() {
		out = append(out, fmt.Sprint(id(s), i))
	}
	for k := range maps.Keys(map[string]bool{"only": true}) {
		out = append(out, id(k))
	}
	for i, v := range slices.All([]string{"x", "y"}) {
		rt.Yield()
		out = append(out, fmt.Sprint(i, v))
	}
	return out
}

//asyncgo:async
func panics() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered %v", r)
		}
	}()
	for x := range count("panic", 10) {
		if id(x) == 2 {
			panic("in body")
		}
	}
	return nil
}

func main() {
	fmt.Println(sum())
	fmt.Println(early())
	fmt.Println(twoValues())
	fmt.Println(panics())
}
