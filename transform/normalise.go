package transform

// This file is the "normalise" stage: it rewrites the body of an async
// function so that every suspension point is a statement of one of the
// canonical forms
//
//	F(args)                 // expression statement
//	x, y := F(args)         // definition or assignment of plain identifiers
//
// whose arguments contain no suspension point. Everything a suspension
// point is nested in is spilled into temporaries first, in Go's evaluation
// order. The loaded AST is never modified: changed statements are new
// nodes, unchanged subtrees are shared.

import (
	"go/ast"
	"go/token"
	"go/types"
)

type normaliser struct {
	u *unit
	r *reporter
}

// normalise sets u.body to the normalised body of u.decl.
func normalise(u *unit, r *reporter) {
	n := &normaliser{u: u, r: r}
	u.body = &ast.BlockStmt{Lbrace: u.decl.Body.Lbrace, List: n.list(u.decl.Body.List), Rbrace: u.decl.Body.Rbrace}
}

func (n *normaliser) susp(x ast.Node) bool { return x != nil && n.u.find.containsSuspend(x) }

func (n *normaliser) list(stmts []ast.Stmt) []ast.Stmt {
	var out []ast.Stmt
	for _, s := range stmts {
		out = append(out, n.stmt(s)...)
	}
	return out
}

// newTemp returns a fresh temporary of type t.
func (n *normaliser) newTemp(pos token.Pos, t types.Type) *ast.Ident {
	id := &ast.Ident{NamePos: pos, Name: "tmp"}
	n.u.objs[id] = types.NewVar(pos, n.u.pkg, "tmp", types.Default(t))
	return id
}

// canonical returns the canonical statement for a suspension call whose
// arguments have been spilled: newCall is registered as the site of orig.
func (n *normaliser) register(orig, newCall *ast.CallExpr) {
	s := n.u.find.siteOf(orig)
	if s == nil {
		return
	}
	n.u.nsites++
	s.index = n.u.nsites
	s.call = newCall
	if s.recv != nil {
		if sel, ok := ast.Unparen(newCall.Fun).(*ast.SelectorExpr); ok {
			s.recv = sel.X
		}
	}
	n.u.sites[newCall] = s
}

