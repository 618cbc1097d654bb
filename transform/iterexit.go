package transform

// This file lets goto and labeled break and continue leave a range over an
// iterator function that suspends (a pull iterator, see rangeStmt): the
// iterator is stopped, as at the loop's end, before the jump.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// ownLabel returns the label of the statement s in the function being
// lowered, or nil.
func (n *normaliser) ownLabel(s ast.Stmt) types.Object {
	var l types.Object
	ast.Inspect(n.u.decl.Body, func(m ast.Node) bool {
		if ls, ok := m.(*ast.LabeledStmt); ok && ls.Stmt == s {
			l = n.u.info.Defs[ls.Label]
		}
		return l == nil
	})
	return l
}

// stopExits rewrites the branches of a normalised loop body that leave the
// loop (goto, and break or continue naming a label outside the body other
// than the loop's own, own) into a block that first runs exit() (a new end
// mark of the pull iterator: stop it, drop its deferred stop if on top),
// then branches:
//
//	continue outer   =>   { tmp_stop(nil); <pop>; continue outer }
//
// Nested loops are lowered innermost first, so a branch leaving several
// such loops stops the inner iterator first, as Go's range over functions
// does. Containers on the path to a rewritten branch are copied (the
// loaded AST is never modified), with what earlier stages recorded about
// them (lowered switches, type switch clause variables).
func (n *normaliser) stopExits(body []ast.Stmt, own types.Object, exit func() ast.Stmt) []ast.Stmt {
	inner := map[types.Object]bool{}
	for _, s := range body {
		ast.Inspect(s, func(m ast.Node) bool {
			if ls, ok := m.(*ast.LabeledStmt); ok {
				inner[n.u.info.Defs[ls.Label]] = true
			}
			return true
		})
	}
	leaves := func(br *ast.BranchStmt) bool {
		if br.Label == nil {
			return false // break and continue of the loop or of an inner statement
		}
		l := n.u.info.Uses[br.Label]
		return l != nil && !inner[l] && (br.Tok == token.GOTO || l != own)
	}
	var stmt func(s ast.Stmt) ast.Stmt
	list := func(xs []ast.Stmt) ([]ast.Stmt, bool) {
		var out []ast.Stmt
		changed := false
		for i, x := range xs {
			y := stmt(x)
			if y != x && !changed {
				changed = true
				out = append([]ast.Stmt{}, xs[:i]...)
			}
			if changed {
				out = append(out, y)
			}
		}
		if !changed {
			return xs, false
		}
		return out, true
	}
	block := func(b *ast.BlockStmt) (*ast.BlockStmt, bool) {
		if b == nil {
			return nil, false
		}
		l, ok := list(b.List)
		if !ok {
			return b, false
		}
		return &ast.BlockStmt{Lbrace: b.Lbrace, List: l, Rbrace: b.Rbrace}, true
	}
	clauses := func(b *ast.BlockStmt) (*ast.BlockStmt, bool) {
		changed := false
		var out []ast.Stmt
		for _, cl := range b.List {
			switch c := cl.(type) {
			case *ast.CaseClause:
				if l, ok := list(c.Body); ok {
					nc := &ast.CaseClause{Case: c.Case, List: c.List, Colon: c.Colon, Body: l}
					if v, ok := n.u.info.Implicits[c]; ok {
						n.u.info.Implicits[nc] = v
					}
					out, changed = append(out, nc), true
					continue
				}
			case *ast.CommClause:
				if l, ok := list(c.Body); ok {
					out, changed = append(out, &ast.CommClause{Case: c.Case, Comm: c.Comm, Colon: c.Colon, Body: l}), true
					continue
				}
			}
			out = append(out, cl)
		}
		if !changed {
			return b, false
		}
		return &ast.BlockStmt{Lbrace: b.Lbrace, List: out, Rbrace: b.Rbrace}, true
	}
	stmt = func(s ast.Stmt) ast.Stmt {
		switch s := s.(type) {
		case *ast.BranchStmt:
			if leaves(s) {
				return &ast.BlockStmt{Lbrace: s.Pos(), List: []ast.Stmt{exit(), s}, Rbrace: s.End()}
			}
		case *ast.BlockStmt:
			if b, ok := block(s); ok {
				return b
			}
		case *ast.LabeledStmt:
			if x := stmt(s.Stmt); x != s.Stmt {
				return &ast.LabeledStmt{Label: s.Label, Colon: s.Colon, Stmt: x}
			}
		case *ast.IfStmt:
			b, ok1 := block(s.Body)
			var els ast.Stmt = s.Else
			if s.Else != nil {
				els = stmt(s.Else)
			}
			if ok1 || els != s.Else {
				return &ast.IfStmt{If: s.If, Init: s.Init, Cond: s.Cond, Body: b, Else: els}
			}
		case *ast.ForStmt:
			if b, ok := block(s.Body); ok {
				c := *s
				c.Body = b
				if m, ok := n.u.marks[s]; ok {
					n.u.marks[&c] = m
				}
				return &c
			}
		case *ast.RangeStmt:
			if b, ok := block(s.Body); ok {
				c := *s
				c.Body = b
				return &c
			}
		case *ast.SwitchStmt:
			if b, ok := clauses(s.Body); ok {
				c := *s
				c.Body = b
				if low, ok := n.u.switches[s]; ok {
					n.u.switches[&c] = low
				}
				return &c
			}
		case *ast.TypeSwitchStmt:
			if b, ok := clauses(s.Body); ok {
				c := *s
				c.Body = b
				if low, ok := n.u.typeSwitches[s]; ok {
					n.u.typeSwitches[&c] = low
				}
				return &c
			}
		case *ast.SelectStmt:
			if b, ok := clauses(s.Body); ok {
				c := *s
				c.Body = b
				return &c
			}
		}
		return s
	}
	out, _ := list(body)
	return out
}
