package transform

// This file is the "emit" stage: jennifer code for one async function
// (bridge, state struct, constructor, Poll, Result, Cancel) from its
// blocks and layout.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/dave/jennifer/jen"
)

type emitter struct {
	// paramLocal are the parameters that Poll works on in locals (see
	// paramLocals).
	paramLocal map[types.Object]string
	// cache maps the fields that Poll works on in locals to the locals,
	// and cacheOrder lists them (see cacheFields).
	cache      map[string]string
	cacheOrder []string
	boxParams  map[types.Object]string // inside a wrapped func literal: boxed local -> parameter holding its pointer

	u   *unit
	l   *layout
	fc  *fileConv
	cur *block // block whose statements are being converted

	labels map[*block]string // blocks that need a label
	used   map[string]bool   // labels some goto refers to
	order  []*block          // reachable blocks in emission order
}

func (e *emitter) self() *jen.Statement { return jen.Id(e.l.recv) }

// typeArgs returns [T, U] of the function's type parameters, or nil.
func (e *emitter) typeArgNames() []jen.Code { return e.l.typeArgNames() }

// typeArgNames returns [T, U] of the state struct's type parameters, or nil.
func (l *layout) typeArgNames() []jen.Code {
	var out []jen.Code
	for _, n := range l.tpNames {
		out = append(out, jen.Id(n))
	}
	return out
}

func (e *emitter) futureType() *jen.Statement {
	st := jen.Id(e.l.future)
	if args := e.typeArgNames(); len(args) > 0 {
		st = st.Types(args...)
	}
	return st
}

// plainConv converts type expressions of the declaration.
func (e *emitter) plainConv() *conv { return &conv{fc: e.fc} }

// bodyConv converts statements and expressions of the async body.
func (e *emitter) bodyConv() *conv {
	c := &conv{fc: e.fc, lines: true}
	c.ident = func(id *ast.Ident) jen.Code {
		o := e.u.objOf(id)
		if o == nil {
			return nil
		}
		if p, ok := e.boxParams[o]; ok {
			return jen.Parens(jen.Op("*").Id(p))
		}
		if n, ok := e.paramLocal[o]; ok {
			return jen.Id(n)
		}
		if f, ok := e.l.fieldOf[o]; ok {
			if e.l.boxed[o] {
				return jen.Parens(jen.Op("*").Add(e.self().Dot(f)))
			}
			if n, ok := e.cache[f]; ok {
				return jen.Id(n)
			}
			return e.self().Dot(f)
		}
		if n, ok := e.l.localOf[o]; ok {
			return jen.Id(n)
		}
		return nil
	}
	ident := c.ident
	c.ident = func(id *ast.Ident) jen.Code {
		if p, ok := e.u.synth[id]; ok {
			return jen.Qual(p, id.Name)
		}
		if pi, ok := e.u.pulls[id]; ok {
			return e.pullCode(pi)
		}
		if e.u.defersRef[id] {
			return e.self().Dot(e.l.defers)
		}
		if t, ok := e.u.synthType[id]; ok {
			tc, _ := e.fc.typeCode(t)
			return tc
		}
		return ident(id)
	}
	c.stmt = e.rewriteStmt
	c.lit = e.wrapLit
	c.ptr = e.ptrTo
	return c
}

// ptrTo returns a pointer to a variable captured by an async literal.
func (e *emitter) ptrTo(v *types.Var) jen.Code {
	if p, ok := e.boxParams[v]; ok {
		return jen.Id(p)
	}
	if n, ok := e.paramLocal[v]; ok {
		return jen.Op("&").Id(n)
	}
	if f, ok := e.l.fieldOf[v]; ok {
		if e.l.boxed[v] {
			return e.self().Dot(f)
		}
		if n, ok := e.cache[f]; ok {
			return jen.Op("&").Id(n)
		}
		return jen.Op("&").Add(e.self().Dot(f))
	}
	if n, ok := e.l.localOf[v]; ok {
		return jen.Op("&").Id(n)
	}
	return nil
}

// wrapLit converts a func literal of the async body that captures boxed
// locals. A closure captures the variable, not the field (which points to
// the variable of the latest iteration), so the literal is wrapped in a
// call that passes the current pointers:
//
//	func(j *int) func() int { return func() int { return *j } }(s.j)
func (e *emitter) wrapLit(c *conv, lit *ast.FuncLit, conv func() jen.Code) (jen.Code, bool) {
	if c.lits > 1 || e.boxParams != nil {
		return nil, false
	}
	var objs []types.Object
	seen := map[types.Object]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if o := e.u.objOf(id); o != nil && e.l.boxed[o] && !seen[o] {
				seen[o] = true
				objs = append(objs, o)
			}
		}
		return true
	})
	if len(objs) == 0 {
		return nil, false
	}
	e.boxParams = map[types.Object]string{}
	var params, args []jen.Code
	for _, o := range objs {
		name := e.l.all.fresh(o.Name() + "_p")
		e.boxParams[o] = name
		tc, _ := e.fc.typeCode(o.Type())
		params = append(params, jen.Id(name).Op("*").Add(tc))
		args = append(args, e.self().Dot(e.l.fieldOf[o]))
	}
	inner := conv()
	e.boxParams = nil
	t, _ := e.fc.typeCode(e.u.info.TypeOf(lit))
	return jen.Func().Params(params...).Add(t).Block(jen.Return(inner)).Call(args...), true
}

