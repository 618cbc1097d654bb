package transform

// This file is the "layout" stage: the fields of the state struct and the
// names of everything the emitter declares. Parameters, results and
// hoisted locals become fields; other flattened-level locals become
// variables declared at the top of Poll. Names are chosen per object:
// a local whose name is shared with another object of the function is
// renamed with a numeric suffix, so flattening scopes never captures the
// wrong variable.

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
)

type field struct {
	name string
	typ  jen.Code
	t    types.Type // nil for child futures of local async functions
	obj  types.Object
}

type layout struct {
	recv, cx      string // names of Poll's receiver and context parameter
	future, ctor  string // FFuture, FAsync
	fields        []field
	fieldOf       map[types.Object]string
	boxed         map[types.Object]bool   // escaping locals: the field is a *T, allocated at each declaration
	all           namer                   // every name used in the function and by the layout
	captureNames  []string                // fields pointing to captured variables (func literals)
	localOf       map[types.Object]string // Poll locals
	pollLocals    []*types.Var
	paramNames    []string // field name per parameter (including a receiver first for methods)
	paramObjs     []*types.Var
	resultNames   []string
	child         map[int]string   // site index -> field name
	childElem     map[int]jen.Code // site index -> future type of a child kept behind a pointer (recursion)
	childType     map[int]jen.Code // site index -> type of the child future
	sitesInOrder  []*site
	typeParamsAST *ast.FieldList
	// Type parameters of the state struct: the function's, the receiver
	// type's (a method of a generic type), or the enclosing function's (an
	// async literal in a generic function).
	tpNames []string
	tpDecl  []jen.Code

	// fieldVars are the hoisted locals stored in each field: fields of
	// identical type whose lives never overlap are shared.
	fieldVars map[string][]types.Object

	// For a function with defer statements: the field holding the
	// pending deferred calls, and the names of the methods poll (the
	// state machine proper) and unwind (runs the deferred calls).
	defers, poll, unwind string
}

// namer hands out unique names.
type namer map[string]bool

func (n namer) fresh(base string) string {
	if base == "" || base == "_" {
		base = "v"
	}
	name := base
	for i := 1; n[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n[name] = true
	return name
}

// funcNames returns every identifier name in n.
func funcNames(n ast.Node, into namer) {
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok {
			into[id.Name] = true
		}
		return true
	})
}

// futureNames returns the names of the state struct and constructor of fn
// (per the naming convention).
func futureNames(fn *types.Func) (future, ctor string) {
	sig := fn.Type().(*types.Signature)
	if r := sig.Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.Obj().Name() + fn.Name() + "Future", fn.Name() + "Async"
		}
	}
	return fn.Name() + "Future", fn.Name() + "Async"
}

