package transform

// This file is the "liveness" stage: which variables declared at the
// flattened level of an async function are live across a suspension
// point. Those become fields of the state struct ("hoisted"); all others
// stay locals of Poll. Variables are keyed by types.Object, never by name.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// collectLocals finds the variables declared at the flattened level (the
// statements of the blocks and the canonical await statements), and the
// variables whose address escapes the current Poll call.
func collectLocals(u *unit) {
	u.isLocal = map[types.Object]bool{}
	u.escaping = map[types.Object]bool{}
	declare := func(id *ast.Ident) {
		if v, ok := u.objOf(id).(*types.Var); ok && id.Name != "_" && !u.isLocal[v] {
			if u.info.Defs[id] == v || u.objs[id] == v {
				u.isLocal[v] = true
				u.locals = append(u.locals, v)
			}
		}
	}
	declStmt := func(s ast.Stmt) {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declare(id)
					}
				}
			}
		case *ast.DeclStmt:
			for _, sp := range s.Decl.(*ast.GenDecl).Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, id := range vs.Names {
						declare(id)
					}
				}
			}
		}
	}
	for _, b := range u.blocks {
		for _, s := range b.stmts {
			declStmt(s)
		}
		if b.kind == termAwait {
			declStmt(b.await)
		}
	}
	// Escaping variables: captured by a func literal, or address taken.
	// Parameters, the receiver and results are tracked too: their
	// address must stay valid after the future has been dropped.
	tracked := map[types.Object]bool{}
	if r := u.sig.Recv(); r != nil {
		tracked[r] = true
	}
	for i := 0; i < u.sig.Params().Len(); i++ {
		tracked[u.sig.Params().At(i)] = true
	}
	for i := 0; i < u.sig.Results().Len(); i++ {
		tracked[u.sig.Results().At(i)] = true
	}
	for o := range tracked {
		u.isLocal[o] = true
	}
	defer func() {
		for o := range tracked {
			delete(u.isLocal, o)
		}
	}()
	ast.Inspect(u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if o := u.objOf(id); o != nil && u.isLocal[o] {
						u.escaping[o] = true
					}
				}
				return true
			})
			return false
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if o := rootVar(u, n.X); o != nil {
					u.escaping[o] = true
				}
			}
		case *ast.SliceExpr:
			if _, ok := under(u.typeOf(n.X)).(*types.Array); ok {
				if o := rootVar(u, n.X); o != nil {
					u.escaping[o] = true
				}
			}
		case *ast.SelectorExpr:
			if sel, ok := u.info.Selections[n]; ok && sel.Kind() == types.MethodVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
						if _, xptr := under(u.typeOf(n.X)).(*types.Pointer); !xptr {
							if o := rootVar(u, n.X); o != nil {
								u.escaping[o] = true
							}
						}
					}
				}
			}
		}
		return true
	})
}

func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// rootVar returns the local variable an addressable expression is part of.
func rootVar(u *unit, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if o := u.objOf(e); o != nil && u.isLocal[o] {
			return o
		}
	case *ast.SelectorExpr:
		if sel, ok := u.info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			if _, ptr := under(u.typeOf(e.X)).(*types.Pointer); !ptr {
				return rootVar(u, e.X)
			}
		}
	case *ast.IndexExpr:
		if _, ok := under(u.typeOf(e.X)).(*types.Array); ok {
			return rootVar(u, e.X)
		}
	}
	return nil
}

// A refs is an ordered list of uses and definitions in a block.
type ref struct {
	obj types.Object
	def bool
}

func (u *unit) uses(n ast.Node, out []ref) []ref {
	if n == nil {
		return out
	}
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok {
			if o := u.objOf(id); o != nil && u.isLocal[o] {
				out = append(out, ref{obj: o})
			}
		}
		return true
	})
	return out
}

// stmtRefs lists the references of a flattened-level statement in order.
func (u *unit) stmtRefs(s ast.Stmt, out []ref) []ref {
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, r := range s.Rhs {
			out = u.uses(r, out)
		}
		var defs []ref
		for _, l := range s.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				out = u.uses(l, out)
				continue
			}
			if o := u.objOf(id); o != nil && u.isLocal[o] {
				if s.Tok != token.ASSIGN && s.Tok != token.DEFINE {
					out = append(out, ref{obj: o})
				}
				defs = append(defs, ref{obj: o, def: true})
			}
		}
		return append(out, defs...)
	case *ast.DeclStmt:
		for _, sp := range s.Decl.(*ast.GenDecl).Specs {
			if vs, ok := sp.(*ast.ValueSpec); ok {
				for _, v := range vs.Values {
					out = u.uses(v, out)
				}
				for _, id := range vs.Names {
					if o := u.objOf(id); o != nil && u.isLocal[o] {
						out = append(out, ref{obj: o, def: true})
					}
				}
			}
		}
		return out
	}
	return u.uses(s, out)
}

// blockRefs lists the references of a block in execution order.
func (u *unit) blockRefs(b *block) []ref {
	var out []ref
	if b.resume != nil {
		// The resume block starts by storing the child's results.
		if as, ok := b.resume.stmt.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if o := u.objOf(l.(*ast.Ident)); o != nil && u.isLocal[o] {
					out = append(out, ref{obj: o, def: true})
				}
			}
		}
	}
	for _, s := range b.stmts {
		out = u.stmtRefs(s, out)
	}
	switch b.kind {
	case termIf:
		out = u.uses(b.cond, out)
	case termReturn:
		if b.ret != nil {
			for _, r := range b.ret.Results {
				out = u.uses(r, out)
			}
		}
	case termAwait:
		out = u.uses(b.site.call, out)
	}
	return out
}

// liveness sets u.hoisted: the locals live on entry to a resume block,
// and every escaping local.
func liveness(u *unit) {
	n := len(u.blocks)
	gen := make([]map[types.Object]bool, n)
	kill := make([]map[types.Object]bool, n)
	in := make([]map[types.Object]bool, n)
	for i, b := range u.blocks {
		gen[i], kill[i], in[i] = map[types.Object]bool{}, map[types.Object]bool{}, map[types.Object]bool{}
		for _, r := range u.blockRefs(b) {
			if r.def {
				kill[i][r.obj] = true
			} else if !kill[i][r.obj] {
				gen[i][r.obj] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			b := u.blocks[i]
			for o := range gen[i] {
				if !in[i][o] {
					in[i][o], changed = true, true
				}
			}
			for _, s := range b.edges() {
				for o := range in[s.id] {
					if !kill[i][o] && !in[i][o] {
						in[i][o], changed = true, true
					}
				}
			}
		}
	}
	u.liveIn = in
	u.liveOut = make([]map[types.Object]bool, n)
	u.refd = make([]map[types.Object]bool, n)
	for i, b := range u.blocks {
		u.liveOut[i] = map[types.Object]bool{}
		for _, s := range b.edges() {
			for o := range in[s.id] {
				u.liveOut[i][o] = true
			}
		}
		u.refd[i] = map[types.Object]bool{}
		for _, r := range u.blockRefs(b) {
			u.refd[i][r.obj] = true
		}
	}
	u.hoisted = map[types.Object]bool{}
	for i, b := range u.blocks {
		if b.resume != nil {
			for o := range in[i] {
				u.hoisted[o] = true
			}
		}
	}
	for o := range u.escaping {
		u.hoisted[o] = true
	}
}