func (n *normaliser) stmt(s ast.Stmt) []ast.Stmt {
	if !n.susp(s) {
		return []ast.Stmt{s}
	}
	switch s := s.(type) {
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && n.u.find.isSuspend(call) {
			pre, c := n.spillCallArgs(call)
			n.register(call, c)
			return append(pre, &ast.ExprStmt{X: c})
		}
		pre, xs := n.spill([]ast.Expr{s.X})
		return append(pre, &ast.ExprStmt{X: xs[0]})

	case *ast.AssignStmt:
		if (s.Tok == token.DEFINE || s.Tok == token.ASSIGN) && len(s.Rhs) == 1 && allIdents(s.Lhs) {
			if call, ok := ast.Unparen(s.Rhs[0]).(*ast.CallExpr); ok && n.u.find.isSuspend(call) {
				pre, c := n.spillCallArgs(call)
				n.register(call, c)
				return append(pre, &ast.AssignStmt{Lhs: s.Lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: []ast.Expr{c}})
			}
		}
		pre, rhs := n.spill(s.Rhs)
		if len(rhs) != len(s.Rhs) && len(s.Lhs) != len(rhs) {
			n.r.errorf(s.Pos(), "", "internal error: spilled %d values into %d", len(rhs), len(s.Lhs))
		}
		return append(pre, &ast.AssignStmt{Lhs: s.Lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: rhs})

	case *ast.DeclStmt:
		gd := s.Decl.(*ast.GenDecl)
		var out []ast.Stmt
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			lhs := make([]ast.Expr, len(vs.Names))
			for i, nm := range vs.Names {
				lhs[i] = nm
			}
			if len(vs.Values) == 0 {
				out = append(out, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: gd.TokPos, Tok: token.VAR, Specs: []ast.Spec{vs}}})
				continue
			}
			out = append(out, n.stmt(&ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: token.DEFINE, Rhs: vs.Values})...)
		}
		return out

	case *ast.ReturnStmt:
		pre, res := n.spill(s.Results)
		return append(pre, &ast.ReturnStmt{Return: s.Return, Results: res})

	case *ast.IncDecStmt:
		pre, xs := n.spill([]ast.Expr{s.X})
		return append(pre, &ast.IncDecStmt{X: xs[0], TokPos: s.TokPos, Tok: s.Tok})

	case *ast.SendStmt:
		pre, xs := n.spill([]ast.Expr{s.Chan, s.Value})
		return append(pre, &ast.SendStmt{Chan: xs[0], Arrow: s.Arrow, Value: xs[1]})

	case *ast.GoStmt:
		pre, args := n.spill(s.Call.Args)
		c := *s.Call
		c.Args = args
		return append(pre, &ast.GoStmt{Go: s.Go, Call: &c})

	case *ast.BlockStmt:
		return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Lbrace, List: n.list(s.List), Rbrace: s.Rbrace}}

	case *ast.IfStmt:
		var pre []ast.Stmt
		if s.Init != nil {
			pre = n.stmt(s.Init)
		}
		cpre, cond := n.spill([]ast.Expr{s.Cond})
		pre = append(pre, cpre...)
		ifs := &ast.IfStmt{If: s.If, Cond: cond[0], Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, List: n.list(s.Body.List), Rbrace: s.Body.Rbrace}}
		if s.Else != nil {
			els := n.stmt(s.Else)
			ifs.Else = &ast.BlockStmt{Lbrace: s.Else.Pos(), List: els, Rbrace: s.Else.End()}
			if len(els) == 1 {
				switch e := els[0].(type) {
				case *ast.IfStmt, *ast.BlockStmt:
					ifs.Else = e
				}
			}
		}
		if len(pre) == 0 {
			return []ast.Stmt{ifs}
		}
		return []ast.Stmt{&ast.BlockStmt{Lbrace: s.If, List: append(pre, ifs), Rbrace: s.End()}}

	case *ast.ForStmt:
		f := &ast.ForStmt{For: s.For, Cond: s.Cond}
		if s.Init != nil {
			f.Init = &ast.BlockStmt{Lbrace: s.Init.Pos(), List: n.stmt(s.Init), Rbrace: s.Init.End()}
		}
		if s.Post != nil {
			f.Post = &ast.BlockStmt{Lbrace: s.Post.Pos(), List: n.stmt(s.Post), Rbrace: s.Post.End()}
		}
		body := n.list(s.Body.List)
		if n.susp(s.Cond) {
			// for init; cond; post { body }  =>  for init; ; post { spills; if !cond { break }; body }
			pre, cond := n.spill([]ast.Expr{s.Cond})
			var neg ast.Expr = &ast.ParenExpr{X: cond[0]}
			if _, ok := cond[0].(*ast.Ident); ok {
				neg = cond[0]
			}
			brk := &ast.IfStmt{If: s.Cond.Pos(), Cond: &ast.UnaryExpr{OpPos: s.Cond.Pos(), Op: token.NOT, X: neg},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{TokPos: s.Cond.Pos(), Tok: token.BREAK}}}}
			n.u.info.Types[brk.Cond] = types.TypeAndValue{Type: types.Typ[types.Bool]}
			body = append(append(pre, brk), body...)
			f.Cond = nil
		}
		f.Body = &ast.BlockStmt{Lbrace: s.Body.Lbrace, List: body, Rbrace: s.Body.Rbrace}
		return []ast.Stmt{f}
	}
	// validate has reported everything else.
	return []ast.Stmt{s}
}

func allIdents(xs []ast.Expr) bool {
	for _, x := range xs {
		if _, ok := x.(*ast.Ident); !ok {
			return false
		}
	}
	return true
}

// spillCallArgs spills the arguments (and receiver) of a suspension call.
func (n *normaliser) spillCallArgs(call *ast.CallExpr) ([]ast.Stmt, *ast.CallExpr) {
	exprs := append([]ast.Expr{call.Fun}, call.Args...)
	if !n.susp(&ast.CallExpr{Fun: call.Fun, Args: call.Args}) || !anySusp(n, exprs) {
		return nil, call
	}
	pre, out := n.spill(exprs)
	c := *call
	c.Fun = out[0]
	c.Args = out[1:]
	return pre, &c
}

func anySusp(n *normaliser, xs []ast.Expr) bool {
	for _, x := range xs {
		if n.susp(x) {
			return true
		}
	}
	return false
}

