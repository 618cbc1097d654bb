package transform

// This file inlines calls of small async functions of the package into
// their callers before normalisation.
//
// A call of an async function that may suspend costs, even when it
// completes at once, the child future's construction, a Poll call, the
// state dispatch and the copy of the results: for a small callee that is
// most of the work (internal/compbench: about 3x plain Go for a chain of
// tiny state machines). Go's compiler cannot inline a Poll (it has a
// switch of gotos), so asyncgen does it at the source level: a statement
//
//	x, y := g(a, b)        (or =, or a call statement)
//
// whose callee g qualifies becomes
//
//	var r1 R1; var r2 R2           // g's results (its named results, if any)
//	{
//		p, q := a, b               // g's parameters, fresh variables
//		...g's body, each `return e1, e2` being `r1, r2 = e1, e2; goto end`...
//	}
//	end:
//	x, y := r1, r2
//
// and the rest of the pipeline sees one function: g's suspension points
// become the caller's, g's locals the caller's locals (fields only if live
// across a suspension point), and a run of calls that complete at once is
// straight-line code in one Poll.
//
// The rewrite is exact because g's body runs exactly as a call would run
// it: the arguments are evaluated once, in order, before any of it; its
// variables are fresh objects (per inlined copy); a return assigns all
// results at once and leaves the copy; a panic propagates to the caller as
// from a call (only the stack trace shows the caller's frame); and what
// could tell the difference is excluded: g qualifies only if it is a
// non-generic, non-variadic function or method of the package whose
// parameters are all named, that is not in a cycle of async calls, whose
// body has no defer (deferred calls run when g returns), no recover, no
// func literal, no go statement, no labels, no select and no local type
// or constant declarations, that is declared in a file with the same
// loop-variable semantics as the caller's, and that is small
// (inlineBudget). A method qualifies when its receiver expression already
// has the receiver's type (no implicit & or *). Cancelling the caller
// while it is suspended inside an inlined copy cancels the in-flight child
// and runs the caller's deferred calls: exactly what cancelling g's future
// and then the caller's would do.
//
// The callee's body is copied (its declaration is not modified), with the
// type information of every copied node recorded for the copy, and then
// normalised into the caller's body. ASYNCGEN_INLINE_LOG=1 in the
// environment prints each inlining to stderr.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"reflect"
)

// inlineBudget bounds the size (in AST nodes) of a callee that is
// inlined, and inlineTotal the nodes inlined into one function.
const (
	inlineBudget = 250
	inlineTotal  = 1500
	inlineDepth  = 4
)

// inliner decides which callees qualify and rewrites bodies.
type inliner struct {
	info      *types.Info
	pkg       *types.Package
	idx       *asyncIndex
	find      *finder
	perIter   func(pos token.Pos) bool // loop-variable semantics of the file at pos
	cyclic    map[*types.Func]bool
	qualifies map[*types.Func]bool
}

func newInliner(info *types.Info, pkg *types.Package, idx *asyncIndex, fd *finder, recursive map[*types.Func]map[*types.Func]bool, perIter func(token.Pos) bool) *inliner {
	in := &inliner{info: info, pkg: pkg, idx: idx, find: fd, perIter: perIter, cyclic: map[*types.Func]bool{}, qualifies: map[*types.Func]bool{}}
	// recursive[f] holds the callees of f that call f back: f and they
	// are in a cycle.
	for f, cs := range recursive {
		in.cyclic[f] = true
		for c := range cs {
			in.cyclic[c] = true
		}
	}
	return in
}

// ok reports whether calls of fn may be inlined.
func (in *inliner) ok(fn *types.Func) bool {
	if q, done := in.qualifies[fn]; done {
		return q
	}
	q := in.check(fn)
	in.qualifies[fn] = q
	return q
}

