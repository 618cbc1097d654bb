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
}

const hintSplit = "move the code that suspends into a separate //asyncgo:async function, or restructure it as if/for"

// validateAsync checks the body of the async function u.
func (v *validator) validateAsync(fd *ast.FuncDecl) {
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		t := fd.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		switch t.(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			v.r.errorf(fd.Pos(), "make it a generic function taking the receiver as a parameter", "async methods of generic types are not supported yet")
			return
		}
	}
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
			case *ast.CallExpr:
				if st := v.find.siteOf(n); st != nil && st.kind == siteCall && v.find.async.lowerOf(st.fn) != "" {
					v.r.errorf(n.Pos(), "not lowered by this version of asyncgen; call it from ordinary code, or use rt.Spawn and rt.Await", "async call of %s, which is lowered to %s: not supported yet", st.fn.Name(), v.find.async.lowerOf(st.fn))
				}
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
			v.r.errorf(s.Pos(), "use unlabeled break/continue, or move the loop into a plain function", "labels are not supported in async functions yet")
			walk(s.Stmt, flat)
			return
		case *ast.BranchStmt:
			if s.Label != nil || s.Tok == token.GOTO {
				v.r.errorf(s.Pos(), "use unlabeled break/continue", "labeled %s / goto is not supported in async functions yet", s.Tok)
			}
			return
		case *ast.DeferStmt:
			if susp(s.Call) {
				v.r.errorf(s.Pos(), "a deferred call cannot suspend; call the async function before returning instead", "suspension point inside a deferred call")
			} else {
				v.r.errorf(s.Pos(), "release resources explicitly before each return", "defer is not supported in async functions yet")
			}
			return
		case *ast.SelectStmt:
			if susp(s) {
				v.r.errorf(s.Pos(), "use the select combinator of rt instead of a Go select statement", "suspension point inside a select statement")
			} else {
				v.r.warnf(s.Pos(), "use rt's channels and combinators in async code", "select over Go channels blocks the worker thread")
			}
			visitExpr(s)
			return
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.RangeStmt:
			if susp(s) {
				v.r.errorf(s.Pos(), hintSplit, "suspension point inside a %s statement is not supported yet", stmtName(n.(ast.Stmt)))
			}
			visitExpr(s)
			return
		case *ast.DeclStmt:
			gd := s.Decl.(*ast.GenDecl)
			if gd.Tok != token.VAR {
				v.r.errorf(s.Pos(), "declare it at package level", "local %s declarations are not supported in async functions", gd.Tok)
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
				for _, l := range s.Lhs {
					if containsCall(l) {
						v.r.errorf(l.Pos(), "assign the result to a variable first", "a call on the left of an assignment whose right side suspends is not supported")
					}
				}
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
