package transform

// This file is the "validate" stage: everything this version of asyncgen
// does not lower is reported here, before any rewriting, so that later
// stages may assume their input is in the supported subset.

import (
	"go/ast"
	"go/token"
	"go/types"
)

type validator struct {
	find *finder
	info *types.Info
	r    *reporter
	lits *litSet // async literals in a lowered position
	// locals are the hoisted local types of the file.
	locals *localDecls
	// labeled maps each label to the statement it labels.
	labeled map[*types.Label]ast.Stmt
}

const hintSplit = "move the code that suspends into a separate //asyncgo:async function, or restructure it as if/for"

// validateAsync checks the body of the async function u.
func (v *validator) validateAsync(fd *ast.FuncDecl) {
	// susp reports whether n contains a suspension point.
	susp := func(n ast.Node) bool { return n != nil && v.find.containsSuspend(n) }
	var walk func(n ast.Node, flat bool) // flat: at a flattened level (not inside a carried-over statement)
	visitExpr := func(n ast.Node) {
		if n == nil || isNilNode(n) {
			return
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				if _, ok := v.lits.allowed[n]; ok {
					v.validateAsync(litDecl(n, "func literal"))
					return false
				}
				if v.find.isAsyncLit(n) {
					v.r.errorf(n.Pos(), "an async func literal is allowed only as the argument of rt.Run or rt.Spawn, or in a go statement of async code; call an //asyncgo:async function declared at package level instead", "async func literal in this position")
				}
				v.checkLit(n)
				return false
			case *ast.CommClause:
				for _, st := range n.Body {
					walk(st, false)
				}
				return false
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					v.r.warnf(n.Pos(), "use rt/sync channels in async code", "receive from a Go channel blocks the worker thread")
				}
			case *ast.SendStmt:
				v.r.warnf(n.Pos(), "use rt/sync channels in async code", "send on a Go channel may block the worker thread")
			case *ast.RangeStmt:
				if t := v.info.TypeOf(n.X); t != nil {
					if _, ok := t.Underlying().(*types.Chan); ok {
						v.r.warnf(n.Pos(), "use rt/sync channels in async code", "range over a Go channel blocks the worker thread")
					}
				}
			case *ast.CallExpr:
				if name := blockingCall(v.info, n); name != "" {
					v.r.warnf(n.Pos(), "use the async equivalent from rt (rt.Sleep, rt/sync)", "%s blocks the worker thread", name)
				}
			}
			return true
		})
	}
	walk = func(n ast.Node, flat bool) {
		if n == nil {
			return
		}
		switch s := n.(type) {
		case *ast.BlockStmt:
			for _, x := range s.List {
				walk(x, flat && susp(s))
			}
			return
		case *ast.LabeledStmt:
			if l, ok := v.info.Defs[s.Label].(*types.Label); ok {
				if v.labeled == nil {
					v.labeled = map[*types.Label]ast.Stmt{}
				}
				v.labeled[l] = s.Stmt
			}
			walk(s.Stmt, flat)
			return
		case *ast.BranchStmt:
			return
		case *ast.DeferStmt:
			// Suspension points in the callee, receiver and arguments are
			// evaluated at the defer statement (spilled by normalise); the
			// deferred call itself, or a deferred literal's body, cannot
			// suspend.
			if v.find.isSuspend(s.Call) {
				v.r.errorf(s.Pos(), "a deferred call cannot suspend; call the async function before returning instead", "suspension point inside a deferred call")
				return
			}
			if lit, ok := ast.Unparen(s.Call.Fun).(*ast.FuncLit); ok && v.find.isAsyncLit(lit) {
				v.r.errorf(s.Pos(), "a deferred function runs while the function returns or panics and cannot suspend; call the async function before returning instead", "suspension point inside a deferred function")
				for _, a := range s.Call.Args {
					visitExpr(a)
				}
				return
			}
		case *ast.SelectStmt:
			if susp(s) {
				v.r.errorf(s.Pos(), "use the select combinator of rt instead of a Go select statement", "suspension point inside a select statement")
			} else {
				v.r.warnf(s.Pos(), "use rt's channels and combinators in async code", "select over Go channels blocks the worker thread")
			}
			visitExpr(s)
			return
		case *ast.SwitchStmt:
			if !susp(s) || !flat {
				visitExpr(s)
				return
			}
			walk(s.Init, flat)
			visitExpr(s.Tag)
			for _, cl := range s.Body.List {
				cc := cl.(*ast.CaseClause)
				for _, e := range cc.List {
					visitExpr(e)
				}
				for _, st := range cc.Body {
					walk(st, flat)
				}
			}
			return
		case *ast.TypeSwitchStmt:
			if !susp(s) || !flat {
				visitExpr(s)
				return
			}
			walk(s.Init, flat)
			visitExpr(s.Assign)
			for _, cl := range s.Body.List {
				for _, st := range cl.(*ast.CaseClause).Body {
					walk(st, flat)
				}
			}
			return
		case *ast.RangeStmt:
			if !susp(s) || !flat {
				visitExpr(s)
				return
			}
			rb := v.find.rangeByCallee(s)
			if rb != nil {
				v.checkRangeBy(s, rb) // a loop on the directive's step method
			}
			switch kind := rangeKind(v.info, s); {
			case rb != nil:
			case kind == "chan":
				v.r.errorf(s.Pos(), "range over an rt/sync Channel instead (for v := range ch.All()); a Go channel blocks the worker thread", "range over a Go channel with a suspension point in the body")
			case kind == "func":
				sig := v.info.TypeOf(s.X).Underlying().(*types.Signature)
				if y, ok := sig.Params().At(0).Type().Underlying().(*types.Signature); !ok || y.Params().Len() == 0 {
					v.r.errorf(s.Pos(), "range over a func(yield func(V) bool) instead", "range over a func(yield func() bool) with a suspension point in the body is not supported")
				}
			case kind == "":
				v.r.errorf(s.Pos(), hintSplit, "range over %s with a suspension point in the body is not supported", v.info.TypeOf(s.X))
			}
			if s.Tok == token.ASSIGN && ((s.Key != nil && containsCall(s.Key)) || (s.Value != nil && containsCall(s.Value))) {
				v.r.errorf(s.Pos(), "assign to plain variables in the range clause", "a call in the iteration variables of a range statement that suspends is not supported")
			}
			visitExpr(s.X)
			walk(s.Body, flat)
			return
		case *ast.DeclStmt:
			gd := s.Decl.(*ast.GenDecl)
			// Local constants are replaced by their values, local types
			// declared at package level (localdecls.go), if they can be.
			if gd.Tok == token.TYPE {
				if why, pos := v.locals.notHoisted(gd); why != "" {
					v.r.errorf(pos, why, "this local type cannot be declared at package level, which an async function needs")
				}
			}
			visitExpr(s)
			return
		case *ast.GoStmt:
			if susp(s.Call.Fun) {
				v.r.errorf(s.Pos(), hintSplit, "suspension point in the function of a go statement")
			}
			visitExpr(s)
			return
		case *ast.IfStmt:
			if !susp(s) || !flat {
				visitExpr(s)
				return
			}
			walk(s.Init, flat)
			visitExpr(s.Cond)
			walk(s.Body, flat)
			walk(s.Else, flat)
			return
		case *ast.ForStmt:
			if !susp(s) || !flat {
				visitExpr(s)
				return
			}
			walk(s.Init, flat)
			visitExpr(s.Cond)
			walk(s.Post, flat)
			walk(s.Body, flat)
			return
		case *ast.AssignStmt:
			if susp(s) {
				// Calls on the left are spilled with the right side
				// (assignLhsCalls).
				if s.Tok != token.ASSIGN && s.Tok != token.DEFINE && len(s.Rhs) == 1 {
					if _, ok := v.info.TypeOf(s.Rhs[0]).(*types.Tuple); ok {
						v.r.errorf(s.Pos(), "", "multi-value call in op-assignment")
					}
				}
			}
		case *ast.ExprStmt, *ast.ReturnStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.EmptyStmt:
		default:
			if susp(s) {
				v.r.errorf(s.Pos(), hintSplit, "suspension point in this statement is not supported yet")
			}
		}
		visitExpr(n)
	}
	walk(fd.Body, true)
	// Statements inside carried-over statements (not at a flattened
	// level) must not suspend; walk reports those as part of their
	// enclosing statement above.
}

