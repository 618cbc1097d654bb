//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Suspension points under unary operators, dereferences, conversions,
// type assertions, selectors, method calls on results and string
// concatenation.
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

type named struct{ Name string }

func (n named) Upper() string { return strings.ToUpper(n.Name) }

//asyncgo:async
func num(n int) int {
	rt.Yield()
	return n
}

//asyncgo:async
func ptr(n int) *int {
	rt.Yield()
	p := new(int)
	*p = n
	return p
}

//asyncgo:async
func iface(v any) any {
	rt.Yield()
	return v
}

//asyncgo:async
func rec(s string) named {
	rt.Yield()
	return named{s}
}

//asyncgo:async
func flag(v bool) bool {
	rt.Yield()
	return v
}

//asyncgo:async
func run() []string {
	var out []string
	out = append(out, fmt.Sprint(-num(3), ^num(5), !flag(false), *ptr(7)+*ptr(8)))
	out = append(out, fmt.Sprint(float64(num(3))/2, string(rune(num(65))), uint8(num(300))))
	s, ok := iface("str").(string)
	_, bad := iface(1).(string)
	out = append(out, fmt.Sprint(s, ok, bad, iface(4).(int)*2))
	out = append(out, rec("abc").Name+rec("def").Upper()+"!")
	f := rec("method value").Upper
	out = append(out, f())
	n := 2
	n <<= num(3)
	n |= num(1)
	out = append(out, fmt.Sprint(n, n>>num(1)))
	return out
}

func main() {
	for _, s := range run() {
		fmt.Println(s)
	}
}
