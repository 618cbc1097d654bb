package transform

// This file lowers assignments whose left side holds calls (index
// operands, pointer indirections) and whose right side suspends, and
// defines which operations besides calls and receives are ordered events
// for spilling.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// lhsHasEvent reports whether an expression on the left of an assignment
// contains an event of the evaluation order: a call with effects, a
// receive, a binary logical operation or an ordered type assertion.
func (n *normaliser) lhsHasEvent(lhs []ast.Expr) bool {
	found := false
	for _, l := range lhs {
		if n.hasEvent(l) {
			return true
		}
		ast.Inspect(l, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BinaryExpr:
				found = found || n.isLogicalEvent(m)
			case *ast.TypeAssertExpr:
				found = found || n.isAssertEvent(m)
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// assignLhsCalls lowers an assignment (= or op=) whose left side contains
// calls and whose right side suspends. Go evaluates the operands of the
// index expressions and pointer indirections on the left and the
// expressions on the right in the usual order, then assigns left to
// right; so the left and right sides are spilled together, as one list
// in evaluation order, and the assignment itself stays one statement:
//
//	xs[i()], *p() = f(), A()    =>   tmp_1 := i(); tmp_2 := p(); tmp_3 := f(); tmp_4 := A()
//	                                 xs[tmp_1], *tmp_2 = tmp_3, tmp_4
//
// Plain operands (xs, a map read by m[k] op= v) stay in place, where gc
// also reads them: after the calls.
func (n *normaliser) assignLhsCalls(s *ast.AssignStmt) []ast.Stmt {
	xs := append(append([]ast.Expr(nil), s.Lhs...), s.Rhs...)
	pre, out := n.spill(xs)
	if len(out) < len(s.Lhs) {
		n.r.errorf(s.Pos(), "", "internal error: spilled the left side of an assignment into %d values", len(out))
		return []ast.Stmt{s}
	}
	lhs := out[:len(s.Lhs):len(s.Lhs)]
	return append(pre, &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: out[len(s.Lhs):]})
}

// isLogicalEvent reports whether x is a binary logical operation (&& or
// ||) that is not constant: the Go spec orders those with the calls and
// receives of an expression, whatever their operands, so one before a
// suspension point is evaluated into a temporary there (gc also
// evaluates it at its place, reading its operands then).
func (n *normaliser) isLogicalEvent(x *ast.BinaryExpr) bool {
	if x.Op != token.LAND && x.Op != token.LOR {
		return false
	}
	tv, ok := n.u.info.Types[x]
	return !ok || tv.Value == nil
}

// isAssertEvent reports whether the type assertion x is evaluated at its
// place in the order of calls: gc copies an assertion to a type that is
// not pointer-shaped into a temporary there (so its panic, and its read
// of the operand, come before later calls); a pointer-shaped one is
// evaluated where its value is used. An assertion to a type parameter
// counts as ordered.
func (n *normaliser) isAssertEvent(x *ast.TypeAssertExpr) bool {
	if x.Type == nil {
		return false // x.(type)
	}
	t := n.u.typeOf(x)
	if t == nil {
		return false
	}
	return !directIface(t)
}

// directIface reports whether values of t are stored directly in an
// interface's data word (gc's types.IsDirectIface).
func directIface(t types.Type) bool {
	if _, ok := t.(*types.TypeParam); ok {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Chan, *types.Map, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Array:
		return u.Len() == 1 && directIface(u.Elem())
	case *types.Struct:
		return u.NumFields() == 1 && directIface(u.Field(0).Type())
	}
	return false
}