// checkLit checks a plain (non-async) func literal nested in async or
// ordinary code: async literals in it must be in a lowered position.
func (v *validator) checkLit(lit *ast.FuncLit) {
	v.plainBody(lit.Body)
}

// validatePlain checks an ordinary function: an async literal in it must
// be the argument of rt.Run or rt.Spawn (or the body of a goroutine).
func (v *validator) validatePlain(fd *ast.FuncDecl) {
	if fd.Body != nil && rangeDirective(fd.Doc) != "" {
		v.iteratorBody(fd.Body) // rangeby.go
		return
	}
	if fd.Body != nil {
		v.plainBody(fd.Body)
	}
}

func (v *validator) plainBody(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		if _, ok := v.lits.allowed[lit]; ok {
			v.validateAsync(litDecl(lit, "func literal"))
			return false
		}
		if v.lits.goroutine[lit] {
			return true // a goroutine of ordinary code: its body is ordinary code
		}
		if v.find.isAsyncLit(lit) {
			v.r.errorf(lit.Pos(), "pass it to rt.Run or rt.Spawn, or move the body into an //asyncgo:async function and call it (its blocking bridge runs it to completion)", "async func literal in this position")
			return false
		}
		return true
	})
}

// litDecl wraps a func literal as a declaration, so that the stages for
// async functions apply to it.
func litDecl(lit *ast.FuncLit, name string) *ast.FuncDecl {
	return &ast.FuncDecl{Name: &ast.Ident{NamePos: lit.Pos(), Name: name}, Type: lit.Type, Body: lit.Body}
}

// containsCallWhere reports whether n contains, outside func literals, a
// call for which match is true.
func containsCallWhere(n ast.Node, match func(*ast.CallExpr) bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = match(n)
		}
		return !found
	})
	return found
}

func containsCall(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.CallExpr); ok {
			found = true
		}
		return !found
	})
	return found
}

func stmtName(s ast.Stmt) string {
	switch s.(type) {
	case *ast.SwitchStmt:
		return "switch"
	case *ast.TypeSwitchStmt:
		return "type switch"
	case *ast.RangeStmt:
		return "range"
	}
	return "this"
}

// isNilNode reports whether n is a typed nil (such as a nil ast.Expr
// converted to ast.Node).
func isNilNode(n ast.Node) bool {
	switch n := n.(type) {
	case ast.Expr:
		return n == nil
	case *ast.BlockStmt:
		return n == nil
	}
	return false
}

// blockingCall returns the name of a well-known blocking function or
// method that call calls, or "".
func blockingCall(info *types.Info, call *ast.CallExpr) string {
	fn, _, _ := calleeFunc(info, call)
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	name := fn.Name()
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	switch fn.Pkg().Path() + "." + name {
	case "time.Sleep", "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait":
		return fn.Pkg().Path() + "." + name
	}
	return ""
}