// rewriteStmt rewrites return, break/continue to flattened loops, and go
// statements of async calls, wherever they are in the async body.
func (e *emitter) rewriteStmt(c *conv, s ast.Stmt) ([]jen.Code, bool) {
	if c.lits > 0 {
		return nil, false
	}
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return e.finish(c, s.Results), true
	case *ast.BranchStmt:
		if e.cur == nil {
			return nil, false
		}
		if t := e.u.branchTarget(s, e.cur.ctx, c.breakables, c.loops); t != nil {
			return []jen.Code{e.gotoBlock(t())}, true
		}
	case *ast.ExprStmt:
		if m, ok := e.u.marks[s]; ok && m.rebox != nil {
			var out []jen.Code
			for _, o := range m.rebox {
				if !e.l.boxed[o] {
					continue
				}
				tc, _ := e.fc.typeCode(o.Type())
				f := e.self().Dot(e.l.fieldOf[o])
				out = append(out, jen.Add(f).Op("=").Func().Params(jen.Id("v").Add(tc)).Op("*").Add(tc).Block(jen.Return(jen.Op("&").Id("v"))).Call(jen.Op("*").Add(f)))
			}
			return out, true
		}
		if m, ok := e.u.marks[s]; ok && m.pop {
			// Leaving a range-over-function loop: stop the iterator and
			// drop its deferred stop if nothing was deferred after it.
			d := e.self().Dot(e.l.defers)
			depth := c.expr(m.depth)
			return []jen.Code{
				jen.Add(c.expr(m.stop)).Call(jen.Nil()),
				jen.If(jen.Len(d).Op("==").Add(depth).Op("+").Lit(1)).Block(
					jen.Add(d).Index(depth).Dot("run").Op("=").Nil(),
					jen.Add(d).Op("=").Add(d).Index(jen.Empty(), depth),
				),
			}, true
		}
	case *ast.DeferStmt:
		if e.l.defers == "" {
			return nil, false
		}
		if m, ok := e.u.marks[s]; ok {
			// The deferred stop of a pull iterator: stop(p) raises the
			// panic p inside the iterator (its deferred calls run).
			f := e.self().Dot(e.l.defers)
			runner := jen.Func().Params(jen.Id("stop").Func().Params(jen.Any())).Func().Params(jen.Any()).Block(
				jen.Return(jen.Func().Params(jen.Id("p").Any()).Block(
					jen.Defer().Id("stop").Call(jen.Id("p")),
					jen.If(jen.Id("p").Op("!=").Nil()).Block(jen.Panic(jen.Id("p"))),
				))).Call(c.expr(m.stop))
			return []jen.Code{jen.Add(f).Op("=").Append(f, deferEntryType().Values(runner, jen.True()))}, true
		}
		f := e.self().Dot(e.l.defers)
		entry := deferEntryType().Values(e.deferRunner(c, s.Call), jen.Lit(e.mayRecover(s.Call)))
		return []jen.Code{jen.Add(f).Op("=").Append(f, entry)}, true
	case *ast.GoStmt:
		if lit, ok := s.Call.Fun.(*ast.FuncLit); ok && e.fc.lits != nil && e.fc.lits.units[lit] != nil {
			return []jen.Code{jen.Qual(rtPath, "GoFuture").Call(c.litCtor(lit, s.Call.Args))}, true
		}
		st := e.u.find.asyncCallOf(s.Call)
		if st == nil || st.kind != siteCall {
			return nil, false
		}
		return []jen.Code{jen.Qual(rtPath, "GoFuture").Call(e.ctorCall(c, st, s.Call))}, true
	}
	return nil, false
}

// resultField is the field of result i (through its pointer, if boxed).
func (e *emitter) resultField(i int) jen.Code {
	f := e.self().Dot(e.l.resultNames[i])
	if e.l.boxed[e.u.sig.Results().At(i)] {
		return jen.Parens(jen.Op("*").Add(f))
	}
	return f
}

// finish stores results and completes the future.
func (e *emitter) finish(c *conv, results []ast.Expr) []jen.Code {
	var out []jen.Code
	if len(results) > 0 {
		var lhs, rhs []jen.Code
		if len(results) == len(e.l.resultNames) {
			for i := range e.l.resultNames {
				// Drop "r = r" for a named result (vet: self-assignment).
				if id, ok := results[i].(*ast.Ident); ok && e.u.objOf(id) == e.u.sig.Results().At(i) {
					continue
				}
				lhs = append(lhs, e.resultField(i))
				rhs = append(rhs, c.expr(results[i]))
			}
		} else { // return g() with a multi-value g
			for i := range e.l.resultNames {
				lhs = append(lhs, e.resultField(i))
			}
			rhs = c.exprs(results)
		}
		if len(lhs) > 0 {
			out = append(out, jen.List(lhs...).Op("=").List(rhs...))
		}
	}
	out = append(out, e.self().Dot("state").Op("=").Lit(-1))
	if e.l.defers != "" {
		out = append(out, e.runDefers())
	}
	return append(out, jen.Return(jen.True()))
}

// runDefers runs the pending deferred calls on a normal return (or a
// cancellation) and raises a panic that one of them left in flight.
func (e *emitter) runDefers() jen.Code {
	return jen.If(jen.Id("p").Op(":=").Add(e.self()).Dot(e.l.unwind).Call(jen.Nil()), jen.Id("p").Op("!=").Nil()).Block(jen.Panic(jen.Id("p")))
}

