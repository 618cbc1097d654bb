//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Local type and constant declarations inside async functions, with
// values of the local types live across suspension points: constants of
// every kind (iota, typed, untyped runes, floats, big values, shadowed),
// local types (structs, recursive, aliases, interfaces, embedding, used by
// async literals and by the plain function around rt.Run).
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

type weekday int

func (d weekday) String() string { return [...]string{"sun", "mon", "tue", "wed"}[d] }

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
	fmt.Printf("%T %#v\n", it, it)
	return fmt.Sprint(it, len(items))
}

//asyncgo:async
func consts() {
	const (
		a = iota * 10
		b
		_
		d
		e, f = iota, -iota
	)
	const (
		sun weekday = iota
		mon
		tue
	)
	const third = 1.0 / 3
	const r = 'x'
	const big = 1 << 100
	const c = 2i + 1.5
	const s = "h\u00e9llo\x00\xff\""
	const neg = -7
	const typedF float32 = 0.1
	var arr [4]int
	const L = len(arr)
	rt.Yield()
	fmt.Println(a, b, d, e, f, sun, mon, tue)
	x := r
	y := third * 3
	fmt.Printf("%T %v %T %.20f %v\n", x, x, y, y, third == 1.0/3)
	fmt.Println(big>>98, c, real(c), len(s), []byte(s), neg-neg, -neg, typedF, float64(typedF), L)
	var grid [L / 2][L]int
	rt.Yield()
	grid[1][3] = 9
	fmt.Println(grid)
	switch mon + 1 {
	case tue:
		fmt.Println("tue", tue)
	}
	const n = 1
	{
		const n = 2
		rt.Yield()
		fmt.Println("inner", n)
		show := func() int { const n = 3; return n * 10 }
		fmt.Println(show())
	}
	rt.Yield()
	fmt.Println("outer", n)
}

//asyncgo:async
func types() {
	type node struct {
		v    int
		next *node
	}
	type list = []*node
	type shower interface{ show() string }
	type builder struct {
		strings.Builder
		n int
	}
	type celsius float64
	const boiling celsius = 100
	var l list
	var head *node
	for i := 0; i < 3; i++ {
		head = &node{i, head}
		l = append(l, head)
		rt.Yield()
	}
	var b builder
	for n := head; n != nil; n = n.next {
		b.WriteString(fmt.Sprint(n.v))
		b.n++
		rt.Yield()
	}
	var sh shower
	rt.Yield()
	fmt.Println(b.String(), b.n, len(l), sh == nil, boiling, boiling*2)
	fmt.Printf("%T %T %v\n", boiling, b.n, any(l[0]).(*node).v)
	var anyv any = boiling
	rt.Yield()
	switch v := anyv.(type) {
	case celsius:
		fmt.Println("celsius", float64(v))
	case float64:
		fmt.Println("float64")
	}
}

// Two functions with a local type of the same name: distinct types.
//
//asyncgo:async
func dupA() any {
	type pair struct{ a, b int }
	p := pair{1, 2}
	rt.Yield()
	return p
}

//asyncgo:async
func dupB() any {
	type pair struct{ a, b string }
	p := pair{"x", "y"}
	rt.Yield()
	return p
}

//asyncgo:async
func literals() {
	type acc struct{ sum int }
	const step = 5
	var a acc
	h := rt.Spawn(func() int {
		var local acc
		for i := 0; i < 3; i++ {
			rt.Yield()
			local.sum += step
		}
		return local.sum
	})
	a.sum = rt.Await(h)
	rt.Yield()
	fmt.Println("literals", a.sum)
}

func main() {
	type point struct{ x, y int }
	const origin = 10
	var p point
	rt.Run(func() {
		fmt.Println(run())
		consts()
		types()
		x, y := dupA(), dupB()
		fmt.Println(x, y, x == y)
		literals()
		rt.Yield()
		p.x = origin
		p.y = origin + 1
	})
	fmt.Printf("%T %+v\n", p, p)
}