func doLayout(u *unit, fc *fileConv) *layout {
	l := &layout{fieldOf: map[types.Object]string{}, boxed: map[types.Object]bool{}, localOf: map[types.Object]string{}, child: map[int]string{}, childType: map[int]jen.Code{}, childElem: map[int]jen.Code{}, fieldVars: map[string][]types.Object{}}
	l.future, l.ctor = futureNames(u.fn)
	l.typeParamsAST = u.decl.Type.TypeParams
	l.setTypeParams(u, fc)

	all := namer{}
	funcNames(u.decl, all)
	for _, v := range u.locals {
		all[v.Name()] = true
	}
	l.all = all
	l.recv = all.fresh("s")
	l.cx = all.fresh("cx")

	fields := namer{"state": true, "Poll": true, "Result": true, "Cancel": true}
	if hasDefer(u.body) {
		l.defers = fields.fresh("defers")
		l.poll = fields.fresh("poll")
		l.unwind = fields.fresh("unwind")
	}
	add := func(obj *types.Var, base string, pos ast.Node) string {
		name := fields.fresh(base)
		code, ok := fc.typeCode(obj.Type())
		if !ok {
			fc.r.errorf(obj.Pos(), "declare the type at package level", "the type of %s cannot be named outside the function: %s", obj.Name(), obj.Type())
		}
		l.fields = append(l.fields, field{name: name, typ: code, t: obj.Type(), obj: obj})
		if obj.Name() != "" && obj.Name() != "_" {
			l.fieldOf[obj] = name
		}
		if u.escaping[obj] && !u.isLocal[obj] {
			// A parameter or result whose address escapes: the field
			// points to a variable of its own (allocated by the
			// constructor), which outlives the future.
			l.boxed[obj] = true
			f := &l.fields[len(l.fields)-1]
			f.typ = jen.Op("*").Add(f.typ)
			f.t = types.NewPointer(f.t)
		}
		return name
	}
	if l.defers != "" {
		l.fields = append(l.fields, field{name: l.defers, typ: jen.Index().Add(deferEntryType()), t: types.NewSlice(types.NewSignatureType(nil, nil, nil, types.NewTuple(types.NewVar(0, nil, "", types.NewInterfaceType(nil, nil))), nil, false))})
	}
	for _, v := range u.captures {
		name := fields.fresh(v.Name())
		code, ok := fc.typeCode(v.Type())
		if !ok {
			fc.r.errorf(v.Pos(), "declare the type at package level", "the type of captured %s cannot be named outside the function: %s", v.Name(), v.Type())
		}
		l.fields = append(l.fields, field{name: name, typ: jen.Op("*").Add(code), t: types.NewPointer(v.Type()), obj: v})
		l.fieldOf[v] = name
		l.boxed[v] = true
		l.captureNames = append(l.captureNames, name)
	}
	sig := u.sig
	if r := sig.Recv(); r != nil {
		base := r.Name()
		if base == "" || base == "_" {
			base = "recv"
		}
		l.paramNames = append(l.paramNames, add(r, base, nil))
		l.paramObjs = append(l.paramObjs, r)
	}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		base := p.Name()
		if base == "" || base == "_" {
			base = fmt.Sprintf("p%d", i)
		}
		l.paramNames = append(l.paramNames, add(p, base, nil))
		l.paramObjs = append(l.paramObjs, p)
	}
	for i := 0; i < sig.Results().Len(); i++ {
		r := sig.Results().At(i)
		base := r.Name()
		if base == "" || base == "_" {
			base = fmt.Sprintf("r%d", i)
		}
		l.resultNames = append(l.resultNames, add(r, base, nil))
	}
	// Names shared by several objects of the function force renaming.
	objsByName := map[string]map[types.Object]bool{}
	note := func(name string, o types.Object) {
		if objsByName[name] == nil {
			objsByName[name] = map[types.Object]bool{}
		}
		objsByName[name][o] = true
	}
	ast.Inspect(u.decl, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok {
			if o := u.objOf(id); o != nil {
				note(id.Name, o)
			}
		}
		return true
	})
	for _, v := range u.locals {
		note(v.Name(), v)
	}
	for _, v := range u.locals {
		if u.hoisted[v] {
			if !u.escaping[v] && l.share(u, v) {
				continue
			}
			add(v, v.Name(), nil)
			l.fieldVars[l.fieldOf[v]] = append(l.fieldVars[l.fieldOf[v]], v)
			if u.escaping[v] {
				// Captured or address taken: each execution of the
				// declaration makes a new variable (one per loop
				// iteration), so the field points to it.
				l.boxed[v] = true
				f := &l.fields[len(l.fields)-1]
				f.typ = jen.Op("*").Add(f.typ)
				f.t = types.NewPointer(f.t)
			}
			continue
		}
		name := v.Name()
		if len(objsByName[name]) > 1 || strings.HasPrefix(name, "tmp") {
			name = all.fresh(name)
		}
		if _, ok := fc.typeCode(v.Type()); !ok {
			fc.r.errorf(v.Pos(), "declare the type at package level", "the type of %s cannot be named outside its block: %s", v.Name(), v.Type())
		}
		l.localOf[v] = name
		l.pollLocals = append(l.pollLocals, v)
	}
	// Child futures, by value. At most one child is in flight at a time
	// (it is started at its suspension point and dropped when it
	// completes), so suspension points whose children have the same type
	// share one field.
	byType := map[string]string{}
	for _, b := range u.blocks {
		if b.kind != termAwait {
			continue
		}
		s := b.site
		var code jen.Code
		var t types.Type
		if s.kind == siteAwait {
			var ok bool
			code, ok = fc.typeCode(s.argType)
			t = s.argType
			if !ok {
				fc.r.errorf(s.call.Pos(), "", "the type of the awaited future cannot be named at package level: %s", s.argType)
			}
		} else if lw := fc.siteLowering(s); lw != nil {
			// A call lowered to its async companion: the child is
			// the companion's future.
			code = fc.loweredFutureType(s, lw)
		} else {
			future, _ := futureNames(s.fn)
			st := jen.Qual(fc.path(s.fn.Pkg().Path()), future)
			if len(s.inst) > 0 {
				var args []jen.Code
				for _, a := range s.inst {
					c, ok := fc.typeCode(a)
					if !ok {
						fc.r.errorf(s.call.Pos(), "", "type argument %s cannot be named at package level", a)
					}
					args = append(args, c)
				}
				st = st.Types(args...)
			}
			code = st
			if u.recursive[s.fn] {
				// A call in a cycle of async calls: the child is
				// allocated at its suspension point.
				l.childElem[s.index] = st
				code = jen.Op("*").Add(st)
				t = types.NewPointer(types.Typ[types.Uint8])
			} else if s.fn.Pkg() != u.pkg {
				if o, ok := s.fn.Pkg().Scope().Lookup(future).(*types.TypeName); ok {
					t = o.Type()
					if len(s.inst) > 0 {
						if it, err := types.Instantiate(nil, t, s.inst, false); err == nil {
							t = it
						}
					}
				}
			}
		}
		key := fmt.Sprintf("%#v", code)
		name, shared := byType[key]
		if !shared {
			name = fields.fresh(fmt.Sprintf("child%d", s.index))
			byType[key] = name
			l.fields = append(l.fields, field{name: name, typ: code, t: t})
		}
		l.child[s.index] = name
		l.childType[s.index] = code
		l.sitesInOrder = append(l.sitesInOrder, s)
	}
	return l
}

