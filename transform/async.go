package transform

// This file is the "find" stage: which functions are async, and which
// expressions inside them are suspension points.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// rtPath is the import path of the runtime package.
const rtPath = "github.com/asyncgo/asyncgo/rt"

// AsyncDirective is the line that marks a function async in its doc
// comment.
const AsyncDirective = "//asyncgo:async"

// hasAsyncDirective reports whether a doc comment contains a line that is
// exactly "//asyncgo:async".
func hasAsyncDirective(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.TrimRight(c.Text, " \t\r") == AsyncDirective {
			return true
		}
	}
	return false
}

// legacyAsyncMarker returns the comment of a doc line "//async" or
// "// async", the marker of early drafts. It is not accepted: gofmt turns
// "//async" into "// async" (only "//tool:name" lines are directives to
// it), which is indistinguishable from prose. Translation reports it so the
// user is not left wondering why the function is not async.
func legacyAsyncMarker(doc *ast.CommentGroup) *ast.Comment {
	if doc == nil {
		return nil
	}
	for _, c := range doc.List {
		if t := strings.TrimRight(c.Text, " \t\r"); t == "//async" || t == "// async" {
			return c
		}
	}
	return nil
}

// lowerDirective returns NAME of a "//asyncgo:lower NAME" line, or "".
func lowerDirective(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	for _, c := range doc.List {
		if rest, ok := strings.CutPrefix(c.Text, "//asyncgo:lower "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// asyncIndex answers "is this function async?" for functions of any
// package. Functions of the package being translated are looked up in its
// syntax; for other packages the declaring file (found through the
// object's position) is parsed for comments only, once, and cached.
type asyncIndex struct {
	fset  *token.FileSet
	local map[*types.Func]*ast.FuncDecl // declarations of the package being translated
	files map[string]map[int]directives // filename -> line of a func name -> its directives
}

// directives are the asyncgen directives of a function declaration.
type directives struct {
	async bool
	lower string // companion named by //asyncgo:lower
	rng   string // step method named by //asyncgo:range (see rangeby.go)
}

func newAsyncIndex(fset *token.FileSet, info *types.Info, files []*ast.File) *asyncIndex {
	x := &asyncIndex{fset: fset, local: map[*types.Func]*ast.FuncDecl{}, files: map[string]map[int]directives{}}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
					x.local[fn] = fd
				}
			}
		}
	}
	return x
}

// isAsync reports whether fn's declaration carries the async directive.
func (x *asyncIndex) isAsync(fn *types.Func) bool { return x.directives(fn).async }

// lowerOf returns the companion named by fn's //asyncgo:lower directive.
func (x *asyncIndex) lowerOf(fn *types.Func) string { return x.directives(fn).lower }

func (x *asyncIndex) directives(fn *types.Func) directives {
	if fn == nil {
		return directives{}
	}
	fn = fn.Origin()
	if fd, ok := x.local[fn]; ok {
		return directives{async: hasAsyncDirective(fd.Doc), lower: lowerDirective(fd.Doc), rng: rangeDirective(fd.Doc)}
	}
	if !fn.Pos().IsValid() {
		return directives{}
	}
	pos := x.fset.Position(fn.Pos())
	lines, ok := x.files[pos.Filename]
	if !ok {
		lines = map[int]directives{}
		x.files[pos.Filename] = lines
		fset := token.NewFileSet()
		f, _ := parser.ParseFile(fset, pos.Filename, nil, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil { // an unreadable file declares nothing async
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
					lines[fset.Position(fd.Name.Pos()).Line] = directives{async: hasAsyncDirective(fd.Doc), lower: lowerDirective(fd.Doc), rng: rangeDirective(fd.Doc)}
				}
			}
		}
	}
	return lines[pos.Line]
}

// siteKind distinguishes the two kinds of suspension point.
type siteKind int

const (
	siteCall  siteKind = iota // a call of an async function or method
	siteAwait                 // rt.Await(f)
)

// A site is one suspension point: the call expression and what the
// emitter needs to start and poll its child future.
type site struct {
	kind    siteKind
	call    *ast.CallExpr
	fn      *types.Func  // the callee (origin), for siteCall
	recv    ast.Expr     // receiver expression of a method call, or nil
	inst    []types.Type // type arguments of the callee (function) or its receiver type (method)
	argType types.Type   // static type of rt.Await's argument
	index   int          // 1-based number of the site in its function; its resume state
	stmt    ast.Stmt     // the canonical statement of the site (set by blocks)
}

