package transform

// This file finds the async functions that can never suspend, so that
// calls to them can be compiled as ordinary calls.
//
// An async function whose body only computes (or calls other such
// functions) still gets its state struct and constructor, because the ABI
// promises them to spawners, combinators and other packages. But inside
// the package a call to it need not be a suspension point: its body can
// be emitted as an ordinary Go function (the "bridge" F keeps the user's
// body instead of blocking on the future) and callers call it directly.
// That removes, per call, the child future's construction, its Poll, the
// state dispatch, the chaos hook and the result copy; for compute-heavy
// code it is the difference between a 2-3x and a 1.0x overhead
// (internal/compbench).
//
// The rule is conservative and purely syntactic over the package's own
// declarations: F never suspends if its body (including nested func
// literals) contains
//   - no rt.Await,
//   - no call of an async function of another package (rt's primitives,
//     a library's async functions: they may suspend),
//   - no func literal that calls an async function (an async literal is a
//     future of its own, lowered by the machinery for suspending code),
//   - no go statement starting an async function (it must become a task),
//
// and every async function of this package it calls never suspends
// either. The set is the greatest fixed point of that rule, so mutually
// recursive functions that only compute qualify together.
//
// The generated code is then exactly the user's function: defer, panic,
// recover and evaluation order are Go's own, there is nothing to cancel
// half-way (a call runs to completion within one Poll of its caller), and
// the chaos hook has no suspension point to inject at.

import (
	"go/ast"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// neverSuspending returns the async functions of the package (declared in
// idx.local) that can never suspend.
func neverSuspending(idx *asyncIndex, info *types.Info) map[*types.Func]bool {
	raw := &finder{info: info, async: idx}
	calls := map[*types.Func][]*types.Func{}
	direct := map[*types.Func]bool{}
	for fn, d := range idx.local {
		if !hasAsyncDirective(d.Doc) || d.Body == nil {
			continue
		}
		ok := true
		var callees []*types.Func
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if !ok {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				if raw.isAsyncLit(n) {
					ok = false
				}
			case *ast.GoStmt:
				if raw.asyncCallOf(n.Call) != nil {
					ok = false
				}
			case *ast.RangeStmt:
				if raw.rangeByCallee(n) != nil { // //asyncgo:range: each step suspends (rangeby.go)
					ok = false
				}
			case *ast.CallExpr:
				s := raw.asyncCallOf(n)
				if s == nil {
					break
				}
				if _, local := idx.local[s.fn]; s.kind != siteCall || !local {
					ok = false
					break
				}
				callees = append(callees, s.fn)
			}
			return ok
		})
		if ok {
			direct[fn] = true
			calls[fn] = callees
		}
	}
	for changed := true; changed; {
		changed = false
		for fn := range direct {
			for _, c := range calls[fn] {
				if !direct[c] {
					delete(direct, fn)
					changed = true
					break
				}
			}
		}
	}
	return direct
}

// emitDirect emits the future of a function that never suspends: a struct
// holding the arguments and results whose Poll calls the function (whose
// body the driver emitted as the bridge) and completes. params and results
// are the constructor's parameter list (recvParam its receiver, for a
// method) and the function's result list.
func emitDirect(f *jen.File, e *emitter, recvParam jen.Code, params []jen.Code, results jen.Code) {
	u, l, fc := e.u, e.l, e.fc
	decl := u.decl
	tparams := l.tpDecl
	off := 0
	if decl.Recv != nil {
		off = 1
	}
	l.fields = nil
	for i, n := range l.paramNames {
		t := l.paramObjs[i].Type()
		tc, _ := fc.typeCode(t)
		l.fields = append(l.fields, field{name: n, typ: tc, t: t})
	}
	for i, n := range l.resultNames {
		t := u.sig.Results().At(i).Type()
		tc, _ := fc.typeCode(t)
		l.fields = append(l.fields, field{name: n, typ: tc, t: t})
	}

	f.Commentf("%s is the future of %s, which never suspends: Poll runs it to completion.", l.future, decl.Name.Name)
	emitStruct(f, l, "0: not started; -1: done")

	f.Commentf("%s returns the future of %s without running any of it.", l.ctor, decl.Name.Name)
	var inits []jen.Code
	for _, n := range l.paramNames {
		inits = append(inits, jen.Id(n).Op(":").Id(n))
	}
	ctor := jen.Func()
	if decl.Recv != nil {
		ctor = ctor.Params(recvParam)
	}
	ctor = ctor.Id(l.ctor)
	if len(tparams) > 0 && decl.Recv == nil {
		ctor = ctor.Types(tparams...)
	}
	f.Add(ctor.Params(params...).Add(e.futureType()).Block(jen.Return(e.futureType().Values(inits...))))
	f.Line()

	recv := jen.Id(l.recv).Op("*").Add(e.futureType())
	var args []jen.Code
	for _, n := range l.paramNames[off:] {
		args = append(args, e.self().Dot(n))
	}
	if u.sig.Variadic() && len(args) > 0 {
		args[len(args)-1] = jen.Add(args[len(args)-1]).Op("...")
	}
	var callee *jen.Statement
	if decl.Recv != nil {
		callee = e.self().Dot(l.paramNames[0]).Dot(decl.Name.Name)
	} else {
		callee = jen.Id(decl.Name.Name)
		if ta := e.typeArgNames(); len(ta) > 0 {
			callee = callee.Types(ta...)
		}
	}
	var call jen.Code = callee.Call(args...)
	if len(l.resultNames) > 0 {
		var lhs []jen.Code
		for _, n := range l.resultNames {
			lhs = append(lhs, e.self().Dot(n))
		}
		call = jen.List(lhs...).Op("=").Add(call)
	}
	f.Comment("Poll runs " + decl.Name.Name + " to completion; it always reports true.")
	f.Func().Params(recv).Id("Poll").Params(jen.Id(l.cx).Op("*").Qual(rtPath, "Context")).Bool().Block(
		jen.If(e.self().Dot("state").Op("!=").Lit(0)).Block(
			jen.Panic(jen.Lit("asyncgen: "+l.future+".Poll called after completion or Cancel")),
		),
		e.self().Dot("state").Op("=").Lit(-1),
		call,
		jen.Return(jen.True()),
	)
	f.Line()

	f.Comment("Result returns the results of " + decl.Name.Name + "; valid once Poll returned true.")
	var rets []jen.Code
	for _, n := range l.resultNames {
		rets = append(rets, e.self().Dot(n))
	}
	if len(rets) > 0 {
		f.Func().Params(recv).Id("Result").Params().Add(results).Block(jen.Return(rets...))
	} else {
		f.Func().Params(recv).Id("Result").Params().Block()
	}
	f.Line()

	f.Comment("Cancel abandons " + decl.Name.Name + " before it ran; it is idempotent.")
	f.Func().Params(recv).Id("Cancel").Params().Block(e.self().Dot("state").Op("=").Lit(-1))
	f.Line()
}