// deferRunner returns the runner of a defer statement: its callee and
// arguments are evaluated now, into the parameters of a function that
// returns the runner; the runner defers the call itself (so that a
// recover() in the callee is called directly by a deferred function) and
// then raises the panic in flight, if any, so that the call runs as part
// of that panic:
//
//	defer mu.Unlock()   =>   s.defers = append(s.defers, func(f func()) func(any) {
//	                             return func(p any) {
//	                                 defer f()
//	                                 if p != nil { panic(p) }
//	                             }
//	                         }(s.mu.Unlock))
//
// Package-level functions and builtins are called by name (defer
// recover() stays a deferred call of recover, which stops nothing).
func (e *emitter) deferRunner(c *conv, call *ast.CallExpr) jen.Code {
	names := namer{}
	for k := range e.l.all {
		names[k] = true
	}
	pv := names.fresh("p")
	var params, args []jen.Code
	var callee jen.Code
	fun := ast.Unparen(call.Fun)
	base := fun
	switch b := base.(type) {
	case *ast.IndexExpr:
		base = b.X
	case *ast.IndexListExpr:
		base = b.X
	}
	direct := false
	switch b := base.(type) {
	case *ast.Ident:
		switch o := e.u.objOf(b).(type) {
		case *types.Builtin:
			direct = true
		case *types.Func:
			direct = o.Parent() == o.Pkg().Scope()
		}
	case *ast.SelectorExpr:
		if id, ok := b.X.(*ast.Ident); ok {
			if _, ok := e.u.info.Uses[id].(*types.PkgName); ok {
				direct = true
			}
		}
	}
	if _, ok := fun.(*ast.FuncLit); ok {
		direct = false
	}
	sig, _ := e.u.typeOf(call.Fun).(*types.Signature)
	if direct {
		callee = c.expr(call.Fun)
	} else {
		fv := names.fresh("f")
		tc, ok := e.fc.typeCode(e.u.typeOf(call.Fun))
		if !ok {
			e.fc.r.errorf(call.Pos(), "declare the type at package level", "the type of the deferred function cannot be named outside the function")
		}
		params = append(params, jen.Id(fv).Add(tc))
		args = append(args, c.expr(call.Fun))
		callee = jen.Id(fv)
	}
	// Argument types: the callee's parameters (arguments are converted
	// to them at the defer statement), or the arguments' own types.
	var ptypes []types.Type
	variadic := false
	if sig != nil {
		for i := 0; i < sig.Params().Len(); i++ {
			ptypes = append(ptypes, sig.Params().At(i).Type())
		}
		variadic = sig.Variadic() && !call.Ellipsis.IsValid()
	}
	var inner []jen.Code
	addParam := func(t types.Type, arg jen.Code) string {
		if t == nil {
			t = types.Typ[types.Invalid]
		}
		name := names.fresh("a")
		tc, ok := e.fc.typeCode(t)
		if !ok {
			e.fc.r.errorf(call.Pos(), "declare the type at package level", "the type %s of a deferred call's argument cannot be named outside the function", t)
		}
		params = append(params, jen.Id(name).Add(tc))
		args = append(args, arg)
		return name
	}
	if len(call.Args) == 1 && len(ptypes) > 1 {
		if tup, ok := e.u.info.TypeOf(call.Args[0]).(*types.Tuple); ok && tup.Len() > 1 {
			// defer f(g()) with a multi-value g: g is called now.
			if !direct {
				e.fc.r.errorf(call.Pos(), "assign the results of the inner call to variables first", "deferred call of a function value with a multi-value argument is not supported")
			}
			var names []string
			for i := 0; i < tup.Len(); i++ {
				name := addParam(ptypes[i], nil)
				names = append(names, name)
				inner = append(inner, jen.Id(name))
			}
			args = append(args[:len(args)-tup.Len()], c.expr(call.Args[0]))
			_ = names
			return e.runnerCode(pv, params, args, callee, inner, false)
		}
	}
	nfixed := len(call.Args)
	if variadic {
		nfixed = len(ptypes) - 1
	}
	for i := 0; i < nfixed && i < len(call.Args); i++ {
		var t types.Type
		if i < len(ptypes) {
			t = ptypes[i]
		} else {
			t = types.Default(e.u.info.TypeOf(call.Args[i]))
		}
		inner = append(inner, jen.Id(addParam(t, c.expr(call.Args[i]))))
	}
	spread := call.Ellipsis.IsValid()
	if variadic {
		st := ptypes[len(ptypes)-1]
		tc, _ := e.fc.typeCode(st)
		var rest []jen.Code
		for _, a := range call.Args[nfixed:] {
			rest = append(rest, c.expr(a))
		}
		name := addParam(st, jen.Add(tc).Values(rest...))
		inner = append(inner, jen.Id(name))
		spread = true
	}
	return e.runnerCode(pv, params, args, callee, inner, spread)
}

func (e *emitter) runnerCode(pv string, params, args []jen.Code, callee jen.Code, inner []jen.Code, spread bool) jen.Code {
	if spread && len(inner) > 0 {
		inner[len(inner)-1] = jen.Add(inner[len(inner)-1]).Op("...")
	}
	runner := jen.Func().Params(jen.Id(pv).Any()).Block(
		jen.Defer().Add(callee).Call(inner...),
		jen.If(jen.Id(pv).Op("!=").Nil()).Block(jen.Panic(jen.Id(pv))),
	)
	return jen.Func().Params(params...).Func().Params(jen.Any()).Block(jen.Return(runner)).Call(args...)
}

func (e *emitter) gotoBlock(b *block) jen.Code {
	name, ok := e.labels[b]
	e.used[name] = true
	if !ok {
		e.fc.r.errorf(token.NoPos, "", "internal error: jump to unlabeled block b%d", b.id)
	}
	return jen.Goto().Id(name)
}

// ctorCall returns the expression creating the child future of a call site.
func (e *emitter) ctorCall(c *conv, st *site, call *ast.CallExpr) jen.Code {
	if lw := e.fc.siteLowering(st); lw != nil && st.call == call {
		return e.fc.loweredCtor(c, st, lw)
	}
	args := c.exprs(call.Args)
	if call.Ellipsis.IsValid() && len(args) > 0 {
		args[len(args)-1] = jen.Add(args[len(args)-1]).Op("...")
	}
	_, ctor := futureNames(st.fn)
	if st.recv != nil {
		recv := st.recv
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			recv = sel.X
		}
		return jen.Add(c.expr(recv)).Dot(ctor).Call(args...)
	}
	f := jen.Qual(e.fc.path(st.fn.Pkg().Path()), ctor)
	if len(st.inst) > 0 {
		var targs []jen.Code
		for _, t := range st.inst {
			tc, _ := e.fc.typeCode(t)
			targs = append(targs, tc)
		}
		f = f.Types(targs...)
	}
	return f.Call(args...)
}

// zero returns the zero value of t as an expression, or nil if unknown.
func (e *emitter) zero(t types.Type, code jen.Code) jen.Code {
	if t == nil {
		return jen.Add(code).Values()
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return jen.False()
		case u.Info()&types.IsString != 0:
			return jen.Lit("")
		case u.Kind() == types.UnsafePointer || u.Kind() == types.UntypedNil:
			return jen.Nil()
		default:
			return jen.Lit(0)
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature:
		return jen.Nil()
	case *types.Interface:
		if _, isTP := t.(*types.TypeParam); !isTP {
			return jen.Nil()
		}
	case *types.Struct, *types.Array:
		if _, isTP := t.(*types.TypeParam); !isTP {
			return jen.Add(code).Values()
		}
	}
	return jen.Op("*").New(code)
}