// calleeFunc returns the function a call statically calls, the receiver
// expression of a method call, and the identifier naming the callee.
func calleeFunc(info *types.Info, call *ast.CallExpr) (*types.Func, ast.Expr, *ast.Ident) {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	switch f := fun.(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn, nil, f
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[f]; ok {
			if sel.Kind() != types.MethodVal {
				return nil, nil, nil
			}
			fn, _ := sel.Obj().(*types.Func)
			return fn, f.X, f.Sel
		}
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn, nil, f.Sel
	}
	return nil, nil, nil
}

// isRtFunc reports whether fn is the rt function called name.
func isRtFunc(fn *types.Func, name string) bool {
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == rtPath && fn.Name() == name
}

// finder classifies calls.
type finder struct {
	info  *types.Info
	async *asyncIndex
	// direct are the async functions of the package that can never
	// suspend (see neverSuspending): a call to one is an ordinary call of
	// its generated plain body, not a suspension point.
	direct map[*types.Func]bool
	raw    *finder // the same finder without direct (see containsAsyncCall)
}

// siteOf returns the suspension point that call is, or nil.
func (fd *finder) siteOf(call *ast.CallExpr) *site {
	s := fd.asyncCallOf(call)
	if s != nil && s.kind == siteCall && fd.direct[s.fn] {
		return nil
	}
	return s
}

// asyncCallOf returns the site of a call of an async function or of
// rt.Await, whether or not the callee can suspend. go statements and the
// classification of func literals use it: `go F(x)` starts a task even
// when F never suspends.
func (fd *finder) asyncCallOf(call *ast.CallExpr) *site {
	fn, recv, id := calleeFunc(fd.info, call)
	if fn == nil {
		return nil
	}
	if isRtFunc(fn, "Await") {
		if len(call.Args) != 1 {
			return nil
		}
		t := fd.info.TypeOf(call.Args[0])
		if b, ok := t.(*types.Basic); ok && b.Kind() == types.UntypedNil {
			// rt.Await[T](nil): the future's static type is the parameter's.
			if sig, ok := fd.info.TypeOf(call.Fun).(*types.Signature); ok && sig.Params().Len() == 1 {
				t = sig.Params().At(0).Type()
			}
		}
		return &site{kind: siteAwait, call: call, fn: fn, argType: t}
	}
	if !fd.async.isAsync(fn) {
		return nil
	}
	s := &site{kind: siteCall, call: call, fn: fn.Origin(), recv: recv}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() != nil && recv == nil {
		// A method call whose selector has no recorded selection (a
		// node made by normalise): the receiver is the selector's operand.
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			s.recv = sel.X
		}
	}
	if r := sig.Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			for i := 0; i < n.TypeArgs().Len(); i++ {
				s.inst = append(s.inst, n.TypeArgs().At(i))
			}
		}
	} else if inst, ok := fd.info.Instances[id]; ok {
		for i := 0; i < inst.TypeArgs.Len(); i++ {
			s.inst = append(s.inst, inst.TypeArgs.At(i))
		}
	}
	return s
}

// isSuspend reports whether call is a suspension point.
func (fd *finder) isSuspend(call *ast.CallExpr) bool { return fd.siteOf(call) != nil }

// containsSuspend reports whether n contains a suspension point outside
// nested function literals.
func (fd *finder) containsSuspend(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			// go F(x) starts a task; only its operands can suspend.
			for _, a := range append([]ast.Expr{n.Call.Fun}, n.Call.Args...) {
				if fd.containsSuspend(a) {
					found = true
				}
			}
			return false
		case *ast.CallExpr:
			if fd.isSuspend(n) {
				found = true
			}
		case *ast.RangeStmt:
			if fd.rangeByCallee(n) != nil { // each step is a suspension point
				found = true
			}
		}
		return !found
	})
	return found
}

// isAsyncLit reports whether a func literal is async: it calls an async
// function (or rt.Await) itself, not only in a nested literal. A literal
// whose async calls all go to functions that never suspend is still an
// async literal, so that `go func() { F() }()` stays a task.
func (fd *finder) isAsyncLit(lit *ast.FuncLit) bool { return fd.containsAsyncCall(lit.Body) }

// containsAsyncCall is containsSuspend counting calls of async functions
// that never suspend too.
func (fd *finder) containsAsyncCall(n ast.Node) bool {
	if fd.direct == nil {
		return fd.containsSuspend(n)
	}
	if fd.raw == nil {
		fd.raw = &finder{info: fd.info, async: fd.async}
	}
	return fd.raw.containsSuspend(n)
}
