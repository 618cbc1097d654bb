package transform

// This file lowers defer statements whose callee, receiver or arguments
// suspend.

import (
	"go/ast"
)

// deferStmt spills the suspension points of a deferred call's function
// value, receiver and arguments: Go evaluates them at the defer statement,
// left to right, so they are evaluated into temporaries (every call up to
// the last suspension point, as spill does for any call) before the
// defer, which then defers the call on the temporaries:
//
//	defer mk("L").log(f(x), G(x))   =>   tmp_1 := mk("L")    // async mk
//	                                     tmp_2 := f(x)
//	                                     tmp_3 := G(x)       // async G
//	                                     defer tmp_1.log(tmp_2, tmp_3)
//
// The deferred call itself must not suspend (validate diagnoses it, and
// a suspension point in a deferred func literal's body).
func (n *normaliser) deferStmt(s *ast.DeferStmt) []ast.Stmt {
	call := s.Call
	pre, out := n.spill(append([]ast.Expr{call.Fun}, call.Args...))
	c := *call
	c.Fun = out[0]
	c.Args = out[1:]
	if c.Fun != call.Fun {
		// A new node (tmp.M, a method value on a spilled receiver): the
		// emitter needs its type to defer it.
		if tv, ok := n.u.info.Types[call.Fun]; ok {
			n.u.info.Types[c.Fun] = tv
		}
	}
	return append(pre, &ast.DeferStmt{Defer: s.Defer, Call: &c})
}
