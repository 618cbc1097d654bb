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
	"fmt"
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
func (n *normaliser) newTemp(pos token.Pos, t types.Type) *ast.Ident { return n.u.newTemp(pos, t) }

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
	if ds, ok := s.(*ast.DeclStmt); ok && ds.Decl.(*ast.GenDecl).Tok != token.VAR {
		// Local constants are replaced by their values and local types
		// declared at package level (localdecls.go; validate has
		// reported the types that cannot be).
		return nil
	}
	if !n.susp(s) || n.canonical(s) {
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
		if s.Tok != token.DEFINE && n.lhsHasEvent(s.Lhs) {
			return n.assignLhsCalls(s)
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
	case *ast.LabeledStmt:
		out := n.stmt(s.Stmt)
		if len(out) != 1 {
			out = []ast.Stmt{&ast.BlockStmt{Lbrace: s.Stmt.Pos(), List: out, Rbrace: s.Stmt.End()}}
		}
		return []ast.Stmt{&ast.LabeledStmt{Label: s.Label, Colon: s.Colon, Stmt: out[0]}}

	case *ast.SwitchStmt:
		return n.switchStmt(s)

	case *ast.TypeSwitchStmt:
		return n.typeSwitchStmt(s)

	case *ast.RangeStmt:
		return n.rangeStmt(s)

	case *ast.DeferStmt:
		return n.deferStmt(s) // deferspill.go
	}
	// validate has reported everything else.
	return []ast.Stmt{s}
}

// A caseTest is one test of a lowered switch: statements (spills of the
// case expression), then a condition; the first test that holds selects
// its clause.
type caseTest struct {
	pre  []ast.Stmt
	cond ast.Expr
	pos  token.Pos
}

// switchLow is a lowered expression switch: tests[i] are the tests of
// clause i in order (none for default).
type switchLow struct {
	tests [][]caseTest
}

// typeSwitchLow is a lowered type switch; prologue(i) declares the clause
// variable of clause i.
type typeSwitchLow struct {
	tests    [][]caseTest
	prologue func(i int) []ast.Stmt
}

func define(lhs ast.Expr, rhs ast.Expr) *ast.AssignStmt {
	return &ast.AssignStmt{Lhs: []ast.Expr{lhs}, TokPos: lhs.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{rhs}}
}

// switchStmt lowers a switch that suspends:
//
//	switch init; tag { case a, b: B1; default: B2 }
//	=>
//	{ init; tmp := tag; <switch tests [tmp == a], [tmp == b]; bodies B1, B2> }
//
// the tests and bodies are recorded in u.switches for the blocks stage.
func (n *normaliser) switchStmt(s *ast.SwitchStmt) []ast.Stmt {
	var pre []ast.Stmt
	if s.Init != nil {
		pre = n.stmt(s.Init)
	}
	var tag ast.Expr
	if s.Tag != nil {
		tpre, t := n.spill([]ast.Expr{s.Tag})
		pre = append(pre, tpre...)
		tmp := n.newTemp(s.Tag.Pos(), n.u.info.TypeOf(s.Tag))
		pre = append(pre, define(tmp, t[0]))
		tag = tmp
	}
	low := &switchLow{}
	sw := &ast.SwitchStmt{Switch: s.Switch, Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, Rbrace: s.Body.Rbrace}}
	for _, cl := range s.Body.List {
		cc := cl.(*ast.CaseClause)
		sw.Body.List = append(sw.Body.List, &ast.CaseClause{Case: cc.Case, List: cc.List, Colon: cc.Colon, Body: n.list(cc.Body)})
		var tests []caseTest
		for _, e := range cc.List {
			epre, ex := n.spill([]ast.Expr{e})
			cond := ex[0]
			if tag != nil {
				cond = &ast.BinaryExpr{X: tag, OpPos: e.Pos(), Op: token.EQL, Y: ex[0]}
			}
			tests = append(tests, caseTest{pre: epre, cond: cond, pos: e.Pos()})
		}
		low.tests = append(low.tests, tests)
	}
	n.u.switches[sw] = low
	return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Pos(), List: append(pre, sw), Rbrace: s.End()}}
}

// isNilExpr reports whether e is the predeclared nil.
func (n *normaliser) isNilExpr(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := n.u.info.Uses[id].(*types.Nil)
	return isNil
}