// flatStmt converts a statement at the flattened level: declarations
// become assignments (the variable is a field or a Poll local).
func (e *emitter) flatStmt(c *conv, s ast.Stmt) []jen.Code {
	var out []jen.Code
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			out = append(e.allocBoxes(s.Lhs), jen.List(c.exprs(s.Lhs)...).Op("=").List(c.exprs(s.Rhs)...))
		}
	case *ast.DeclStmt:
		for _, sp := range s.Decl.(*ast.GenDecl).Specs {
			vs := sp.(*ast.ValueSpec)
			var names []ast.Expr
			for _, n := range vs.Names {
				names = append(names, n)
			}
			out = append(out, e.allocBoxes(names)...)
			if len(vs.Values) > 0 {
				var lhs []jen.Code
				for _, n := range vs.Names {
					lhs = append(lhs, c.expr(n))
				}
				out = append(out, jen.List(lhs...).Op("=").List(c.exprs(vs.Values)...))
				continue
			}
			for _, n := range vs.Names {
				if n.Name == "_" {
					continue
				}
				o := e.u.objOf(n)
				tc, _ := e.fc.typeCode(o.Type())
				out = append(out, jen.Add(c.expr(n)).Op("=").Add(e.zero(o.Type(), tc)))
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	if out == nil {
		return c.stmtLines(s)
	}
	if d := e.fc.lineDirective(s.Pos()); d != nil {
		out[0] = jen.Add(d).Add(out[0])
	}
	return out
}

// allocBoxes allocates a new variable for each boxed local declared by
// lhs (the declaration of a captured variable runs once per iteration).
func (e *emitter) allocBoxes(lhs []ast.Expr) []jen.Code {
	var out []jen.Code
	for _, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			continue
		}
		o := e.u.info.Defs[id]
		if so, ok := e.u.objs[id]; ok {
			o = so // a variable declared by a statement normalise made
		}
		if o == nil || !e.l.boxed[o] {
			continue
		}
		tc, _ := e.fc.typeCode(o.Type())
		out = append(out, e.self().Dot(e.l.fieldOf[o]).Op("=").New(tc))
	}
	return out
}

// plan computes the emission order (reachable blocks, in creation
// order) and which blocks need labels.
func (e *emitter) plan() {
	reach := map[*block]bool{}
	var visit func(b *block)
	visit = func(b *block) {
		if reach[b] {
			return
		}
		reach[b] = true
		for _, s := range b.edges() {
			visit(s)
		}
	}
	visit(e.u.blocks[0])
	for _, b := range e.u.blocks {
		if reach[b] {
			e.order = append(e.order, b)
		}
	}
	e.labels = map[*block]string{}
	for i, b := range e.order {
		var next *block
		if i+1 < len(e.order) {
			next = e.order[i+1]
		}
		if b.resume != nil {
			e.labels[b] = fmt.Sprintf("resume%d", b.resume.index)
		}
		switch b.kind {
		case termJump:
			if b.succs[0] != next {
				e.label(b.succs[0])
			}
		case termIf:
			switch {
			case b.succs[0] == next:
				e.label(b.succs[1])
			case b.succs[1] == next:
				e.label(b.succs[0])
			default:
				e.label(b.succs[0])
				e.label(b.succs[1])
			}
		}
		for _, t := range b.sides() {
			e.label(t)
		}
	}
}

func (e *emitter) label(b *block) {
	if _, ok := e.labels[b]; !ok {
		e.labels[b] = fmt.Sprintf("b%d", b.id)
	}
}

// poll emits the Poll method body.
func (e *emitter) pollBody() []jen.Code {
	e.plan()
	c := e.bodyConv()
	var body []jen.Code
	body = append(body, e.paramLocals()...)
	body = append(body, e.cacheFields()...)
	// Locals and suspension points of unreachable code are left out.
	refd := map[types.Object]bool{}
	for _, b := range e.order {
		for o := range e.u.refd[b.id] {
			refd[o] = true
		}
	}
	var decls []jen.Code
	for _, v := range e.l.pollLocals {
		if e.u.refd != nil && !refd[v] {
			continue
		}
		tc, _ := e.fc.typeCode(v.Type())
		decls = append(decls, jen.Id(e.l.localOf[v]).Add(tc))
	}
	if len(decls) > 0 {
		body = append(body, jen.Var().Defs(decls...))
	}
	// A local only written in reachable code (read in dead code, such as
	// the post statement of a loop whose body never continues) must
	// still count as used for the compiler.
	read := map[types.Object]bool{}
	for _, b := range e.order {
		for _, r := range e.u.blockRefs(b) {
			if !r.def {
				read[r.obj] = true
			}
		}
	}
	for _, v := range e.l.pollLocals {
		if refd[v] && !read[v] {
			body = append(body, jen.Id("_").Op("=").Id(e.l.localOf[v]))
		}
	}
	cases := []jen.Code{jen.Case(jen.Lit(0))}
	for _, b := range e.order {
		if b.kind == termAwait {
			s := b.site
			cases = append(cases, jen.Case(jen.Lit(s.index)).Block(jen.Goto().Id(fmt.Sprintf("resume%d", s.index))))
		}
	}
	cases = append(cases, jen.Default().Block(jen.Panic(jen.Lit("asyncgen: "+e.l.future+".Poll called after completion or Cancel"))))
	body = append(body, jen.Switch(e.self().Dot("state")).Block(cases...))

	var blocks [][]jen.Code
	for i, b := range e.order {
		var next *block
		if i+1 < len(e.order) {
			next = e.order[i+1]
		}
		e.cur = b
		var out []jen.Code
		if b.resume != nil {
			out = append(out, e.resumeCode(c, b)...)
		}
		for _, s := range b.stmts {
			out = append(out, e.flatStmt(c, s)...)
		}
		line := e.fc.lineDirective(b.pos)
		addLine := func(x jen.Code) jen.Code {
			if line == nil {
				return x
			}
			return jen.Add(line).Add(x)
		}
		jump := func(t *block) {
			if t != next {
				out = append(out, addLine(e.gotoBlock(t)))
			}
		}
		switch b.kind {
		case termJump:
			jump(b.succs[0])
		case termIf:
			cond := c.expr(b.cond)
			switch {
			case b.succs[0] == next:
				out = append(out, addLine(jen.If(jen.Op("!").Parens(cond)).Block(e.gotoBlock(b.succs[1]))))
			case b.succs[1] == next:
				out = append(out, addLine(jen.If(cond).Block(e.gotoBlock(b.succs[0]))))
			default:
				out = append(out, addLine(jen.If(cond).Block(e.gotoBlock(b.succs[0]))), e.gotoBlock(b.succs[1]))
			}
		case termReturn, termNone:
			var res []ast.Expr
			if b.ret != nil {
				res = b.ret.Results
			}
			if b.ret == nil && len(b.stmts) > 0 && e.u.terminates(b.stmts[len(b.stmts)-1]) {
				// The body ends in a terminating statement (panic, an
				// infinite loop, ...): nothing may follow it (go vet).
				break
			}
			fin := e.finish(c, res)
			fin[0] = addLine(fin[0])
			out = append(out, fin...)
		case termAwait:
			st := b.site
			var start jen.Code
			if st.kind == siteAwait {
				start = c.expr(st.call.Args[0])
			} else {
				start = e.ctorCall(c, st, st.call)
			}
			if elem, ok := e.l.childElem[st.index]; ok {
				out = append(out, addLine(e.self().Dot(e.l.child[st.index]).Op("=").New(elem)),
					jen.Op("*").Add(e.self()).Dot(e.l.child[st.index]).Op("=").Add(start))
			} else {
				out = append(out, addLine(e.self().Dot(e.l.child[st.index]).Op("=").Add(start)))
			}
			// Drop what dead fields point to before parking here.
			for _, f := range e.l.deadAt(e.u, b.succs[0]) {
				out = append(out, e.self().Dot(f.name).Op("=").Add(e.zero(f.t, f.typ)))
			}
		}
		blocks = append(blocks, out)
	}
	for i, b := range e.order {
		name, ok := e.labels[b]
		if ok && (b.resume != nil || e.used[name]) {
			blocks[i] = append([]jen.Code{jen.Id(name).Op(":")}, blocks[i]...)
		}
	}
	for _, bl := range blocks {
		body = append(body, bl...)
	}
	return body
}

