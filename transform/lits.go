package transform

// This file finds the async func literals that are lowered: the argument
// of rt.Run or rt.Spawn (in any function), and the function of a go
// statement in async code. Each becomes a unit of its own, a state struct
// at package level whose first fields point to the captured variables.

import (
	"go/ast"
	"go/types"
)

type litKind int

const (
	litLower litKind = iota // rt.Spawn(func() T {...})  =>  rt.SpawnFuture[litFuture, T](litAsync(&v...))
	litGo                   // go func(p P) {...}(a)     =>  rt.GoFuture(litAsync(&v..., a))
)

// A lowering is a call of a closure-taking function with an
// "//asyncgo:lower NAME" directive whose closure argument is an async
// literal: the call becomes a call of the companion NAME, with the
// literal's future type as first type argument and its future in place
// of the literal.
type lowering struct {
	fn        *types.Func
	companion string
	inst      []types.Type // type arguments of the original call
}

// builtinLower is the companion of rt's closure-taking functions, used
// while their declarations do not carry the directive yet.
var builtinLower = map[string]string{"Run": "RunFuture", "Spawn": "SpawnFuture", "Go": "GoFuture"}

// litSet is the result of findLits for one file.
type litSet struct {
	allowed   map[*ast.FuncLit]litKind
	lower     map[*ast.FuncLit]*lowering
	enclosing map[*ast.FuncLit]*ast.FuncDecl
	order     []*ast.FuncLit           // source order
	goroutine map[*ast.FuncLit]bool    // go func(){...}() of ordinary code: a goroutine
	units     map[*ast.FuncLit]*unit   // filled by the driver
	layouts   map[*ast.FuncLit]*layout // filled by the driver
}

// findLits classifies the func literals of file.
func findLits(file *ast.File, info *types.Info, fd *finder) *litSet {
	ls := &litSet{allowed: map[*ast.FuncLit]litKind{}, lower: map[*ast.FuncLit]*lowering{}, enclosing: map[*ast.FuncLit]*ast.FuncDecl{},
		goroutine: map[*ast.FuncLit]bool{}, units: map[*ast.FuncLit]*unit{}, layouts: map[*ast.FuncLit]*layout{}}
	var walk func(body ast.Node, async bool, decl *ast.FuncDecl)
	walk = func(body ast.Node, async bool, decl *ast.FuncDecl) {
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn, _, id := calleeFunc(info, n)
				if fn == nil || fd.async.isAsync(fn) {
					break // an async callee with a lowering is diagnosed by validate
				}
				lower := fd.async.lowerOf(fn)
				if lower == "" && fn.Pkg() != nil && fn.Pkg().Path() == rtPath {
					lower = builtinLower[fn.Name()]
				}
				if lower == "" {
					break
				}
				for _, a := range n.Args {
					if lit, ok := a.(*ast.FuncLit); ok && fd.isAsyncLit(lit) {
						lw := &lowering{fn: fn, companion: lower}
						if inst, ok := info.Instances[id]; ok {
							for i := 0; i < inst.TypeArgs.Len(); i++ {
								lw.inst = append(lw.inst, inst.TypeArgs.At(i))
							}
						}
						ls.allowed[lit] = litLower
						ls.lower[lit] = lw
						break
					}
				}
			case *ast.GoStmt:
				if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
					if async && fd.isAsyncLit(lit) {
						ls.allowed[lit] = litGo
					} else if !async {
						ls.goroutine[lit] = true
					}
				}
			case *ast.FuncLit:
				_, ok := ls.allowed[n]
				if ok {
					ls.enclosing[n] = decl
					ls.order = append(ls.order, n)
				}
				walk(n.Body, ok, decl)
				return false
			}
			return true
		})
	}
	for _, d := range file.Decls {
		if f, ok := d.(*ast.FuncDecl); ok && f.Body != nil {
			walk(f.Body, hasAsyncDirective(f.Doc), f)
		}
	}
	return ls
}

// captures returns the variables of the enclosing function that lit
// refers to, in order of first reference.
func captures(lit *ast.FuncLit, encl *ast.FuncDecl, info *types.Info) []*types.Var {
	var out []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || seen[v] {
			return true
		}
		if v.Pos() >= encl.Pos() && v.Pos() < encl.End() && !(v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
			seen[v] = true
			out = append(out, v)
		}
		return true
	})
	return out
}
