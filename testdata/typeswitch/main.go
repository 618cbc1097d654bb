//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Type switches with suspension points in the guard and in clauses: the
// clause variable keeps its type and value (and the writes to it) across
// suspension points; multi-type clauses see the interface value; nil case.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type shape interface{ area() int }
type sq struct{ s int }
type rect struct{ w, h int }

func (q sq) area() int   { return q.s * q.s }
func (r rect) area() int { return r.w * r.h }

//asyncgo:async
func get(v any) any {
	rt.Yield()
	return v
}

//asyncgo:async
func describe(v any) string {
	switch x := get(v).(type) {
	case nil:
		return "nil"
	case int:
		rt.Yield()
		x *= 2
		rt.Yield()
		return fmt.Sprint("int*2=", x)
	case string, []byte:
		rt.Yield()
		return fmt.Sprintf("text %v", x)
	case shape:
		a := x.area()
		rt.Yield()
		if r, ok := x.(rect); ok {
			r.w++
			return fmt.Sprint("rect area ", a, " wider ", r.area())
		}
		return fmt.Sprint("shape ", a)
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	for _, v := range []any{nil, 21, "s", []byte("b"), sq{3}, rect{2, 5}, 1.5} {
		fmt.Println(describe(v))
	}
}
