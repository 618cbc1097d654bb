//go:build asyncsrc

// range with suspension points in the body over slices, arrays (copied
// once), pointers to arrays, strings (with invalid UTF-8), maps (deleted
// keys are not visited), integers; break, continue and closures over the
// per-iteration variables.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func id[T any](x T) T {
	rt.Yield()
	return x
}

var evals int

func xs() []int { evals++; return []int{1, 2, 3, 4, 5} }

//asyncgo:async
func slices() (out []int) {
	for i, x := range xs() {
		if x == 2 {
			continue
		}
		if x == 5 {
			break
		}
		out = append(out, id(i*100+x))
	}
	for i := range xs() {
		out = append(out, id(i))
	}
	var fs []func() int
	for _, x := range xs() {
		fs = append(fs, func() int { return x })
		rt.Yield()
	}
	for _, f := range fs {
		out = append(out, f())
	}
	return out
}

//asyncgo:async
func arrays() []int {
	a := [3]int{1, 2, 3}
	var out []int
	for i, x := range a { // a is copied: the writes are not seen
		a[2] = 100
		out = append(out, id(x+i))
	}
	p := &a
	for i, x := range p { // not copied
		p[2] = 7
		out = append(out, id(x+i))
	}
	var np *[2]int
	for i := range np { // len is constant: np is not dereferenced
		out = append(out, id(i))
	}
	return out
}

//asyncgo:async
func strs() []string {
	var out []string
	for i, r := range "héllo\xffw" {
		out = append(out, fmt.Sprintf("%d:%q", id(i), r))
	}
	for range "ab" {
		rt.Yield()
		out = append(out, "x")
	}
	return out
}

//asyncgo:async
func maps() []string {
	m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	visited := 0
	sum := 0
	for k, v := range m {
		// the first visit deletes every other key: none is visited later
		for _, d := range []string{"a", "b", "c", "d"} {
			if d != k && visited == 0 {
				delete(m, d)
			}
		}
		visited++
		sum += id(v)
		if m[k] != v {
			return []string{"wrong value"}
		}
	}
	total := 0
	for _, v := range map[int]int{1: 10, 2: 20, 3: 30} {
		total += id(v)
	}
	return []string{fmt.Sprint(visited, len(m), sum == m[func() string {
		for k := range m {
			return k
		}
		return ""
	}()], total)}
}

type small int

//asyncgo:async
func ints() (n small) {
	for i := range small(4) {
		n += id(i)
	}
	for range 3 {
		n += id(small(100))
	}
	return n
}

func main() {
	fmt.Println(slices(), evals)
	fmt.Println(arrays())
	fmt.Println(strs())
	fmt.Println(maps())
	fmt.Println(ints())
}
