package transform

// This file finds the async func literals that are lowered: the argument
// of rt.Run or rt.Spawn (in any function), and the function of a go
// statement in async code. Each becomes a unit of its own, a state struct
// at package level whose first fields point to the captured variables.

import (
	"go/ast"
	"go/types"

	"github.com/dave/jennifer/jen"
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
	async     bool         // the callee and its companion are async: the call is a suspension point
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
				if fn == nil {
					break
				}
				if fd.async.isAsync(fn) {
					// An async callee with an async companion (rt.Timeout
					// => TimeoutOf, sync.Race => RaceOf): in async code,
					// every async literal argument is lowered.
					if lower := fd.async.lowerOf(fn); lower != "" && async {
						for _, a := range n.Args {
							if lit, ok := a.(*ast.FuncLit); ok && fd.isAsyncLit(lit) {
								ls.allowed[lit] = litLower
								ls.lower[lit] = &lowering{fn: fn, companion: lower, async: true}
							}
						}
					}
					break
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

// syncPath is the import path of rt/sync (Lift, LiftFunc).
const syncPath = rtPath + "/sync"

// siteLowering returns the lowering of an async call site whose async
// literal arguments are lowered to the callee's async companion
// (rt.Timeout => rt.TimeoutOf, sync.Race => sync.RaceOf), or nil.
func (fc *fileConv) siteLowering(st *site) *lowering {
	if fc.lits == nil || st == nil || st.kind != siteCall {
		return nil
	}
	for _, a := range st.call.Args {
		if l, ok := a.(*ast.FuncLit); ok && fc.lits.lower[l] != nil && fc.lits.units[l] != nil && fc.lits.layouts[l] != nil {
			return fc.lits.lower[l]
		}
	}
	return nil
}

// litFutureType is the future type of a lowered async literal.
func (fc *fileConv) litFutureType(lit *ast.FuncLit) *jen.Statement {
	l := fc.lits.layouts[lit]
	ft := jen.Id(l.future)
	if ta := l.typeArgNames(); len(ta) > 0 {
		ft = ft.Types(ta...)
	}
	return ft
}

// loweredLit reports whether a is an async literal lowered by fc.
func (fc *fileConv) loweredLit(a ast.Expr) (*ast.FuncLit, bool) {
	l, ok := a.(*ast.FuncLit)
	return l, ok && fc.lits.lower[l] != nil && fc.lits.units[l] != nil && fc.lits.layouts[l] != nil
}

// companionOf returns the signature of lw's companion and its type
// arguments at st: a type parameter that is the type of a parameter
// receiving an async literal is the literal's future type F, one
// constrained by FuturePtr[F, T] is *F, the others are the type
// arguments of the original call in order.
func (fc *fileConv) companionOf(st *site, lw *lowering) (*types.Signature, []jen.Code) {
	comp, _ := st.fn.Pkg().Scope().Lookup(lw.companion).(*types.Func)
	if comp == nil {
		fc.r.errorf(st.call.Pos(), "", "internal error: companion %s of %s not found", lw.companion, st.fn.Name())
		return nil, nil
	}
	csig := comp.Type().(*types.Signature)
	byTP := map[*types.TypeParam]*jen.Statement{}
	for j := 0; j < csig.Params().Len() && j < len(st.call.Args); j++ {
		if tp, ok := csig.Params().At(j).Type().(*types.TypeParam); ok {
			if l, ok := fc.loweredLit(st.call.Args[j]); ok {
				byTP[tp] = fc.litFutureType(l)
			}
		}
	}
	var targs []jen.Code
	k := 0
	tps := csig.TypeParams()
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		if ft := byTP[tp]; ft != nil {
			targs = append(targs, ft)
			continue
		}
		if n, ok := types.Unalias(tp.Constraint()).(*types.Named); ok && n.Obj().Name() == "FuturePtr" && n.TypeArgs().Len() > 0 {
			if f, ok := n.TypeArgs().At(0).(*types.TypeParam); ok && byTP[f] != nil {
				targs = append(targs, jen.Op("*").Add(byTP[f]))
				continue
			}
		}
		if k < len(st.inst) {
			tc, _ := fc.typeCode(st.inst[k])
			targs = append(targs, tc)
			k++
		}
	}
	return csig, targs
}

// loweredFutureType is the child future type of a lowered site: the
// companion's future, rt.TimeoutOfFuture[F, T, *F].
func (fc *fileConv) loweredFutureType(st *site, lw *lowering) jen.Code {
	_, targs := fc.companionOf(st, lw)
	t := jen.Qual(fc.path(st.fn.Pkg().Path()), lw.companion+"Future")
	if len(targs) > 0 {
		t = t.Types(targs...)
	}
	return t
}

// loweredCtor is the constructor call of the child future of a lowered
// site: the companion's Async constructor, with each async literal's
// future in place of the literal (by value for a type parameter F, by
// pointer to a new variable for an interface, rt.Future[T] or
// rt.Pollable) and the other function arguments lifted (sync.Lift).
func (fc *fileConv) loweredCtor(c *conv, st *site, lw *lowering) jen.Code {
	csig, targs := fc.companionOf(st, lw)
	if csig == nil {
		return jen.Nil()
	}
	cps := csig.Params()
	var args []jen.Code
	for j, a := range st.call.Args {
		pi := j
		if pi >= cps.Len() {
			pi = cps.Len() - 1
		}
		pt := cps.At(pi).Type()
		if csig.Variadic() && pi == cps.Len()-1 && !st.call.Ellipsis.IsValid() {
			if s, ok := pt.(*types.Slice); ok {
				pt = s.Elem()
			}
		}
		_, isTP := pt.(*types.TypeParam)
		if l, ok := fc.loweredLit(a); ok {
			if isTP {
				args = append(args, c.litCtor(l, nil))
			} else {
				args = append(args, jen.New(c.litCtor(l, nil)))
			}
			continue
		}
		if _, isIface := pt.Underlying().(*types.Interface); isIface && !isTP {
			if sig, ok := fc.info.TypeOf(a).Underlying().(*types.Signature); ok {
				name := "Lift"
				if sig.Results().Len() == 0 {
					name = "LiftFunc"
				}
				args = append(args, jen.Qual(fc.path(syncPath), name).Call(c.expr(a)))
				continue
			}
		}
		args = append(args, c.expr(a))
	}
	if st.call.Ellipsis.IsValid() && len(args) > 0 {
		args[len(args)-1] = jen.Add(args[len(args)-1]).Op("...")
	}
	f := jen.Qual(fc.path(st.fn.Pkg().Path()), lw.companion+"Async")
	if len(targs) > 0 {
		f = f.Types(targs...)
	}
	return f.Call(args...)
}
