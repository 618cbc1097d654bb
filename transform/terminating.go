package transform

import (
	"go/ast"
	"go/token"
	"go/types"
)

// terminates reports whether s is a terminating statement (The Go
// Programming Language Specification, "Terminating statements"): code after
// it is unreachable, and go vet rejects any. It is conservative: false when
// unsure.
func (u *unit) terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO || s.Tok == token.FALLTHROUGH
	case *ast.ExprStmt:
		call, ok := ast.Unparen(s.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || id.Name != "panic" {
			return false
		}
		b, ok := u.objOf(id).(*types.Builtin)
		return ok && b.Name() == "panic"
	case *ast.BlockStmt:
		return len(s.List) > 0 && u.terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && u.terminates(s.Body) && u.terminates(s.Else)
	case *ast.LabeledStmt:
		return u.terminates(s.Stmt)
	case *ast.ForStmt:
		return s.Cond == nil && !hasBreak(s.Body, s, "")
	case *ast.SwitchStmt:
		return u.clausesTerminate(s.Body, s)
	case *ast.TypeSwitchStmt:
		return u.clausesTerminate(s.Body, s)
	case *ast.SelectStmt:
		for _, c := range s.Body.List {
			cc := c.(*ast.CommClause)
			if len(cc.Body) == 0 || !u.terminates(cc.Body[len(cc.Body)-1]) || hasBreak(&ast.BlockStmt{List: cc.Body}, s, "") {
				return false
			}
		}
		return true
	}
	return false
}

// clausesTerminate: the switch has a default clause and every clause ends
// in a terminating statement (or a fallthrough) and has no break out of it.
func (u *unit) clausesTerminate(body *ast.BlockStmt, sw ast.Stmt) bool {
	def := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			def = true
		}
		if len(cc.Body) == 0 || !u.terminates(cc.Body[len(cc.Body)-1]) || hasBreak(&ast.BlockStmt{List: cc.Body}, sw, "") {
			return false
		}
	}
	return def
}

// hasBreak reports whether body may contain a break leaving target. It is
// conservative: any labeled break counts (the label of target is not
// resolved here), as does an unlabeled break not inside a nested
// for/switch/select.
func hasBreak(body ast.Node, target ast.Stmt, _ string) bool {
	found := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if found {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && (m.Label != nil || !nested) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n && m != target {
					var inner ast.Node
					switch m := m.(type) {
					case *ast.ForStmt:
						inner = m.Body
					case *ast.RangeStmt:
						inner = m.Body
					case *ast.SwitchStmt:
						inner = m.Body
					case *ast.TypeSwitchStmt:
						inner = m.Body
					case *ast.SelectStmt:
						inner = m.Body
					}
					walk(inner, true)
					return false
				}
			}
			return true
		})
	}
	walk(body, false)
	return found
}

// pointerFree reports whether values of t hold no pointers (so the
// garbage collector never needs them zeroed). It is conservative: false
// for type parameters and anything unsure.
func pointerFree(t types.Type) bool {
	return pointerFreeSeen(t, map[types.Type]bool{})
}

func pointerFreeSeen(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	defer delete(seen, t)
	if _, ok := t.(*types.TypeParam); ok {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsString|types.IsUntyped) == 0 && u.Kind() != types.UnsafePointer && u.Kind() != types.Invalid
	case *types.Array:
		return u.Len() == 0 || pointerFreeSeen(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !pointerFreeSeen(u.Field(i).Type(), seen) {
				return false
			}
		}
		return true
	}
	return false
}

// layoutPointerFree reports whether the state struct of l holds no
// pointers; children that are state structs of this file (local) count
// with their own fields, any other unknown child makes it false.
func layoutPointerFree(l *layout, local map[string]*layout, seen map[*layout]bool) bool {
	if seen[l] {
		return false
	}
	seen[l] = true
	defer delete(seen, l)
	for _, f := range l.fields {
		if f.t != nil {
			if !pointerFree(f.t) {
				return false
			}
			continue
		}
		var cl *layout
		for _, s := range l.sitesInOrder {
			if l.child[s.index] == f.name && s.kind == siteCall && len(s.inst) == 0 {
				name, _ := futureNames(s.fn)
				cl = local[name]
			}
		}
		if cl == nil || !layoutPointerFree(cl, local, seen) {
			return false
		}
	}
	return true
}
