//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Deferred closures see and change named results after return, including
// after a suspension point in the function; the returned values are those
// left by the defers.
package main

import (
	"errors"
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func work(n int) (int, error) {
	rt.Yield()
	if n < 0 {
		return 0, errors.New("negative")
	}
	return n * 2, nil
}

//asyncgo:async
func wrap(n int) (res int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("wrap(%d): %w", n, err)
			res = -1
		}
	}()
	defer func() { res++ }()
	res, err = work(n)
	if err != nil {
		return
	}
	rt.Yield()
	return res * 10, nil
}

//asyncgo:async
func counter() (n int) {
	defer func() { n *= 2 }()
	for i := 0; i < 3; i++ {
		n += i
		rt.Yield()
	}
	return n + 100
}

func main() {
	fmt.Println(wrap(3))
	fmt.Println(wrap(-1))
	fmt.Println(counter())
}
