//go:build asyncsrc

// switch and type switch with suspension points in the tag, the case
// expressions (lazy: first match wins) and the bodies; fallthrough,
// default anywhere, labeled break and continue.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var trace []string

//asyncgo:async
func val(tag string, v int) int {
	rt.Yield()
	trace = append(trace, tag)
	return v
}

//asyncgo:async
func tagged(x int) string {
	out := ""
	switch y := val("tag", x); y {
	case val("a", 1), val("b", 2):
		out = "one-or-two"
		rt.Yield()
	default:
		out = "default"
	case val("c", 3):
		out = "three"
		fallthrough
	case 4:
		out += "+four"
		if y == 3 {
			break
		}
		out += "!"
	}
	return out
}

//asyncgo:async
func tagless(x int) (r string) {
	switch {
	case x < 0:
		r = "neg"
	case val("zero?", x) == 0:
		r = "zero"
	case x > 10:
		r = "big"
		fallthrough
	default:
		r += fmt.Sprint(val("dflt", x))
	}
	return
}

type shape interface{ area() int }
type sq struct{ s int }
type rect struct{ w, h int }

func (q sq) area() int   { return q.s * q.s }
func (r rect) area() int { return r.w * r.h }

//asyncgo:async
func kinds(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		x += val("int", 1)
		return fmt.Sprint("int ", x)
	case string, []byte:
		rt.Yield()
		return fmt.Sprintf("text %v", x)
	case shape:
		n := x.area()
		rt.Yield()
		return fmt.Sprint("shape ", n, x.area())
	default:
		rt.Yield()
		return fmt.Sprintf("other %T", x)
	}
}

//asyncgo:async
func labeled() []int {
	var out []int
outer:
	for i := 0; i < 4; i++ {
		switch val("i", i) {
		case 1:
			continue outer
		case 3:
			break outer
		}
		for j := 0; j < 3; j++ {
			if j == 2 {
				continue outer
			}
			out = append(out, i*10+j)
			rt.Yield()
		}
	}
	return out
}

func main() {
	for i := 0; i < 6; i++ {
		trace = nil
		r := tagged(i)
		fmt.Println(i, r, trace)
	}
	for _, x := range []int{-1, 0, 5, 11} {
		trace = nil
		fmt.Println(tagless(x), trace)
	}
	for _, v := range []any{nil, 3, "s", []byte("b"), sq{2}, rect{2, 3}, 1.5} {
		fmt.Println(kinds(v))
	}
	fmt.Println(labeled())
}

//asyncgo:async
func captured(vs []any) []string {
	var fs []func() string
	for _, v := range vs {
		switch x := v.(type) {
		case int:
			fs = append(fs, func() string { x++; return fmt.Sprint("int ", x) })
			rt.Yield()
			x += 10
		default:
			rt.Yield()
			fs = append(fs, func() string { return fmt.Sprint("other ", x) })
		}
	}
	var out []string
	for _, f := range fs {
		out = append(out, f())
	}
	return out
}

func init() {
	fmt.Println(captured([]any{1, "a", 2}))
}
