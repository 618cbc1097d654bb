//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// panic and recover in async functions: recover in a deferred literal
// stops a panic raised after a suspension point (and in a callee), the
// function returns its named results; defer recover() directly does not
// stop the panic; a re-panic replaces the value; defers run during
// panicking in LIFO order.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func boom(msg string) int {
	rt.Yield()
	panic(msg)
}

//asyncgo:async
func safe(msg string) (r int, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("recovered: %v", v)
			r = -1
		}
	}()
	defer fmt.Println("  defer runs while panicking")
	rt.Yield()
	r = boom(msg)
	return 7, nil
}

//asyncgo:async
func direct() (r int) {
	defer func() {
		fmt.Println("  outer recovered:", recover())
		r = 5
	}()
	defer recover() // not called directly by the deferred function: does not stop the panic
	rt.Yield()
	panic("direct")
}

//asyncgo:async
func repanic() (s string) {
	defer func() {
		s = fmt.Sprint("final: ", recover())
	}()
	defer func() {
		v := recover()
		panic(fmt.Sprint("re-", v))
	}()
	boom("first")
	return "unreached"
}

//asyncgo:async
func nopanic() (s string) {
	defer func() {
		fmt.Println("  recover without panic:", recover())
	}()
	rt.Yield()
	return "ok"
}

func main() {
	fmt.Println(safe("bad"))
	fmt.Println(direct())
	fmt.Println(repanic())
	fmt.Println(nopanic())
}