// typeSwitchStmt lowers a type switch that suspends:
//
//	switch x := y.(type) { case T: B1; case U, nil: B2 }
//	=>
//	{ tmp := y; <tests [_, ok := tmp.(T); ok], [_, ok := tmp.(U); ok], [tmp == nil];
//	  bodies { x := tmp.(T); B1 }, { x := tmp; B2 }> }
//
// Each clause's x is its own variable (types.Info.Implicits), declared
// only if the clause uses it.
func (n *normaliser) typeSwitchStmt(s *ast.TypeSwitchStmt) []ast.Stmt {
	var pre []ast.Stmt
	if s.Init != nil {
		pre = n.stmt(s.Init)
	}
	var x ast.Expr
	var bind *ast.Ident
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident)
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	}
	xpre, xs := n.spill([]ast.Expr{x})
	pre = append(pre, xpre...)
	tmp := n.newTemp(x.Pos(), n.u.info.TypeOf(x))
	pre = append(pre, define(tmp, xs[0]))
	low := &typeSwitchLow{}
	ts := &ast.TypeSwitchStmt{Switch: s.Switch, Assign: s.Assign, Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, Rbrace: s.Body.Rbrace}}
	var clauses []*ast.CaseClause
	for _, cl := range s.Body.List {
		cc := cl.(*ast.CaseClause)
		clauses = append(clauses, cc)
		ts.Body.List = append(ts.Body.List, &ast.CaseClause{Case: cc.Case, List: cc.List, Colon: cc.Colon, Body: n.list(cc.Body)})
		var tests []caseTest
		for _, te := range cc.List {
			if n.isNilExpr(te) {
				tests = append(tests, caseTest{cond: &ast.BinaryExpr{X: tmp, OpPos: te.Pos(), Op: token.EQL, Y: te}, pos: te.Pos()})
				continue
			}
			ok := n.newTemp(te.Pos(), types.Typ[types.Bool])
			as := &ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{NamePos: te.Pos(), Name: "_"}, ok}, TokPos: te.Pos(), Tok: token.DEFINE,
				Rhs: []ast.Expr{&ast.TypeAssertExpr{X: tmp, Type: te}}}
			tests = append(tests, caseTest{pre: []ast.Stmt{as}, cond: ok, pos: te.Pos()})
		}
		low.tests = append(low.tests, tests)
	}
	low.prologue = func(i int) []ast.Stmt {
		cc := clauses[i]
		v, _ := n.u.info.Implicits[cc].(*types.Var)
		if v == nil || bind == nil || !usesObj(n.u, cc.Body, v) {
			return nil
		}
		id := &ast.Ident{NamePos: bind.Pos(), Name: v.Name()}
		n.u.objs[id] = v
		var rhs ast.Expr = tmp
		if len(cc.List) == 1 && !n.isNilExpr(cc.List[0]) {
			rhs = &ast.TypeAssertExpr{X: tmp, Type: cc.List[0]}
		}
		return []ast.Stmt{define(id, rhs)}
	}
	n.u.typeSwitches[ts] = low
	return []ast.Stmt{&ast.BlockStmt{Lbrace: s.Pos(), List: append(pre, ts), Rbrace: s.End()}}
}

// usesObj reports whether an identifier in stmts denotes o.
func usesObj(u *unit, stmts []ast.Stmt, o types.Object) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok && u.info.Uses[id] == o {
				found = true
			}
			return !found
		})
	}
	return found
}

// rangeKind classifies the range expression of a range statement that
// asyncgen lowers; "" if it cannot.
// coreType returns the underlying type shared by every type in tp's type
// set, or nil.
func coreType(tp *types.TypeParam) types.Type {
	iface, ok := tp.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var core types.Type
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		u, ok := iface.EmbeddedType(i).(*types.Union)
		if !ok {
			if t := iface.EmbeddedType(i).Underlying(); core == nil || types.Identical(core, t) {
				core = t
				continue
			}
			return nil
		}
		for j := 0; j < u.Len(); j++ {
			t := u.Term(j).Type().Underlying()
			if core != nil && !types.Identical(core, t) {
				return nil
			}
			core = t
		}
	}
	return core
}

func rangeKind(info *types.Info, s *ast.RangeStmt) string {
	t := info.TypeOf(s.X)
	if t == nil {
		return ""
	}
	u := t.Underlying()
	if tp, ok := t.(*types.TypeParam); ok {
		// A type parameter ranges like its core type; only slices are
		// lowered (the lowering indexes and takes len of the operand,
		// which a slice-typed type parameter allows).
		core := coreType(tp)
		if _, ok := core.(*types.Slice); !ok {
			return ""
		}
		u = core
	}
	switch u := u.(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			return "string"
		case u.Info()&types.IsInteger != 0:
			return "int"
		}
	case *types.Slice:
		return "slice"
	case *types.Array:
		return "array"
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); ok {
			return "array"
		}
	case *types.Map:
		return "map"
	case *types.Chan:
		return "chan"
	case *types.Signature:
		return "func"
	}
	return ""
}