func (in *inliner) check(fn *types.Func) bool {
	d, local := in.idx.local[fn]
	if !local || d.Body == nil || !hasAsyncDirective(d.Doc) || in.find.direct[fn] || in.cyclic[fn] {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Variadic() || d.Type.TypeParams != nil || sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0 {
		return false
	}
	named := func(fl *ast.FieldList) bool {
		if fl == nil {
			return true
		}
		for _, f := range fl.List {
			if len(f.Names) == 0 {
				return false
			}
			for _, n := range f.Names {
				if n.Name == "_" {
					return false
				}
			}
		}
		return true
	}
	if !named(d.Recv) || !named(d.Type.Params) {
		return false
	}
	size, ok, returns := 0, true, 0
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		size++
		switch n := n.(type) {
		case *ast.DeferStmt, *ast.FuncLit, *ast.GoStmt, *ast.LabeledStmt, *ast.SelectStmt:
			ok = false
		case *ast.BranchStmt:
			if n.Label != nil || n.Tok == token.GOTO {
				ok = false
			}
		case *ast.DeclStmt:
			if n.Decl.(*ast.GenDecl).Tok != token.VAR {
				ok = false
			}
		case *ast.CallExpr:
			if id, isIdent := ast.Unparen(n.Fun).(*ast.Ident); isIdent {
				if b, isBuiltin := in.info.Uses[id].(*types.Builtin); isBuiltin && b.Name() == "recover" {
					ok = false
				}
			}
		case *ast.TypeSwitchStmt:
			ok = false // clause variables are implicit objects
		case *ast.RangeStmt:
			if _, isFunc := in.info.TypeOf(n.X).Underlying().(*types.Signature); isFunc {
				ok = false // the pull iterator's stop is a deferred call
			}
		case *ast.ReturnStmt:
			returns++
		}
		return ok
	})
	if ok && returns == 0 && len(d.Body.List) > 0 {
		// A body that never returns (it ends in panic or an endless
		// loop) would leave the code after the call unreachable, which
		// go vet rejects in the generated file.
		switch last := d.Body.List[len(d.Body.List)-1].(type) {
		case *ast.ExprStmt:
			if c, isCall := last.X.(*ast.CallExpr); isCall {
				if id, isIdent := ast.Unparen(c.Fun).(*ast.Ident); isIdent && id.Name == "panic" {
					ok = false
				}
			}
		case *ast.ForStmt:
			ok = ok && last.Cond != nil
		}
		ok = ok && sig.Results().Len() == 0
	}
	return ok && size <= inlineBudget
}

// apply inlines, in u's normalised body, the suspension points of the
// canonical forms `g(args)` and `x, y := g(args)` (or =) whose callee
// qualifies; the copies are normalised in turn and may have calls
// inlined themselves, up to inlineDepth deep and inlineTotal nodes.
//
// Only lists that hold a suspension point are rewritten: normalise built
// those nodes anew, so the loaded AST is never modified (checked).
func (in *inliner) apply(u *unit, r *reporter) {
	orig := map[ast.Node]bool{}
	ast.Inspect(u.decl.Body, func(n ast.Node) bool {
		if n != nil {
			orig[n] = true
		}
		return true
	})
	budget := inlineTotal
	labels := 0
	var rewrite func(list []ast.Stmt, depth int) []ast.Stmt
	rewrite = func(list []ast.Stmt, depth int) []ast.Stmt {
		var out []ast.Stmt
		for _, s := range list {
			if !in.hasSite(u, s) {
				out = append(out, s)
				continue
			}
			if orig[s] {
				panic("inliner: a statement with a suspension point was not rebuilt by normalise")
			}
			in.rewriteNested(s, func(l []ast.Stmt) []ast.Stmt { return rewrite(l, depth) })
			call, fn := in.target(s, u)
			if call == nil || depth >= inlineDepth || budget <= 0 {
				out = append(out, s)
				continue
			}
			labels++
			if os.Getenv("ASYNCGEN_INLINE_LOG") != "" {
				fmt.Fprintf(os.Stderr, "inline %s into %s\n", fn.Name(), u.fn.Name())
			}
			stmts, size := in.expand(u, r, s, call, fn, fmt.Sprintf("asyncgen_inl%d", labels))
			budget -= size
			// The copy may call qualifying functions in turn.
			blk := stmts[len(stmts)-2].(*ast.BlockStmt)
			blk.List = rewrite(blk.List, depth+1)
			out = append(out, stmts...)
		}
		return out
	}
	u.body.List = rewrite(u.body.List, 0)
}

// hasSite reports whether n holds a suspension point of u (registered by
// normalise; func literals are units of their own).
func (in *inliner) hasSite(u *unit, n ast.Node) bool {
	return containsCallWhere(n, func(c *ast.CallExpr) bool { return u.sites[c] != nil })
}

// target returns the call of a canonical statement whose callee
// qualifies.
func (in *inliner) target(s ast.Stmt, u *unit) (*ast.CallExpr, *types.Func) {
	var call *ast.CallExpr
	switch s := s.(type) {
	case *ast.ExprStmt:
		call, _ = s.X.(*ast.CallExpr)
	case *ast.AssignStmt:
		if (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) || len(s.Rhs) != 1 || !allIdents(s.Lhs) {
			return nil, nil
		}
		call, _ = s.Rhs[0].(*ast.CallExpr)
	}
	if call == nil || call.Ellipsis.IsValid() {
		return nil, nil
	}
	st := u.sites[call]
	if st == nil || st.kind != siteCall || st.fn == u.fn || !in.ok(st.fn) || len(call.Args) != st.fn.Type().(*types.Signature).Params().Len() {
		return nil, nil
	}
	callee := in.idx.local[st.fn]
	if in.perIter(callee.Pos()) != u.perIteration {
		return nil, nil
	}
	if st.recv != nil {
		recvType := st.fn.Type().(*types.Signature).Recv().Type()
		if t := u.typeOf(st.recv); t == nil || !types.Identical(t, recvType) {
			return nil, nil
		}
	}
	return call, st.fn
}

