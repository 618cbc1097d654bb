package transform

// This file lowers range over iterator methods that name an async step
// method with the directive //asyncgo:range NAME (rt/sync's Channel.All
// and Ring.All, or any third-party type's):
//
//	// All returns an iterator over ...
//	//
//	//asyncgo:range Next
//	func (q *Queue[T]) All(args) iter.Seq[T] { ... loops on q.Next(args) ... }
//
//	//asyncgo:async
//	func (q *Queue[T]) Next(args) (T, bool) // the next value, or false at the end
//
// The step is called again and again with the same receiver and
// arguments: the iteration's state lives in the receiver, and the
// iterator should be exactly a loop on the step's blocking bridge.
//
// In async code, a range over the iterator method's result is a loop on
// the step method (see rangeByStmt); each step is a suspension point, so
// the range statement always suspends, even when its body does not. In
// ordinary code and in the goroutine build the iterator method itself
// runs, its steps blocking: both builds see the same values.

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// RangeDirective is the prefix of the directive that names the async step
// method of an iterator method.
const RangeDirective = "//asyncgo:range "

// rangeDirective returns NAME of a "//asyncgo:range NAME" line, or "".
func rangeDirective(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	for _, c := range doc.List {
		if rest, ok := strings.CutPrefix(c.Text, RangeDirective); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// A rangeBy is a range statement over x.M(args), where M carries the
// directive //asyncgo:range NAME.
type rangeBy struct {
	call *ast.CallExpr
	fn   *types.Func // M, as called (instantiated receiver)
	recv ast.Expr    // x; nil if M is not a method
	name string      // NAME
}

// rangeByCallee returns the range-directive call s ranges over, or nil.
func (fd *finder) rangeByCallee(s *ast.RangeStmt) *rangeBy {
	call, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn, recv, _ := calleeFunc(fd.info, call)
	if fn == nil {
		return nil
	}
	name := fd.async.directives(fn).rng
	if name == "" {
		return nil
	}
	return &rangeBy{call: call, fn: fn, recv: recv, name: name}
}

// seqElems returns the element types of an iterator function type
// func(yield func(E...) bool), for one or two elements.
func seqElems(t types.Type) ([]types.Type, bool) {
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return nil, false
	}
	y, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || y.Params().Len() < 1 || y.Params().Len() > 2 || y.Results().Len() != 1 || !isBool(y.Results().At(0).Type()) {
		return nil, false
	}
	var elems []types.Type
	for i := 0; i < y.Params().Len(); i++ {
		elems = append(elems, y.Params().At(i).Type())
	}
	return elems, true
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Bool
}

// step checks rb against the directive's contract and returns the step
// method (instantiated like rb.fn) and the element types; or a message
// saying what is wrong.
func (fd *finder) step(rb *rangeBy) (step *types.Func, elems []types.Type, msg string) {
	sig := rb.fn.Type().(*types.Signature)
	what := "//asyncgo:range " + rb.name + " on " + rb.fn.Name()
	if sig.Recv() == nil || rb.recv == nil {
		return nil, nil, what + ": the directive applies to methods only"
	}
	if sel, ok := ast.Unparen(rb.call.Fun).(*ast.SelectorExpr); ok {
		if s := fd.info.Selections[sel]; s != nil && len(s.Index()) > 1 {
			return nil, nil, what + ": the method is promoted from an embedded field"
		}
	}
	if sig.Results().Len() != 1 {
		return nil, nil, what + ": the method must return an iterator function (iter.Seq or iter.Seq2)"
	}
	elems, ok := seqElems(sig.Results().At(0).Type())
	if !ok {
		return nil, nil, what + ": the method must return an iterator function (iter.Seq or iter.Seq2)"
	}
	recvT := sig.Recv().Type()
	obj, _, _ := types.LookupFieldOrMethod(recvT, false, rb.fn.Pkg(), rb.name)
	st, ok := obj.(*types.Func)
	if !ok {
		return nil, nil, what + ": " + recvString(recvT) + " has no method " + rb.name
	}
	ssig := st.Type().(*types.Signature)
	if ssig.Recv() == nil || !types.Identical(ssig.Recv().Type(), recvT) {
		return nil, nil, what + ": " + rb.name + " must have the same receiver type as " + rb.fn.Name()
	}
	if !fd.async.isAsync(st) {
		return nil, nil, what + ": " + rb.name + " is not marked //asyncgo:async"
	}
	if ssig.Variadic() != sig.Variadic() || !types.Identical(ssig.Params(), sig.Params()) {
		return nil, nil, what + ": " + rb.name + " must have the same parameters as " + rb.fn.Name()
	}
	res := ssig.Results()
	ok = res.Len() == len(elems)+1 && isBool(res.At(res.Len()-1).Type())
	for i := 0; ok && i < len(elems); i++ {
		ok = types.Identical(res.At(i).Type(), elems[i])
	}
	if !ok {
		want := ""
		for _, e := range elems {
			want += types.TypeString(e, nil) + ", "
		}
		return nil, nil, what + ": " + rb.name + " must return (" + want + "bool)"
	}
	return st, elems, ""
}

func recvString(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// checkRangeBy reports a range statement over a range-directive method
// whose directive does not name a suitable step method.
func (v *validator) checkRangeBy(s *ast.RangeStmt, rb *rangeBy) {
	if _, _, msg := v.find.step(rb); msg != "" {
		v.r.errorf(s.X.Pos(), "the directive must name an //asyncgo:async method of the same receiver, with the same parameters, returning the iterator's values and a bool (false at the end)", "%s", msg)
	}
}

// rangeByStmt lowers a range over x.M(args), M carrying
// //asyncgo:range NAME, to a loop on the step method:
//
//	for k, v := range x.M(a, b) { B }
//	=>
//	for tmpX, tmpA, tmpB := x, a, b; ; {     // evaluated once, in Go's order
//		k1, v1, ok := tmpX.NAME(tmpA, tmpB)  // a suspension point
//		if !ok { break }
//		k, v := k1, v1                       // per-iteration variables
//		B
//	}
//
// M itself is not called (it only makes the iterator). x is taken by
// address (&x) when M has a pointer receiver and x is a value, and
// dereferenced when M has a value receiver and x is a pointer, as the
// method call would. break, continue, labels, goto and return are those
// of a plain loop: there is no iterator to stop. Cancelling the task
// cancels the in-flight step.
func (n *normaliser) rangeByStmt(s *ast.RangeStmt, rb *rangeBy) []ast.Stmt {
	step, elems, msg := n.u.find.step(rb)
	if msg != "" {
		n.r.errorf(s.Pos(), "", "internal error: %s", msg)
		return []ast.Stmt{s}
	}
	pos := s.For
	sig := rb.fn.Type().(*types.Signature)
	recvT := sig.Recv().Type()
	recv := rb.recv
	_, wantPtr := recvT.(*types.Pointer)
	_, isPtr := n.u.info.TypeOf(recv).Underlying().(*types.Pointer)
	switch {
	case wantPtr && !isPtr:
		recv = &ast.UnaryExpr{OpPos: recv.Pos(), Op: token.AND, X: recv}
		n.u.info.Types[recv] = types.TypeAndValue{Type: recvT}
	case !wantPtr && isPtr:
		recv = &ast.StarExpr{Star: recv.Pos(), X: recv}
		n.u.info.Types[recv] = types.TypeAndValue{Type: recvT}
	}
	exprs := append([]ast.Expr{recv}, rb.call.Args...)
	var init []ast.Stmt
	pre, xs := n.spill(exprs)
	init = append(init, pre...)
	// Parameter types, for the temporaries of the arguments.
	params := sig.Params()
	paramType := func(i int) types.Type {
		if sig.Variadic() && i >= params.Len()-1 {
			t := params.At(params.Len() - 1).Type()
			if rb.call.Ellipsis.IsValid() {
				return t
			}
			return t.Underlying().(*types.Slice).Elem()
		}
		return params.At(i).Type()
	}
	tmpR := n.newTemp(recv.Pos(), recvT)
	init = append(init, define(tmpR, xs[0]))
	var args []ast.Expr
	rest := xs[1:]
	if len(rb.call.Args) == 1 && len(rest) == 1 {
		if tup, ok := n.u.info.TypeOf(rb.call.Args[0]).(*types.Tuple); ok {
			// x.M(f()) with a multi-value f: one temporary per value.
			var lhs []ast.Expr
			for i := 0; i < tup.Len(); i++ {
				t := n.newTemp(rest[0].Pos(), paramType(i))
				lhs = append(lhs, t)
				args = append(args, t)
			}
			init = append(init, &ast.AssignStmt{Lhs: lhs, TokPos: rest[0].Pos(), Tok: token.DEFINE, Rhs: rest})
			rest = nil
		}
	}
	for i, a := range rest {
		t := n.newTemp(a.Pos(), paramType(i))
		init = append(init, define(t, a))
		args = append(args, t)
	}
	// The step call, registered as a suspension point.
	sel := &ast.SelectorExpr{X: tmpR, Sel: &ast.Ident{NamePos: pos, Name: rb.name}}
	n.u.info.Uses[sel.Sel] = step
	c := &ast.CallExpr{Fun: sel, Lparen: pos, Args: args, Rparen: pos}
	if rb.call.Ellipsis.IsValid() {
		c.Ellipsis = pos
	}
	n.u.info.Types[c] = types.TypeAndValue{Type: step.Type().(*types.Signature).Results()}
	n.register(c, c)
	var lhs, vals []ast.Expr
	for i, t := range elems {
		bound := s.Key
		if i == 1 {
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
	body := []ast.Stmt{
		&ast.AssignStmt{Lhs: append(lhs, ok), TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{c}},
		&ast.IfStmt{If: pos, Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: ok},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{TokPos: pos, Tok: token.BREAK}}}},
	}
	// The iteration variables, new in each iteration (or assigned, for =).
	var blhs, brhs []ast.Expr
	for i, bound := range []ast.Expr{s.Key, s.Value} {
		if i < len(vals) && vals[i] != nil {
			blhs, brhs = append(blhs, bound), append(brhs, vals[i])
		}
	}
	if len(blhs) > 0 {
		tok := s.Tok
		if tok == token.ILLEGAL {
			tok = token.ASSIGN
		}
		body = append(body, &ast.AssignStmt{Lhs: blhs, TokPos: s.TokPos, Tok: tok, Rhs: brhs})
	}
	body = append(body, n.list(s.Body.List)...)
	return []ast.Stmt{&ast.ForStmt{For: s.For, Init: &ast.BlockStmt{Lbrace: pos, List: init, Rbrace: pos},
		Body: &ast.BlockStmt{Lbrace: s.Body.Lbrace, List: body, Rbrace: s.Body.Rbrace}}}
}

// iteratorBody checks the body of an iterator method (one carrying
// //asyncgo:range): it is ordinary code, and so is the iterator function
// literal it returns, whose calls of the step method are blocking bridges
// (in async code the method is not called: the range is lowered to the
// step method). Async literals in lowered positions are still checked.
func (v *validator) iteratorBody(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		if _, ok := v.lits.allowed[lit]; ok {
			v.validateAsync(litDecl(lit, "func literal"))
			return false
		}
		return true
	})
}