func (n *normaliser) synth(pos token.Pos, path, name string) *ast.Ident {
	id := &ast.Ident{NamePos: pos, Name: name}
	n.u.synth[id] = path
	return id
}

func intLit(pos token.Pos, v int64) *ast.BasicLit {
	return &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: fmt.Sprint(v)}
}

func call(fun ast.Expr, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: fun, Lparen: fun.Pos(), Args: args}
}

func varDecl(id *ast.Ident) ast.Stmt {
	return &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: id.Pos(), Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{id}}}}}
}

// rangeStmt lowers a range statement that suspends to a three-clause for
// loop over temporaries; the iteration variables are declared (or
// assigned) at the top of the body, so that they are new variables in
// each iteration:
//
//	for i, v := range xs { B }          // slice, array, pointer to array
//	=>
//	tmpX := xs                          // evaluated once (an array is copied)
//	for tmpI := 0; tmpI < len(tmpX); tmpI++ { i := tmpI; v := tmpX[tmpI]; B }
//
// Strings decode a rune per iteration (utf8.DecodeRuneInString, which
// yields U+FFFD of width 1 for invalid UTF-8, as range does); integers
// count; maps iterate over a snapshot of their keys taken in Go's own
// iteration order, skipping keys no longer present when reached.
func (n *normaliser) rangeStmt(s *ast.RangeStmt) []ast.Stmt {
	if rb := n.u.find.rangeByCallee(s); rb != nil {
		return n.rangeByStmt(s, rb) // //asyncgo:range (rangeby.go)
	}
	kind := rangeKind(n.u.info, s)
	pos := s.For
	xt := n.u.info.TypeOf(s.X)
	var init []ast.Stmt
	var cond ast.Expr
	var post []ast.Stmt
	var body []ast.Stmt
	idx := n.newTemp(pos, types.Typ[types.Int])
	key := func() ast.Expr { return idx }
	var val func() ast.Expr
	bind := func(k, v ast.Expr) {
		var lhs, rhs []ast.Expr
		if s.Key != nil && !isBlank(s.Key) {
			lhs, rhs = append(lhs, s.Key), append(rhs, k)
		}
		if s.Value != nil && !isBlank(s.Value) {
			lhs, rhs = append(lhs, s.Value), append(rhs, v)
		}
		if len(lhs) == 0 {
			return
		}
		tok := s.Tok
		if tok == token.ILLEGAL {
			tok = token.ASSIGN
		}
		body = append(body, &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: tok, Rhs: rhs})
	}
	evalX := func() ast.Expr {
		xpre, xs := n.spill([]ast.Expr{s.X})
		init = append(init, xpre...)
		x := n.newTemp(s.X.Pos(), xt)
		init = append(init, define(x, xs[0]))
		return x
	}
	switch kind {
	case "int":
		x := evalX()
		n.u.objs[idx] = types.NewVar(pos, n.u.pkg, "tmp", types.Default(xt))
		init = append(init, varDecl(idx))
		cond = &ast.BinaryExpr{X: idx, OpPos: pos, Op: token.LSS, Y: x}
		post = []ast.Stmt{&ast.IncDecStmt{X: idx, TokPos: pos, Tok: token.INC}}
		bind(idx, nil)
	case "slice", "array":
		var length ast.Expr
		var x ast.Expr
		if at, ok := arrayOf(xt); ok && (s.Value == nil || isBlank(s.Value)) && !containsCall(s.X) {
			length = intLit(pos, at.Len()) // len(x) is constant: x is not evaluated
			if id, ok := s.X.(*ast.Ident); ok {
				init = append(init, &ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: "_"}}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{id}})
			}
		} else {
			x = evalX()
			length = call(&ast.Ident{NamePos: pos, Name: "len"}, x)
		}
		init = append(init, varDecl(idx))
		cond = &ast.BinaryExpr{X: idx, OpPos: pos, Op: token.LSS, Y: length}
		post = []ast.Stmt{&ast.IncDecStmt{X: idx, TokPos: pos, Tok: token.INC}}
		if x != nil {
			bind(idx, &ast.IndexExpr{X: x, Lbrack: pos, Index: idx})
		} else {
			bind(idx, nil)
		}
	case "string":
		x := evalX()
		next := n.newTemp(pos, types.Typ[types.Int])
		init = append(init, varDecl(idx), varDecl(next))
		cond = &ast.BinaryExpr{X: idx, OpPos: pos, Op: token.LSS, Y: call(&ast.Ident{NamePos: pos, Name: "len"}, x)}
		post = []ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{idx}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{next}}}
		var r ast.Expr = &ast.Ident{NamePos: pos, Name: "_"}
		if s.Value != nil && !isBlank(s.Value) {
			r = n.newTemp(pos, types.Typ[types.Rune])
		}
		w := n.newTemp(pos, types.Typ[types.Int])
		body = append(body,
			&ast.AssignStmt{Lhs: []ast.Expr{r, w}, TokPos: pos, Tok: token.DEFINE,
				Rhs: []ast.Expr{call(n.synth(pos, "unicode/utf8", "DecodeRuneInString"), &ast.SliceExpr{X: x, Lbrack: pos, Low: idx})}},
			&ast.AssignStmt{Lhs: []ast.Expr{next}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.BinaryExpr{X: idx, OpPos: pos, Op: token.ADD, Y: w}}})
		bind(idx, r)
	case "map":
		x := evalX()
		mt := xt.Underlying().(*types.Map)
		keys := n.newTemp(pos, types.NewSlice(mt.Key()))
		init = append(init, define(keys, call(n.synth(pos, "slices", "Collect"), call(n.synth(pos, "maps", "Keys"), x))))
		init = append(init, varDecl(idx))
		cond = &ast.BinaryExpr{X: idx, OpPos: pos, Op: token.LSS, Y: call(&ast.Ident{NamePos: pos, Name: "len"}, keys)}
		post = []ast.Stmt{&ast.IncDecStmt{X: idx, TokPos: pos, Tok: token.INC}}
		k := n.newTemp(pos, mt.Key())
		var v ast.Expr = &ast.Ident{NamePos: pos, Name: "_"}
		if s.Value != nil && !isBlank(s.Value) {
			v = n.newTemp(pos, mt.Elem())
		}
		present := n.newTemp(pos, types.Typ[types.Bool])
		body = append(body,
			define(k, &ast.IndexExpr{X: keys, Lbrack: pos, Index: idx}),
			&ast.AssignStmt{Lhs: []ast.Expr{v, present}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.IndexExpr{X: x, Lbrack: pos, Index: k}}},
			&ast.IfStmt{If: pos, Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: present},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{TokPos: pos, Tok: token.CONTINUE}}}})
		bind(k, v)
	case "func":
		// for k, v := range seq { B }
		// =>
		// tmpSeq := seq
		// tmpNext, tmpStop := iter.Pull2(iter.Seq2[K, V](tmpSeq))
		// tmpDepth := len(s.defers)
		// defer tmpStop()
		// for { k', v', ok := tmpNext(); if !ok { break }; k := k'; v := v'; B }
		// tmpStop(); <drop the deferred stop if it is on top>
		sig := xt.Underlying().(*types.Signature)
		yield := sig.Params().At(0).Type().Underlying().(*types.Signature)
		var elems []types.Type
		for i := 0; i < yield.Params().Len(); i++ {
			elems = append(elems, yield.Params().At(i).Type())
		}
		x := evalX()
		pullID := &ast.Ident{NamePos: pos, Name: "pull"}
		n.u.pulls[pullID] = &pullInfo{seq: x, elems: elems}
		results := append(append([]*types.Var{}, tupleVars(elems)...), types.NewVar(pos, nil, "", types.Typ[types.Bool]))
		next := n.newTemp(pos, types.NewSignatureType(nil, nil, nil, nil, types.NewTuple(results...), false))
		stop := n.newTemp(pos, types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewVar(pos, nil, "", types.NewInterfaceType(nil, nil))), nil, false))
		depth := n.newTemp(pos, types.Typ[types.Int])
		init = append(init, &ast.AssignStmt{Lhs: []ast.Expr{next, stop}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{pullID}})
		dref := &ast.Ident{NamePos: pos, Name: "defers"}
		n.u.defersRef[dref] = true
		init = append(init, define(depth, call(&ast.Ident{NamePos: pos, Name: "len"}, dref)))
		ds := &ast.DeferStmt{Defer: pos, Call: call(stop)}
		n.u.marks[ds] = &mark{stop: stop}
		init = append(init, ds)
		var lhs []ast.Expr
		var vals []ast.Expr
		for i, t := range elems {
			var bound ast.Expr
			if i == 0 {
				bound = s.Key
			} else {
				bound = s.Value
			}
			if bound == nil || isBlank(bound) {
				lhs = append(lhs, &ast.Ident{NamePos: pos, Name: "_"})
				vals = append(vals, nil)
				continue
			}
			tv := n.newTemp(pos, t)
			lhs = append(lhs, tv)
			vals = append(vals, tv)
		}
		ok := n.newTemp(pos, types.Typ[types.Bool])
		body = append(body,
			&ast.AssignStmt{Lhs: append(lhs, ok), TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{call(next)}},
			&ast.IfStmt{If: pos, Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: ok},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{TokPos: pos, Tok: token.BREAK}}}})
		var k, v ast.Expr
		if len(vals) > 0 {
			k = vals[0]
		}
		if len(vals) > 1 {
			v = vals[1]
		}
		bind(k, v)
		// The end of the loop: stop the iterator, drop its deferred stop.
		// depth is an operand so that liveness sees it used there.
		endMark := func() ast.Stmt {
			e := &ast.ExprStmt{X: call(stop, &ast.Ident{NamePos: pos, Name: "nil"}, depth)}
			n.u.marks[e] = &mark{pop: true, stop: stop, depth: depth}
			return e
		}
		// goto and labeled branches out of the loop stop it first (iterexit.go).
		body = append(body, n.stopExits(n.list(s.Body.List), n.ownLabel(s), endMark)...)
		f := &ast.ForStmt{For: s.For, Init: &ast.BlockStmt{Lbrace: pos, List: init, Rbrace: pos},
			Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, List: body, Rbrace: s.Body.Rbrace}}
		return []ast.Stmt{f, endMark()}
	default:
		n.r.errorf(s.Pos(), "", "internal error: range over %s", xt)
		return []ast.Stmt{s}
	}
	_ = key
	_ = val
	body = append(body, n.list(s.Body.List)...)
	f := &ast.ForStmt{For: s.For, Init: &ast.BlockStmt{Lbrace: pos, List: init, Rbrace: pos}, Cond: cond,
		Post: &ast.BlockStmt{Lbrace: pos, List: post, Rbrace: pos}, Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, List: body, Rbrace: s.Body.Rbrace}}
	return []ast.Stmt{f}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// arrayOf returns the array type of t or of what t points to.