// hasDefer reports whether a function body has a defer statement of its
// own (not of a nested func literal).
func hasDefer(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			found = true
		}
		return !found
	})
	return found
}

// setTypeParams sets the type parameters of the state struct.
func (l *layout) setTypeParams(u *unit, fc *fileConv) {
	decl := u.decl
	if u.encl != nil {
		decl = u.encl
	}
	if decl.Type.TypeParams != nil {
		pc := &conv{fc: fc}
		l.tpDecl = pc.typeParams(decl.Type.TypeParams)
		for _, f := range decl.Type.TypeParams.List {
			for _, n := range f.Names {
				l.tpNames = append(l.tpNames, n.Name)
			}
		}
		return
	}
	fn, _ := u.info.Defs[decl.Name].(*types.Func)
	if fn == nil {
		return
	}
	sig := fn.Type().(*types.Signature)
	tps := sig.RecvTypeParams()
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		c, ok := fc.typeCode(tp.Constraint())
		if !ok {
			fc.r.errorf(decl.Pos(), "", "the constraint of %s cannot be named at package level", tp.Obj().Name())
		}
		l.tpNames = append(l.tpNames, tp.Obj().Name())
		l.tpDecl = append(l.tpDecl, jen.Id(tp.Obj().Name()).Add(c))
	}
}

// presence returns the blocks in which v is live on entry, live on exit
// or referenced: outside them, its field holds nothing anyone reads.
func presence(u *unit, v types.Object) map[int]bool {
	out := map[int]bool{}
	for i := range u.blocks {
		if u.liveIn[i][v] || u.liveOut[i][v] || u.refd[i][v] {
			out[i] = true
		}
	}
	return out
}

// share stores the hoisted local v in the field of earlier locals of
// identical type whose blocks (presence) are disjoint from v's, if there
// is such a field, and reports whether it did. Escaping locals are never
// shared (their field points to the variable).
func (l *layout) share(u *unit, v *types.Var) bool {
	pv := presence(u, v)
	for _, f := range l.fields {
		vars := l.fieldVars[f.name]
		if len(vars) == 0 || u.escaping[vars[0]] || !types.Identical(vars[0].Type(), v.Type()) {
			continue
		}
		disjoint := true
		for _, w := range vars {
			for i := range presence(u, w) {
				if pv[i] {
					disjoint = false
				}
			}
		}
		if disjoint {
			l.fieldOf[v] = f.name
			l.fieldVars[f.name] = append(vars, v)
			return true
		}
	}
	return false
}

// hasPointers reports whether values of type t may point to memory (a
// field of such a type pins what it points to while the task is parked).
func hasPointers(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0 || u.Kind() == types.UnsafePointer
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasPointers(u.Field(i).Type()) {
				return true
			}
		}
		return false
	case *types.Array:
		return u.Len() > 0 && hasPointers(u.Elem())
	}
	return true
}

// deadAt returns the fields of hoisted locals that hold a pointer and
// are dead at the resume block r: they are zeroed when the task suspends
// there, so that a parked task pins no garbage.
func (l *layout) deadAt(u *unit, r *block) []field {
	var out []field
	for _, f := range l.fields {
		vars := l.fieldVars[f.name]
		// A boxed (escaping) local's field is the variable's address,
		// needed by every assignment: it is not zeroed.
		if len(vars) == 0 || f.t == nil || !hasPointers(f.t) || u.escaping[vars[0]] {
			continue
		}
		live := false
		for _, v := range vars {
			if u.liveIn[r.id][v] {
				live = true
			}
		}
		if !live {
			out = append(out, f)
		}
	}
	return out
}

// deferEntryType is the type of an entry of the defer stack: the runner,
// and whether the deferred function may call recover.
func deferEntryType() *jen.Statement {
	return jen.Struct(jen.Id("run").Func().Params(jen.Any()), jen.Id("rec").Bool())
}
