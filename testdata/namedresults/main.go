//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Named results: assigned before and after suspension points, returned
// bare and with values, shadowed by inner declarations, and read back.
package main

import (
	"errors"
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func step(n int) int {
	rt.Yield()
	return n + 1
}

//asyncgo:async
func f(n int) (count int, msg string, err error) {
	count = step(n)
	if count > 5 {
		msg = "big"
		return
	}
	msg = fmt.Sprint("small:", count)
	if n < 0 {
		err := errors.New("shadowed")
		_ = err
		return count, msg, errors.New("negative")
	}
	count = step(count) + step(count)
	return
}

//asyncgo:async
func g() (a, b int) {
	a, b = step(1), step(a)
	a, b = b, a
	return b, step(a)
}

func main() {
	fmt.Println(f(1))
	fmt.Println(f(9))
	fmt.Println(f(-3))
	fmt.Println(g())
}