// rewriteNested applies rewrite to the statement lists nested in s
// (blocks, if/else, loops, switch clauses).
func (in *inliner) rewriteNested(s ast.Stmt, rewrite func([]ast.Stmt) []ast.Stmt) {
	switch s := s.(type) {
	case *ast.BlockStmt:
		s.List = rewrite(s.List)
	case *ast.IfStmt:
		s.Body.List = rewrite(s.Body.List)
		if s.Else != nil {
			if b, ok := s.Else.(*ast.BlockStmt); ok {
				b.List = rewrite(b.List)
			} else {
				in.rewriteNested(s.Else, rewrite)
			}
		}
	case *ast.ForStmt:
		s.Body.List = rewrite(s.Body.List)
	case *ast.RangeStmt:
		s.Body.List = rewrite(s.Body.List)
	case *ast.SwitchStmt:
		for _, c := range s.Body.List {
			cc := c.(*ast.CaseClause)
			cc.Body = rewrite(cc.Body)
		}
	case *ast.TypeSwitchStmt:
		for _, c := range s.Body.List {
			cc := c.(*ast.CaseClause)
			cc.Body = rewrite(cc.Body)
		}
	case *ast.LabeledStmt:
		in.rewriteNested(s.Stmt, rewrite)
	}
}

// expand returns the statements replacing the canonical statement s
// (whose call is call of fn): the result declarations, the block with the
// normalised copy, and the labeled assignment of the results; and the
// size of the copy.
func (in *inliner) expand(u *unit, r *reporter, s ast.Stmt, call *ast.CallExpr, fn *types.Func, label string) ([]ast.Stmt, int) {
	d := in.idx.local[fn]
	sig := fn.Type().(*types.Signature)
	pos := call.Pos()
	c := &cloner{info: in.info, subst: map[types.Object]types.Object{}, from: d.Pos(), to: d.End()}

	fresh := func(v *types.Var) *ast.Ident {
		name := v.Name()
		if name == "" || name == "_" {
			name = "r"
		}
		id := &ast.Ident{NamePos: pos, Name: name}
		nv := types.NewVar(v.Pos(), v.Pkg(), name, v.Type())
		u.objs[id] = nv
		c.subst[v] = nv
		return id
	}
	ref := func(id *ast.Ident) *ast.Ident {
		r := &ast.Ident{NamePos: id.Pos(), Name: id.Name}
		u.objs[r] = u.objs[id]
		return r
	}

	// Results: declared before the block, so that they are in scope at
	// the label.
	var out []ast.Stmt
	var results []*ast.Ident
	for i := 0; i < sig.Results().Len(); i++ {
		id := fresh(sig.Results().At(i))
		results = append(results, id)
		out = append(out, varDecl(id))
	}

	// Parameters, evaluated together, in order (they hold no suspension
	// point: the call was canonical).
	var lhs, rhs []ast.Expr
	if sig.Recv() != nil {
		lhs = append(lhs, fresh(sig.Recv()))
		rhs = append(rhs, u.sites[call].recv)
	}
	for i := 0; i < sig.Params().Len(); i++ {
		lhs = append(lhs, fresh(sig.Params().At(i)))
		rhs = append(rhs, call.Args[i])
	}
	var blk []ast.Stmt
	if len(lhs) > 0 {
		blk = append(blk, &ast.AssignStmt{Lhs: lhs, TokPos: pos, Tok: token.DEFINE, Rhs: rhs})
	}

	lbl := types.NewLabel(pos, in.pkg, label)
	body := c.clone(d.Body).(*ast.BlockStmt)
	size := 0
	ast.Inspect(body, func(ast.Node) bool { size++; return true })
	gotoEnd := func(p token.Pos) ast.Stmt {
		id := &ast.Ident{NamePos: p, Name: label}
		in.info.Uses[id] = lbl
		return &ast.BranchStmt{TokPos: p, Tok: token.GOTO, Label: id}
	}
	// Returns become assignments of the results and a goto to the end,
	// in place: the copy is ours.
	var returns func(list []ast.Stmt) []ast.Stmt
	returns = func(list []ast.Stmt) []ast.Stmt {
		for i, st := range list {
			ret, ok := st.(*ast.ReturnStmt)
			switch {
			case !ok:
				in.rewriteNested(st, returns)
			case len(ret.Results) == 0:
				list[i] = gotoEnd(ret.Pos())
			default:
				var to []ast.Expr
				for _, id := range results {
					to = append(to, ref(id))
				}
				list[i] = &ast.BlockStmt{Lbrace: ret.Pos(), List: []ast.Stmt{
					&ast.AssignStmt{Lhs: to, TokPos: ret.Pos(), Tok: token.ASSIGN, Rhs: ret.Results},
					gotoEnd(ret.Pos()),
				}, Rbrace: ret.End()}
			}
		}
		return list
	}
	body.List = returns(body.List)
	n := &normaliser{u: u, r: r}
	blk = append(blk, n.list(body.List)...)
	out = append(out, &ast.BlockStmt{Lbrace: pos, List: blk, Rbrace: pos})
	delete(u.sites, call)

	// The statement itself, with the results for the call.
	var final ast.Stmt = &ast.EmptyStmt{Semicolon: pos, Implicit: true}
	if as, ok := s.(*ast.AssignStmt); ok {
		var from []ast.Expr
		for _, id := range results {
			from = append(from, ref(id))
		}
		final = &ast.AssignStmt{Lhs: as.Lhs, TokPos: as.TokPos, Tok: as.Tok, Rhs: from}
	}
	lid := &ast.Ident{NamePos: pos, Name: label}
	in.info.Defs[lid] = lbl
	out = append(out, &ast.LabeledStmt{Label: lid, Colon: pos, Stmt: final})
	return out, size
}

