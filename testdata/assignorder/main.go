//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Calls on the left of an assignment whose right side suspends: the index
// operands and pointer indirections on the left are evaluated first, in
// order with the right side; plain operands (the slice, the map, the
// element read by op=) are read when the assignment happens, after the
// right side; the assignments happen left to right.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var xs = []int{10, 20, 30, 40, 50}

var m = map[string]int{"a": 1, "d": 7}

type box struct {
	n   int
	arr [3]int
	sl  []int
}

var theBox = &box{sl: []int{0, 0, 0}}

//asyncgo:async
func i(n int) int {
	rt.Yield()
	fmt.Println("  idx", n)
	return n
}

func p(n int) int {
	fmt.Println("  plain", n)
	return n
}

//asyncgo:async
func key(k string) string {
	rt.Yield()
	fmt.Println("  key", k)
	return k
}

//asyncgo:async
func val(v int) int {
	rt.Yield()
	fmt.Println("  val", v)
	return v
}

//asyncgo:async
func pair(a, b int) (int, int) {
	rt.Yield()
	fmt.Println("  pair", a, b)
	return a, b
}

func ptr(name string, q *int) *int {
	fmt.Println("  ptr", name)
	return q
}

func get() *box {
	fmt.Println("  get")
	return theBox
}

// bump changes what the left side reads, then suspends.
//
//asyncgo:async
func bump() int {
	m["a"] = 100
	xs[0] = 1000
	theBox.n = 5
	rt.Yield()
	fmt.Println("  bump")
	return 1
}

// swapSlice replaces the slice the left side indexes.
//
//asyncgo:async
func swapSlice() int {
	xs = append([]int(nil), xs...)
	rt.Yield()
	fmt.Println("  swap")
	return 9
}

//asyncgo:async
func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println(name, "panic:", r)
		}
	}()
	f()
	rt.Yield()
}

//asyncgo:async
func nilMap() {
	defer func() { fmt.Println("nil map:", recover()) }()
	var nilm map[string]int
	nilm[key("k")] = val(1)
}

//asyncgo:async
func outOfRange(ys []int) {
	defer func() { fmt.Println("range:", recover()) }()
	ys[p(10)] = val(2)
}

//asyncgo:async
func divMap() {
	defer func() { fmt.Println("div:", recover(), m["d"]) }()
	m[key("d")] /= val(0)
}

//asyncgo:async
func nilPtr() {
	defer func() { fmt.Println("nil ptr:", recover()) }()
	var np *int
	*ptr("nil", np) = val(5)
}

//asyncgo:async
func run() {
	old := xs
	xs[i(0)] = xs[i(4)] + i(7)
	fmt.Println(xs)
	xs[p(1)] = val(21)
	xs[i(2)] = p(33)
	fmt.Println(xs)

	// op= on map and slice elements: the element is read after the right side.
	m[key("a")] += bump()
	fmt.Println(m["a"])
	xs[p(0)] += bump()
	fmt.Println(xs[0])
	theBox.n += bump()
	fmt.Println(theBox.n)
	m[key("new")] += val(3)
	fmt.Println(m["new"], len(m))

	// the slice itself is read when the assignment happens.
	xs[p(3)] = swapSlice()
	fmt.Println(xs[3], old[3])

	// pointers and selectors
	var a, b int
	*ptr("a", &a) = val(1)
	*ptr("b", &b) += val(2)
	*ptr("a", &a), *ptr("b", &b) = val(3), *ptr("a", &a)
	fmt.Println(a, b)
	get().n = val(4)
	get().arr[i(1)] = val(5)
	get().sl[p(2)] = i(6)
	theBox.sl[i(0)], theBox.arr[i(2)] = pair(7, 8)
	fmt.Println(theBox.n, theBox.arr, theBox.sl)

	// tuples: all operands first, then the assignments left to right.
	ys := []int{0, 1, 2, 3}
	ys[i(0)], ys[i(1)] = ys[i(1)], ys[i(0)]
	fmt.Println(ys)
	ys[p(2)], m[key("t")] = pair(20, 30)
	fmt.Println(ys, m["t"])
	var s string
	k := 1
	k, ys[k], s = val(3), p(99), "x"
	fmt.Println(k, ys, s)
	ys[k], k = val(4), i(0)
	fmt.Println(k, ys)

	// the async call on the left.
	ys[i(1)] = p(11)
	ys[i(2)] += 1
	fmt.Println(ys)

	// panics on the left happen after the right side.
	try("range", func() { ys[p(10)] = 1 })
	nilMap()
	outOfRange(ys)
	divMap()
	nilPtr()

	// in statement headers
	if ys[i(3)] = val(33); ys[3] > 0 {
		fmt.Println("if", ys)
	}
	for j := 0; j < 2; ys[p(j)] += i(j) {
		j++
		fmt.Println("loop", j)
	}
	fmt.Println(ys)
	switch ys[i(0)] = val(-1); {
	case ys[0] < 0:
		fmt.Println("neg")
	}
}

func main() { run() }