func arrayOf(t types.Type) (*types.Array, bool) {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	a, ok := t.Underlying().(*types.Array)
	return a, ok
}

// canonical reports whether s is already the canonical statement of a
// registered site (spills of && and || are normalised as they are made).
func (n *normaliser) canonical(s ast.Stmt) bool {
	var x ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		x = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			x = s.Rhs[0]
		}
	}
	c, ok := x.(*ast.CallExpr)
	return ok && n.u.sites[c] != nil
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
				if n.isLogicalEvent(x) {
					// A binary logical operation is evaluated in order
					// with the calls (its right operand conditionally):
					// one event, spilled with the operator if need be.
					visit(x.X)
					count++
					return false
				}
			case *ast.TypeAssertExpr:
				if n.isAssertEvent(x) {
					visit(x.X)
					count++
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

// hasEvent reports whether e contains a call with effects or a receive
// (outside func literals).
func (n *normaliser) hasEvent(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if n.isEvent(m) {
				found = true
			}
		case *ast.UnaryExpr:
			if m.Op == token.ARROW {
				found = true
			}
		}
		return !found
	})
	return found
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
		if n.isLogicalEvent(x) {
			// a || p() before a suspension point: tmp := a' || p()
			l := one(x.X)
			sp.count++
			b := &ast.BinaryExpr{X: l, OpPos: x.OpPos, Op: x.Op, Y: x.Y}
			if sp.count > sp.last {
				return []ast.Expr{b}
			}
			return []ast.Expr{sp.temp(b, x)}
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
		ta := &ast.TypeAssertExpr{X: one(x.X), Lparen: x.Lparen, Type: x.Type, Rparen: x.Rparen}
		if n.isAssertEvent(x) {
			sp.count++
			if sp.count > sp.last {
				return []ast.Expr{ta}
			}
			return []ast.Expr{sp.temp(ta, x)}
		}
		return []ast.Expr{ta}
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

func tupleVars(ts []types.Type) []*types.Var {
	var out []*types.Var
	for _, t := range ts {
		out = append(out, types.NewVar(token.NoPos, nil, "", t))
	}
	return out
}