// cloner copies AST subtrees, recording the type information of the
// copies. Objects declared between from and to (a callee's parameters,
// results and locals) are replaced by fresh ones, through subst; func
// literals are shared, not copied.
type cloner struct {
	info     *types.Info
	subst    map[types.Object]types.Object
	from, to token.Pos
}

var (
	funcLitType  = reflect.TypeFor[*ast.FuncLit]()
	objectType   = reflect.TypeFor[*ast.Object]()
	commentsType = reflect.TypeFor[*ast.CommentGroup]()
	scopeType    = reflect.TypeFor[*ast.Scope]()
)

func (c *cloner) clone(n ast.Node) ast.Node {
	return c.value(reflect.ValueOf(n)).Interface().(ast.Node)
}

func (c *cloner) value(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		switch v.Type() {
		case funcLitType:
			return v
		case objectType, commentsType, scopeType:
			return reflect.Zero(v.Type())
		}
		nv := reflect.New(v.Type().Elem())
		nv.Elem().Set(c.value(v.Elem()))
		if old, ok := v.Interface().(ast.Node); ok {
			c.record(old, nv.Interface().(ast.Node))
		}
		return nv
	case reflect.Struct:
		nv := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			nv.Field(i).Set(c.value(v.Field(i)))
		}
		return nv
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		nv := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			nv.Index(i).Set(c.value(v.Index(i)))
		}
		return nv
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		nv := reflect.New(v.Type()).Elem()
		nv.Set(c.value(v.Elem()))
		return nv
	}
	return v
}

// record copies the type information of old to its copy.
func (c *cloner) record(old, copied ast.Node) {
	info := c.info
	if e, ok := old.(ast.Expr); ok {
		if tv, ok := info.Types[e]; ok {
			info.Types[copied.(ast.Expr)] = tv
		}
	}
	switch o := old.(type) {
	case *ast.Ident:
		n := copied.(*ast.Ident)
		if obj := info.Defs[o]; obj != nil {
			info.Defs[n] = c.object(obj)
		} else if _, ok := info.Defs[o]; ok {
			info.Defs[n] = nil // the package name, a blank
		}
		if obj := info.Uses[o]; obj != nil {
			info.Uses[n] = c.object(obj)
		}
		if inst, ok := info.Instances[o]; ok {
			info.Instances[n] = inst
		}
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[o]; ok {
			info.Selections[copied.(*ast.SelectorExpr)] = sel
		}
	}
	if obj, ok := info.Implicits[old]; ok {
		info.Implicits[copied] = c.object(obj)
	}
}

// object returns the object a copy refers to: a fresh one for a variable
// declared in the copied function, the same one otherwise.
func (c *cloner) object(o types.Object) types.Object {
	if n, ok := c.subst[o]; ok {
		return n
	}
	v, ok := o.(*types.Var)
	if !ok || v.IsField() || !c.from.IsValid() || o.Pos() < c.from || o.Pos() >= c.to {
		return o
	}
	if v.Parent() != nil && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
		return o
	}
	n := types.NewVar(v.Pos(), v.Pkg(), v.Name(), v.Type())
	c.subst[o] = n
	return n
}