// spill rewrites a list of expressions evaluated left to right so that
// none contains a suspension point: every call up to and including the
// last suspension point (in evaluation order) is evaluated into a
// temporary by the returned statements. Calls after it, and operands
// that are not calls, stay in place (gc, the reference build, also
// evaluates them after the calls). A && or || whose right operand
// suspends becomes an if statement. The result may be longer than xs
// when a multi-value call was spilled.
func (n *normaliser) spill(xs []ast.Expr) ([]ast.Stmt, []ast.Expr) {
	// Count events (calls, receives, suspending &&/||) in evaluation order
	// and find the last suspending one.
	count, last := 0, -1
	var visit func(e ast.Node)
	visit = func(e ast.Node) {
		ast.Inspect(e, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BinaryExpr:
				if (x.Op == token.LAND || x.Op == token.LOR) && n.susp(x.Y) {
					visit(x.X)
					count++
					last = count
					return false
				}
			case *ast.CallExpr:
				visit(x.Fun)
				for _, a := range x.Args {
					visit(a)
				}
				if n.isEvent(x) {
					count++
					if n.u.find.isSuspend(x) {
						last = count
					}
				}
				return false
			case *ast.UnaryExpr:
				if x.Op == token.ARROW {
					visit(x.X)
					count++
					return false
				}
			}
			return true
		})
	}
	for _, x := range xs {
		visit(x)
	}
	sp := &spiller{n: n, last: last}
	var out []ast.Expr
	for _, x := range xs {
		out = append(out, sp.expr(x)...)
	}
	return sp.pre, out
}

// isEvent reports whether a call has effects that order matters for:
// conversions, constant expressions and side-effect-free builtins do not.
func (n *normaliser) isEvent(c *ast.CallExpr) bool {
	tv, ok := n.u.info.Types[c.Fun]
	if ok && tv.IsType() {
		return false
	}
	if tv, ok := n.u.info.Types[c]; ok && tv.Value != nil {
		return false
	}
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if b, ok := n.u.info.Uses[id].(*types.Builtin); ok {
			switch b.Name() {
			case "len", "cap", "complex", "real", "imag", "min", "max", "unsafe.Sizeof":
				return false
			}
		}
	}
	return true
}

type spiller struct {
	n     *normaliser
	last  int
	count int
	pre   []ast.Stmt
}