// resumeCode polls the child of the site resumed in b and stores its results.
func (e *emitter) resumeCode(c *conv, b *block) []jen.Code {
	st := b.resume
	child := e.self().Dot(e.l.child[st.index])
	line := e.fc.lineDirective(st.call.Pos())
	pending := append(e.storeCache(), e.self().Dot("state").Op("=").Lit(st.index), jen.Return(jen.False()))
	// The chaos hook (rt.ChaosEnv): the point may be made pending before
	// its child is polled; the next Poll resumes here, so the child,
	// started before the label, is neither started again nor skipped.
	inject := jen.If(jen.Id(e.l.cx).Dot("InjectPending").Call()).Block(pending...)
	poll := jen.If(jen.Op("!").Add(e.self().Dot(e.l.child[st.index])).Dot("Poll").Call(jen.Id(e.l.cx))).Block(pending...)
	if line != nil {
		inject = jen.Add(line).Add(inject)
		poll = jen.Add(line).Add(poll)
	}
	out := []jen.Code{inject, poll}
	result := jen.Add(child).Dot("Result").Call()
	if as, ok := st.stmt.(*ast.AssignStmt); ok {
		if as.Tok == token.DEFINE {
			out = append(out, e.allocBoxes(as.Lhs)...)
		}
		out = append(out, jen.List(c.exprs(as.Lhs)...).Op("=").Add(result))
	} else {
		out = append(out, result)
	}
	var t types.Type
	if st.kind == siteAwait {
		t = st.argType
	}
	_, boxedChild := e.l.childElem[st.index]
	if boxedChild {
		t = types.NewPointer(types.Typ[types.Uint8]) // zero: nil
	} else if e.childPointerFree(st) {
		// The completed child holds no pointers: nothing to drop for
		// the garbage collector, and the field is overwritten when a
		// child is started again.
		return out
	}
	out = append(out, e.self().Dot(e.l.child[st.index]).Op("=").Add(e.zero(t, e.l.childType[st.index])))
	return out
}

