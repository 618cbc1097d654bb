//go:build asyncsrc

// A deferred call of a function value whose argument is a multi-value
// call, in a function that suspends (reported when the code is emitted).
package defermulti

import "github.com/asyncgo/asyncgo/rt"

func two() (int, int) { return 1, 2 }

//asyncgo:async
func deferValue(f func(int, int)) {
	defer f(two()) // ERROR "deferred call of a function value with a multi-value argument is not supported"
	rt.Yield()
}
