//go:build asyncsrc

// Deferred calls: suspension points in the callee, receiver and
// arguments are evaluated at the defer statement (supported); the
// deferred call itself, or the body of a deferred literal, cannot
// suspend.
package deferarg

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type t struct{}

func (t) m(int) {}

//asyncgo:async
func val() int { rt.Yield(); return 1 }

//asyncgo:async
func mk() t { rt.Yield(); return t{} }

//asyncgo:async
func f() {
	defer fmt.Println(val())              // supported
	defer mk().m(val())                   // supported
	defer func(int) {}(val())             // supported: the literal does not suspend
	defer val()                           // ERROR "suspension point inside a deferred call"
	defer func() { _ = val() }()          // ERROR "suspension point inside a deferred function"
	defer func(int) { rt.Yield() }(val()) // ERROR "suspension point inside a deferred function"
}