// emitUnit adds the bridge and the state machine of u to f.
func emitUnit(f *jen.File, u *unit, l *layout, fc *fileConv) {
	e := &emitter{u: u, l: l, fc: fc, used: map[string]bool{}}
	pc := e.plainConv()
	decl := u.decl
	tparams := l.tpDecl

	// Parameters of the constructor and bridge, named after the fields.
	var params []jen.Code
	var paramTypes []ast.Expr
	for _, fl := range decl.Type.Params.List {
		n := len(fl.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			paramTypes = append(paramTypes, fl.Type)
		}
	}
	off := 0
	var recvName string
	var recvType jen.Code
	if decl.Recv != nil {
		off = 1
		recvName = l.paramNames[0]
		recvType = pc.expr(decl.Recv.List[0].Type)
	}
	for i, t := range paramTypes {
		params = append(params, jen.Id(l.paramNames[off+i]).Add(pc.expr(t)))
	}
	var results jen.Code = jen.Null()
	if decl.Type.Results != nil && len(decl.Type.Results.List) > 0 {
		results = pc.signature(&ast.FuncType{Params: &ast.FieldList{}, Results: decl.Type.Results})
		// signature renders "()" + results; drop the empty params.
		var rs []jen.Code
		for _, fl := range decl.Type.Results.List {
			n := len(fl.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				rs = append(rs, pc.expr(fl.Type))
			}
		}
		if len(rs) == 1 {
			results = rs[0]
		} else {
			results = jen.Params(rs...)
		}
	}
	fn := func() *jen.Statement {
		st := jen.Func()
		if decl.Recv != nil {
			st = st.Params(jen.Id(recvName).Add(recvType))
		}
		return st
	}
	used := namer{}
	for _, n := range l.paramNames {
		used[n] = true
	}
	fv := used.fresh("f")
	var argIDs []jen.Code
	for _, n := range l.paramNames[off:] {
		argIDs = append(argIDs, jen.Id(n))
	}
	if u.sig.Variadic() && len(argIDs) > 0 {
		argIDs[len(argIDs)-1] = jen.Id(l.paramNames[len(l.paramNames)-1]).Op("...")
	}
	var ctorCall *jen.Statement
	if decl.Recv != nil {
		ctorCall = jen.Id(recvName).Dot(l.ctor).Call(argIDs...)
	} else {
		ctorCall = jen.Id(l.ctor)
		if ta := e.typeArgNames(); len(ta) > 0 && u.lit == nil {
			ctorCall = ctorCall.Types(ta...)
		}
		ctorCall = ctorCall.Call(argIDs...)
	}

	// Captured variables come first in the constructor of a literal.
	var capParams, capInits []jen.Code
	for i, v := range u.captures {
		tc, _ := fc.typeCode(v.Type())
		capParams = append(capParams, jen.Id(l.captureNames[i]).Op("*").Add(tc))
		capInits = append(capInits, jen.Id(l.captureNames[i]).Op(":").Id(l.captureNames[i]))
	}
	what := decl.Name.Name
	if u.lit != nil {
		what = "the func literal at " + litPos(fc, u.lit)
	}

	if u.direct {
		var recvParam jen.Code
		if decl.Recv != nil {
			recvParam = jen.Id(recvName).Add(recvType)
		}
		emitDirect(f, e, recvParam, params, results)
		return
	}

	// The blocking bridge, keeping the doc comment and its //asyncgo:async line.
	if u.lit == nil {
		docLines(f, decl.Doc)
		bridge := fn().Id(decl.Name.Name)
		if len(tparams) > 0 && decl.Recv == nil {
			bridge = bridge.Types(tparams...)
		}
		bridgeBody := []jen.Code{
			jen.Id(fv).Op(":=").Add(ctorCall),
			jen.Qual(rtPath, "BlockOn").Call(jen.Op("&").Id(fv)),
		}
		if u.sig.Results().Len() > 0 {
			bridgeBody = append(bridgeBody, jen.Return(jen.Id(fv).Dot("Result").Call()))
		} else {
			bridgeBody = append(bridgeBody, jen.Id(fv).Dot("Result").Call())
		}
		f.Add(bridge.Params(params...).Add(results).Block(bridgeBody...))
		f.Line()
	}

	// The state struct.
	f.Commentf("%s is the state machine of %s, generated by asyncgen.", l.future, what)
	emitStruct(f, l, "0: not started; k > 0: suspended at point k; -1: done")

	// The constructor.
	f.Commentf("%s returns the future of %s without running any of it.", l.ctor, what)
	inits := capInits
	for i, n := range l.paramNames {
		if l.boxed[l.paramObjs[i]] {
			inits = append(inits, jen.Id(n).Op(":").Op("&").Id(n))
			continue
		}
		inits = append(inits, jen.Id(n).Op(":").Id(n))
	}
	for i, n := range l.resultNames {
		if r := u.sig.Results().At(i); l.boxed[r] {
			tc, _ := fc.typeCode(r.Type())
			inits = append(inits, jen.Id(n).Op(":").New(tc))
		}
	}
	ctor := fn().Id(l.ctor)
	if len(tparams) > 0 && decl.Recv == nil {
		ctor = ctor.Types(tparams...)
	}
	f.Add(ctor.Params(append(capParams, params...)...).Add(e.futureType()).Block(jen.Return(e.futureType().Values(inits...))))
	f.Line()

	recv := jen.Id(l.recv).Op("*").Add(e.futureType())
	// Poll.
	f.Comment("Poll advances " + what + " to its next suspension point; it reports whether it has completed.")
	if l.defers == "" {
		f.Func().Params(recv).Id("Poll").Params(jen.Id(l.cx).Op("*").Qual(rtPath, "Context")).Bool().Block(e.pollBody()...)
		f.Line()
	} else {
		e.deferMethods(f, recv)
	}

	// Result.
	f.Comment("Result returns the results of " + what + "; valid once Poll returned true.")
	var rets []jen.Code
	for i := range l.resultNames {
		rets = append(rets, e.resultField(i))
	}
	if len(rets) > 0 {
		f.Func().Params(recv).Id("Result").Params().Add(results).Block(jen.Return(rets...))
	} else {
		f.Func().Params(recv).Id("Result").Params().Block()
	}
	f.Line()

	// Cancel.
	f.Comment("Cancel abandons " + what + ", cancelling its in-flight child first; it is idempotent.")
	var cancel []jen.Code
	if len(l.sitesInOrder) > 0 {
		var cases []jen.Code
		for _, s := range l.sitesInOrder {
			cases = append(cases, jen.Case(jen.Lit(s.index)).Block(e.self().Dot(l.child[s.index]).Dot("Cancel").Call()))
		}
		cancel = append(cancel, jen.Switch(e.self().Dot("state")).Block(cases...))
	}
	cancel = append(cancel, e.self().Dot("state").Op("=").Lit(-1))
	if l.defers != "" {
		cancel = append(cancel, e.runDefers())
	}
	f.Func().Params(recv).Id("Cancel").Params().Block(cancel...)
	f.Line()
}

// emitStruct declares the state struct of l: the state word (documented
// by stateDoc), then l's fields.
func emitStruct(f *jen.File, l *layout, stateDoc string) {
	fields := []jen.Code{jen.Id("state").Int().Comment(stateDoc)}
	for _, fd := range l.fields {
		fields = append(fields, jen.Id(fd.name).Add(fd.typ))
	}
	tdecl := jen.Type().Id(l.future)
	if len(l.tpDecl) > 0 {
		tdecl = tdecl.Types(l.tpDecl...)
	}
	f.Add(tdecl.Struct(fields...))
	f.Line()
}

func litPos(fc *fileConv, lit *ast.FuncLit) string {
	p := fc.fset.Position(lit.Pos())
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)
}

