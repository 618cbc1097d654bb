//go:build asyncsrc

// Iterator methods with //asyncgo:range NAME whose step method is
// missing or does not fit the directive's contract.
package rangeby

import (
	"iter"

	"github.com/asyncgo/asyncgo/rt"
)

type q struct{ n int }

// Missing names a method that does not exist.
//
//asyncgo:range Nope
func (p *q) Missing() iter.Seq[int] { return nil }

// NotAsync names a method without //asyncgo:async.
//
//asyncgo:range plainNext
func (p *q) NotAsync() iter.Seq[int] { return nil }

func (p *q) plainNext() (int, bool) { return 0, false }

// WrongResults names a step returning (int, error).
//
//asyncgo:range errNext
func (p *q) WrongResults() iter.Seq[int] { return nil }

//asyncgo:async
func (p *q) errNext() (int, error) { rt.Yield(); return 0, nil }

// WrongParams takes a limit its step does not.
//
//asyncgo:range next
func (p *q) WrongParams(limit int) iter.Seq[int] { return nil }

//asyncgo:async
func (p *q) next() (int, bool) { rt.Yield(); return 0, false }

// Good is fine.
//
//asyncgo:range next
func (p *q) Good() iter.Seq[int] { return nil }

// Func is not a method.
//
//asyncgo:range next
func Func() iter.Seq[int] { return nil }

//asyncgo:async
func use(p *q) {
	for v := range p.Missing() { // ERROR "//asyncgo:range Nope on Missing: rangeby.q has no method Nope"
		_ = v
	}
	for range p.NotAsync() { // ERROR "plainNext is not marked //asyncgo:async"
	}
	for range p.WrongResults() { // ERROR "errNext must return \(int, bool\)"
	}
	for range p.WrongParams(3) { // ERROR "next must have the same parameters as WrongParams"
	}
	for range Func() { // ERROR "the directive applies to methods only"
	}
	for v := range p.Good() { // supported, even with no suspension in the body
		_ = v
	}
}
