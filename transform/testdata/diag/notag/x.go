// Package notag has no asyncsrc build constraint.
package notag // ERROR "missing build constraint"

import "github.com/asyncgo/asyncgo/rt"

//asyncgo:async
func F() { rt.Yield() }