// deferMethods emits Poll, poll and unwind of a function with defer
// statements. poll is the state machine; Poll calls it under a deferred
// function that, if poll panics while deferred calls are pending,
// recovers the panic and runs them with it in flight (unwind): if one of
// them recovers, the function completes normally, with the results as
// they are; otherwise the panic goes on.
func (e *emitter) deferMethods(f *jen.File, recv jen.Code) {
	l := e.l
	names := namer{l.recv: true, l.cx: true}
	ready, normal := names.fresh("ready"), names.fresh("normal")
	f.Func().Params(recv).Id("Poll").Params(jen.Id(l.cx).Op("*").Qual(rtPath, "Context")).Params(jen.Id(ready).Bool()).Block(
		jen.Id(normal).Op(":=").False(),
		jen.Defer().Func().Params().Block(
			jen.If(jen.Id(normal).Op("||").Len(e.self().Dot(l.defers)).Op("==").Lit(0)).Block(jen.Return()),
			e.self().Dot("state").Op("=").Lit(-1),
			jen.Id("rec").Op(":=").False(),
			jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Add(e.self()).Dot(l.defers)).Block(
				jen.Id("rec").Op("=").Id("rec").Op("||").Id("d").Dot("rec"),
			),
			jen.If(jen.Op("!").Id("rec")).Block(
				jen.Comment("Nothing can recover: the panic goes on as it is, after the deferred calls."),
				jen.If(jen.Id("p").Op(":=").Add(e.self()).Dot(l.unwind).Call(jen.Nil()), jen.Id("p").Op("!=").Nil()).Block(jen.Panic(jen.Id("p"))),
				jen.Return(),
			),
			jen.If(jen.Id("p").Op(":=").Add(e.self()).Dot(l.unwind).Call(jen.Recover()), jen.Id("p").Op("!=").Nil()).Block(jen.Panic(jen.Id("p"))),
			jen.Id(ready).Op("=").True(),
		).Call(),
		jen.Id(ready).Op("=").Add(e.self()).Dot(l.poll).Call(jen.Id(l.cx)),
		jen.Id(normal).Op("=").True(),
		jen.Return(jen.Id(ready)),
	)
	f.Line()
	f.Commentf("%s is the state machine of Poll.", l.poll)
	f.Func().Params(recv).Id(l.poll).Params(jen.Id(l.cx).Op("*").Qual(rtPath, "Context")).Bool().Block(e.pollBody()...)
	f.Line()
	f.Commentf("%s runs the pending deferred calls, last first, with the panic p in flight (nil if none), and returns the panic in flight after them.", l.unwind)
	d := e.self().Dot(l.defers)
	last := jen.Len(d).Op("-").Lit(1)
	f.Func().Params(recv).Id(l.unwind).Params(jen.Id("p").Any()).Any().Block(
		jen.For(jen.Len(d).Op(">").Lit(0)).Block(
			jen.Id("run").Op(":=").Add(d).Index(last).Dot("run"),
			jen.Add(d).Index(last).Dot("run").Op("=").Nil(),
			jen.Add(d).Op("=").Add(d).Index(jen.Empty(), last),
			jen.Id("p").Op("=").Func().Params().Params(jen.Id("q").Any()).Block(
				jen.Defer().Func().Params().Block(jen.Id("q").Op("=").Recover()).Call(),
				jen.Id("run").Call(jen.Id("p")),
				jen.Return(jen.Nil()),
			).Call(),
		),
		jen.Return(jen.Id("p")),
	)
	f.Line()
}

// pullCode returns the pull iterator of a range over an iterator
// function: next and stop(p) functions, where stop(nil) stops the
// iterator as a break does (yield returns false), and stop(p) with a
// panic p makes yield panic with p, so that the iterator unwinds as if
// the panic of the loop body went through it, as it does in Go.
//
//	func(seq iter.Seq[V]) (func() (V, bool), func(any)) {
//		var pv any
//		next, stop := iter.Pull(func(yield func(V) bool) {
//			seq(func(v V) bool {
//				if yield(v) { return true }
//				if pv != nil { panic(pv) }
//				return false
//			})
//		})
//		return next, func(p any) { pv = p; stop() }
//	}(iter.Seq[V](tmp))
func (e *emitter) pullCode(pi *pullInfo) jen.Code {
	var ts, params, args []jen.Code
	for i, t := range pi.elems {
		tc, ok := e.fc.typeCode(t)
		if !ok {
			e.fc.r.errorf(pi.seq.Pos(), "declare the type at package level", "the element type %s of the sequence cannot be named outside the function", t)
		}
		ts = append(ts, tc)
		n := fmt.Sprintf("v%d", i)
		params = append(params, jen.Id(n).Add(tc))
		args = append(args, jen.Id(n))
	}
	pull, seqT := "Pull", "Seq"
	if len(ts) == 2 {
		pull, seqT = "Pull2", "Seq2"
	}
	seq := jen.Qual("iter", seqT).Types(ts...)
	nextT := jen.Func().Params().Params(append(append([]jen.Code{}, ts...), jen.Bool())...)
	inner := jen.Func().Params(jen.Id("yield").Func().Params(ts...).Bool()).Block(
		jen.Id("seq").Call(jen.Func().Params(params...).Bool().Block(
			jen.If(jen.Id("yield").Call(args...)).Block(jen.Return(jen.True())),
			jen.If(jen.Id("pv").Op("!=").Nil()).Block(jen.Panic(jen.Id("pv"))),
			jen.Return(jen.False()),
		)),
	)
	c := e.bodyConv()
	return jen.Func().Params(jen.Id("seq").Add(seq)).Params(nextT, jen.Func().Params(jen.Any())).Block(
		jen.Var().Id("pv").Any(),
		jen.List(jen.Id("next"), jen.Id("stop")).Op(":=").Qual("iter", pull).Call(inner),
		jen.Return(jen.Id("next"), jen.Func().Params(jen.Id("p").Any()).Block(
			jen.Id("pv").Op("=").Id("p"),
			jen.Id("stop").Call(),
		)),
	).Call(jen.Add(seq).Call(c.expr(pi.seq)))
}

