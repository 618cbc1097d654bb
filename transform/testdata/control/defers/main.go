//go:build asyncsrc

// defer (LIFO; callee, receiver and arguments evaluated at the defer
// statement; deferred closures change named results after return), panic
// and recover across suspension points, defer recover() (stops nothing),
// deferred calls in loops and carried-over statements, and cancellation
// running pending deferred calls once.
package main

import (
	"errors"
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func step(tag string) int {
	rt.Yield()
	fmt.Println("step", tag)
	return len(tag)
}

type counter struct{ n int }

func (c *counter) show(tag string)     { fmt.Println("counter", tag, c.n) }
func (c counter) showValue(tag string) { fmt.Println("value", tag, c.n) }

func log(args ...any) { fmt.Println(append([]any{"log"}, args...)...) }

//asyncgo:async
func order() (n int) {
	x := 1
	defer fmt.Println("first deferred, x at defer =", x)
	defer log("variadic", x, "y")
	c := &counter{n: 1}
	defer c.show("ptr")
	defer c.showValue("val")
	f := func(s string) { fmt.Println("func value", s) }
	defer f("f1")
	f = func(s string) { fmt.Println("replaced", s) }
	x = step("a")
	c.n = 5
	for i := 0; i < 3; i++ {
		defer fmt.Println("loop defer", i)
	}
	defer func() {
		n *= 10 // sees and changes the named result
		fmt.Println("closure sees x =", x)
	}()
	x = 42
	step("b")
	return x
}

//asyncgo:async
func recovers() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	step("before panic")
	var m map[string]int
	m["x"] = step("in panic") // panics after a suspension
	return nil
}

//asyncgo:async
func deferRecover() (s string) {
	defer func() {
		s = fmt.Sprint("outer got ", recover())
	}()
	defer recover() // does not stop the panic
	step("x")
	panic("boom")
}

//asyncgo:async
func inner() int {
	defer fmt.Println("inner deferred")
	step("inner")
	panic(errors.New("inner failed"))
}

//asyncgo:async
func outer() (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("outer recovered: ", r)
		}
	}()
	defer fmt.Println("outer deferred")
	return fmt.Sprint(inner())
}

//asyncgo:async
func repanic() {
	defer func() {
		r := recover()
		fmt.Println("second recover:", r)
	}()
	defer func() {
		r := recover()
		panic(fmt.Sprint("again: ", r))
	}()
	step("repanic")
	panic("first")
}

//asyncgo:async
func noPanicRecover() (s string) {
	defer func() {
		s = fmt.Sprint("recover without panic: ", recover())
	}()
	step("np")
	return "unchanged"
}

//asyncgo:async
func forever(tag string) {
	defer fmt.Println("cancelled task ran its defer:", tag)
	defer func() { fmt.Println("recover in cancel:", recover()) }()
	for {
		rt.Yield()
	}
}

func main() {
	fmt.Println("order:", order())
	fmt.Println("recovers:", recovers())
	fmt.Println("deferRecover:", deferRecover())
	fmt.Println(outer())
	repanic()
	fmt.Println(noPanicRecover())
	callInner()
}

func callInner() {
	defer func() { fmt.Println("main recovered:", recover()) }()
	inner()
}
