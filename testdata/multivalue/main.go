//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Multi-value suspending calls in definitions, assignments (including
// swaps that read the old values), returns and as the whole argument list
// of another call.
package main

import (
	"errors"
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func divmod(a, b int) (int, int, error) {
	rt.Yield()
	if b == 0 {
		return 0, 0, errors.New("div by zero")
	}
	return a / b, a % b, nil
}

//asyncgo:async
func pair(x, y string) (string, string) {
	rt.Yield()
	return y, x
}

func join(a, b string) string { return a + "+" + b }

//asyncgo:async
func forward(a, b int) (int, int, error) {
	return divmod(a, b)
}

//asyncgo:async
func run() (q, r int, err error) {
	q, r, err = divmod(17, 5)
	fmt.Println(q, r, err)
	x, y := pair("a", "b")
	x, y = pair(x, y)
	fmt.Println(x, y)
	x, y = y, x
	fmt.Println(join(pair(x, y)))
	if _, _, err := forward(1, 0); err != nil {
		fmt.Println("err", err)
	}
	var arr [2]string
	arr[0], arr[1] = pair("p", "q")
	fmt.Println(arr)
	q, r, err = forward(q*100, r+1)
	return
}

func main() {
	fmt.Println(run())
}