// mayRecover reports whether the function a defer statement calls may
// call recover (and so stop a panic): a func literal whose body calls
// recover, a function or method of this package whose body does, or any
// function value or function of another module; not a builtin (defer
// recover() stops nothing) nor a function of the standard library.
func (e *emitter) mayRecover(call *ast.CallExpr) bool {
	fun := ast.Unparen(call.Fun)
	if lit, ok := fun.(*ast.FuncLit); ok {
		return callsRecover(e.u.info, lit.Body)
	}
	switch b := fun.(type) {
	case *ast.IndexExpr:
		fun = b.X
	case *ast.IndexListExpr:
		fun = b.X
	}
	var fn *types.Func
	switch f := fun.(type) {
	case *ast.Ident:
		switch o := e.u.objOf(f).(type) {
		case *types.Builtin:
			return false
		case *types.Func:
			fn = o
		}
	case *ast.SelectorExpr:
		if sel, ok := e.u.info.Selections[f]; ok {
			fn, _ = sel.Obj().(*types.Func)
		} else {
			fn, _ = e.u.info.Uses[f.Sel].(*types.Func)
		}
	}
	if fn == nil || fn.Pkg() == nil {
		return true
	}
	if d, ok := e.u.find.async.local[fn.Origin()]; ok {
		return d.Body == nil || callsRecover(e.u.info, d.Body)
	}
	path := fn.Pkg().Path()
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

// callsRecover reports whether body calls the builtin recover (outside
// nested func literals).
func callsRecover(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// childPointerFree reports whether the child future of st holds no
// pointers, so that resetting it once it completed is useless.
func (e *emitter) childPointerFree(st *site) bool {
	for _, f := range e.l.fields {
		if f.name != e.l.child[st.index] {
			continue
		}
		if f.t != nil {
			return pointerFree(f.t)
		}
		if st.kind != siteCall || len(st.inst) > 0 || e.fc.layouts == nil {
			return false
		}
		name, _ := futureNames(st.fn)
		cl := e.fc.layouts[name]
		return cl != nil && cl != e.l && layoutPointerFree(cl, e.fc.layouts, map[*layout]bool{})
	}
	return false
}

// paramLocals lets Poll of a function without suspension points (a leaf:
// Poll runs it whole, once) work on locals instead of the fields of the
// parameters it assigns, so that the compiler keeps them in registers
// rather than storing every update to the state struct. It returns the
// copies; it does nothing for functions that suspend or defer, and for
// boxed parameters.
func (e *emitter) paramLocals() []jen.Code {
	if e.l.defers != "" || e.u.lit != nil {
		return nil
	}
	for _, b := range e.u.blocks {
		if b.kind == termAwait || b.resume != nil {
			return nil
		}
	}
	written := map[types.Object]bool{}
	mark := func(x ast.Expr) {
		if id, ok := ast.Unparen(x).(*ast.Ident); ok {
			if o := e.u.objOf(id); o != nil {
				written[o] = true
			}
		}
	}
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, x := range n.Lhs {
				mark(x)
			}
		case *ast.IncDecStmt:
			mark(n.X)
		case *ast.RangeStmt:
			if n.Key != nil {
				mark(n.Key)
			}
			if n.Value != nil {
				mark(n.Value)
			}
		}
		return true
	})
	var out []jen.Code
	for i, p := range e.l.paramObjs {
		if !written[p] || e.l.boxed[p] || e.u.escaping[p] {
			continue
		}
		if e.paramLocal == nil {
			e.paramLocal = map[types.Object]string{}
		}
		name := e.l.all.fresh(p.Name())
		e.paramLocal[p] = name
		out = append(out, jen.Id(name).Op(":=").Add(e.self().Dot(e.l.paramNames[i])))
	}
	return out
}

// cacheFields lets Poll compute on locals instead of fields of the state
// struct: each cached field is loaded into a local when Poll starts and
// stored back before Poll returns pending (storeCache). Code between two
// suspension points, and a whole Poll whose children (or inlined callees,
// inline.go) complete at once, then keeps its variables in registers
// instead of chaining loads and stores through the struct. A field is
// cached when it holds a number or a bool (cacheable: no pointers, which
// dead fields must drop when the task parks, and no address taken without
// an &), no escaping variable (its address is the field's), and no result
// (Result reads it), and the function has no defer statements (a deferred
// call may run after a panic left newer values in the locals only).
func (e *emitter) cacheFields() []jen.Code {
	if e.l.defers != "" {
		return nil
	}
	results := map[types.Object]bool{}
	for i := 0; i < e.u.sig.Results().Len(); i++ {
		results[e.u.sig.Results().At(i)] = true
	}
	refd := map[types.Object]bool{}
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if o := e.u.objOf(id); o != nil {
				refd[o] = true
			}
		}
		return true
	})
	byField := map[string][]types.Object{}
	for o, f := range e.l.fieldOf {
		byField[f] = append(byField[f], o)
	}
	var out []jen.Code
	for _, f := range e.l.fields {
		objs := byField[f.name]
		if f.t == nil || len(objs) == 0 || !cacheable(f.t) {
			continue
		}
		ok, used := true, false
		for _, o := range objs {
			if e.l.boxed[o] || e.u.escaping[o] || results[o] || e.paramLocal[o] != "" {
				ok = false
			}
			if refd[o] {
				used = true
			}
		}
		if !ok || !used {
			continue
		}
		if e.cache == nil {
			e.cache = map[string]string{}
		}
		name := e.l.all.fresh(f.name)
		e.cache[f.name] = name
		e.cacheOrder = append(e.cacheOrder, f.name)
		out = append(out, jen.Id(name).Op(":=").Add(e.self().Dot(f.name)))
		// A field only written in reachable code still counts as used.
		out = append(out, jen.Id("_").Op("=").Id(name))
	}
	return out
}

// cacheable reports whether a field of type t may be cached: a number or
// a bool whose type has no pointer methods. A struct or an array could
// have its address taken without an & in the source (a pointer-method
// call on it, slicing an array), and a child future keeping that address
// across Polls would then see a stale copy.
func cacheable(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	if !ok || b.Info()&(types.IsNumeric|types.IsBoolean) == 0 {
		return false
	}
	return types.NewMethodSet(types.NewPointer(t)).Len() == 0
}

// storeCache stores the cached locals back into their fields.
func (e *emitter) storeCache() []jen.Code {
	var out []jen.Code
	for _, f := range e.cacheOrder {
		out = append(out, e.self().Dot(f).Op("=").Id(e.cache[f]))
	}
	return out
}