// expr returns the rewritten expression (several for a spilled
// multi-value call).
func (sp *spiller) expr(e ast.Expr) []ast.Expr {
	if sp.count >= sp.last {
		return []ast.Expr{e} // nothing left to spill in here
	}
	one := func(x ast.Expr) ast.Expr {
		r := sp.expr(x)
		if len(r) != 1 {
			sp.n.r.errorf(x.Pos(), "", "multi-value call in single-value context")
			return x
		}
		return r[0]
	}
	n := sp.n
	switch x := e.(type) {
	case *ast.ParenExpr:
		return []ast.Expr{&ast.ParenExpr{Lparen: x.Lparen, X: one(x.X), Rparen: x.Rparen}}
	case *ast.BinaryExpr:
		if (x.Op == token.LAND || x.Op == token.LOR) && n.susp(x.Y) {
			// a && b  =>  t := a; if t { spills(b); t = b' }
			l := one(x.X)
			sp.count++
			if sp.count > sp.last {
				return []ast.Expr{&ast.BinaryExpr{X: l, OpPos: x.OpPos, Op: x.Op, Y: x.Y}}
			}
			t := n.newTemp(x.Pos(), n.u.typeOf(x))
			sp.pre = append(sp.pre, &ast.AssignStmt{Lhs: []ast.Expr{t}, TokPos: x.OpPos, Tok: token.DEFINE, Rhs: []ast.Expr{l}})
			ypre, y := n.spill([]ast.Expr{x.Y})
			var cond ast.Expr = t
			if x.Op == token.LOR {
				cond = &ast.UnaryExpr{OpPos: x.OpPos, Op: token.NOT, X: t}
			}
			body := append(ypre, &ast.AssignStmt{Lhs: []ast.Expr{t}, TokPos: x.OpPos, Tok: token.ASSIGN, Rhs: y})
			sp.pre = append(sp.pre, &ast.IfStmt{If: x.OpPos, Cond: cond, Body: &ast.BlockStmt{List: n.list(body)}})
			return []ast.Expr{t}
		}
		l := one(x.X)
		r := one(x.Y)
		return []ast.Expr{&ast.BinaryExpr{X: l, OpPos: x.OpPos, Op: x.Op, Y: r}}
	case *ast.UnaryExpr:
		v := one(x.X)
		u := &ast.UnaryExpr{OpPos: x.OpPos, Op: x.Op, X: v}
		if x.Op == token.ARROW {
			sp.count++
			if sp.count > sp.last {
				return []ast.Expr{u}
			}
			return []ast.Expr{sp.temp(u, x)}
		}
		return []ast.Expr{u}
	case *ast.StarExpr:
		return []ast.Expr{&ast.StarExpr{Star: x.Star, X: one(x.X)}}
	case *ast.SelectorExpr:
		if _, ok := n.u.info.Selections[x]; !ok {
			return []ast.Expr{x} // qualified identifier
		}
		return []ast.Expr{&ast.SelectorExpr{X: one(x.X), Sel: x.Sel}}
	case *ast.IndexExpr:
		return []ast.Expr{&ast.IndexExpr{X: one(x.X), Lbrack: x.Lbrack, Index: one(x.Index), Rbrack: x.Rbrack}}
	case *ast.SliceExpr:
		s := *x
		s.X = one(x.X)
		if x.Low != nil {
			s.Low = one(x.Low)
		}
		if x.High != nil {
			s.High = one(x.High)
		}
		if x.Max != nil {
			s.Max = one(x.Max)
		}
		return []ast.Expr{&s}
	case *ast.TypeAssertExpr:
		return []ast.Expr{&ast.TypeAssertExpr{X: one(x.X), Lparen: x.Lparen, Type: x.Type, Rparen: x.Rparen}}
	case *ast.KeyValueExpr:
		return []ast.Expr{&ast.KeyValueExpr{Key: x.Key, Colon: x.Colon, Value: one(x.Value)}}
	case *ast.CompositeLit:
		c := *x
		c.Elts = nil
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if _, isStruct := n.u.info.TypeOf(x).Underlying().(*types.Struct); !isStruct {
					c.Elts = append(c.Elts, &ast.KeyValueExpr{Key: one(kv.Key), Colon: kv.Colon, Value: one(kv.Value)})
					continue
				}
			}
			c.Elts = append(c.Elts, one(el))
		}
		return []ast.Expr{&c}
	case *ast.CallExpr:
		c := *x
		if !isTypeExpr(n, x.Fun) {
			c.Fun = one(x.Fun)
		}
		c.Args = nil
		for _, a := range x.Args {
			c.Args = append(c.Args, sp.expr(a)...)
		}
		if !n.isEvent(x) {
			return []ast.Expr{&c}
		}
		sp.count++
		if sp.count > sp.last {
			return []ast.Expr{&c}
		}
		if n.u.find.isSuspend(x) {
			n.register(x, &c)
		}
		if tup, ok := n.u.info.TypeOf(x).(*types.Tuple); ok || n.u.info.TypeOf(x) == nil {
			if tup.Len() == 0 {
				sp.pre = append(sp.pre, &ast.ExprStmt{X: &c})
				return nil
			}
			var ids []ast.Expr
			for i := 0; i < tup.Len(); i++ {
				ids = append(ids, n.newTemp(x.Pos(), tup.At(i).Type()))
			}
			sp.pre = append(sp.pre, &ast.AssignStmt{Lhs: ids, TokPos: x.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{&c}})
			return ids
		}
		return []ast.Expr{sp.temp(&c, x)}
	}
	return []ast.Expr{e}
}

// temp assigns v (the rewritten orig) to a new temporary and returns it.
func (sp *spiller) temp(v, orig ast.Expr) ast.Expr {
	t := sp.n.newTemp(orig.Pos(), sp.n.u.info.TypeOf(orig))
	sp.pre = append(sp.pre, &ast.AssignStmt{Lhs: []ast.Expr{t}, TokPos: orig.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{v}})
	return t
}

func isTypeExpr(n *normaliser, e ast.Expr) bool {
	tv, ok := n.u.info.Types[e]
	return ok && tv.IsType()
}
