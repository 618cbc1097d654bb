package transform

// This file handles local const and type declarations of the functions
// asyncgen rewrites. The state machine of an async function (and of an
// async literal) is spread over package-level declarations (the state
// struct, its methods), so a name declared inside the function is not in
// scope where it is used:
//
//   - a local constant is replaced, at each use inside an async function
//     or literal, by its value (typed constants as a conversion T(v)), and
//     its declaration is dropped there;
//   - a local type is declared at package level instead (hoisted). It
//     keeps its name when that name is free in the package (so %T,
//     %#v and reflect print the same in both builds); otherwise it gets
//     an unexported mangled name (run_item). Local types of generic
//     functions (each instantiation has its own type) and types that
//     refer to them are not hoisted: a variable of such a type that has
//     to become a field is diagnosed.
//
// Hoisting is exact because local types cannot have methods, and a type
// can only be referred to inside the function that declares it.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/packages"
)

// localDecls is what the translation of one file knows about the local
// types and constants of its functions.
type localDecls struct {
	info *types.Info
	// name is the package-level name of each hoisted local type.
	name map[*types.TypeName]string
	// why tells why a local type of a rewritten function is not hoisted.
	why map[*types.TypeName]string
	// byFunc lists the hoisted types of each function of the file, in
	// source order (the order of their declarations at package level).
	byFunc map[*ast.FuncDecl][]*types.TypeName
	// async are the bodies of the file's async functions and literals:
	// uses of local constants in them are replaced by their values.
	async []ast.Node
}

// localTypeSpecs returns the type specs declared in the body of fd (at
// any depth, also in func literals), in source order.
func localTypeSpecs(fd *ast.FuncDecl) []*ast.TypeSpec {
	var out []*ast.TypeSpec
	if fd.Body == nil {
		return nil
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			out = append(out, ts)
		}
		return true
	})
	return out
}

// isGenericFunc reports whether fd has type parameters, or is a method
// of a generic type.
func isGenericFunc(fd *ast.FuncDecl) bool {
	if fd.Type.TypeParams != nil && len(fd.Type.TypeParams.List) > 0 {
		return true
	}
	if fd.Recv != nil && len(fd.Recv.List) > 0 {
		t := fd.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		switch ast.Unparen(t).(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			return true
		}
	}
	return false
}

// newLocalDecls computes the hoisted local types of file and their
// names. Names are chosen over the whole package, the same way for each
// of its files, so that the generated files of a package agree.
func newLocalDecls(pkg *packages.Package, file *ast.File, lits *litSet) *localDecls {
	info := pkg.TypesInfo
	ld := &localDecls{info: info, name: map[*types.TypeName]string{}, why: map[*types.TypeName]string{}, byFunc: map[*ast.FuncDecl][]*types.TypeName{}}

	// Names that a package-level type must not take: the package's, the
	// universe's, every file's imports, the packages the generated code
	// may import, and the names of generated declarations.
	taken := namer{}
	for _, n := range pkg.Types.Scope().Names() {
		taken[n] = true
	}
	for _, n := range types.Universe.Names() {
		taken[n] = true
	}
	for _, n := range []string{"rt", "sync", "utf8", "maps", "slices", "iter", "unsafe", "runtime"} {
		taken[n] = true
	}
	seen := map[*types.Package]bool{}
	var imports func(p *types.Package)
	imports = func(p *types.Package) {
		for _, q := range p.Imports() {
			if !seen[q] {
				seen[q] = true
				taken[q.Name()] = true
				imports(q)
			}
		}
	}
	imports(pkg.Types)
	for _, f := range pkg.Syntax {
		if s := info.Scopes[f]; s != nil {
			for _, n := range s.Names() {
				taken[n] = true
			}
		}
	}
	// A mangled name is also different from every identifier of the
	// package, so that no local variable can shadow it.
	used := namer{}
	for _, f := range pkg.Syntax {
		funcNames(f, used)
	}
	type local struct {
		tn *types.TypeName
		fd *ast.FuncDecl
	}
	var all []local
	count := map[string]int{}
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			for _, ts := range localTypeSpecs(fd) {
				if tn, ok := info.Defs[ts.Name].(*types.TypeName); ok {
					all = append(all, local{tn, fd})
					count[tn.Name()]++
				}
			}
		}
	}
	names := map[*types.TypeName]string{}
	for _, l := range all {
		n := l.tn.Name()
		if count[n] == 1 && !taken[n] && n != "_" && !strings.HasSuffix(n, "Future") && !strings.HasSuffix(n, "Async") {
			names[l.tn] = n
			taken[n] = true
		}
	}
	for n := range used {
		taken[n] = true
	}
	for _, l := range all {
		if _, ok := names[l.tn]; ok {
			continue
		}
		base := l.fd.Name.Name
		if l.fd.Recv != nil && len(l.fd.Recv.List) > 0 {
			base = recvTypeName(l.fd.Recv.List[0].Type) + "_" + base
		}
		names[l.tn] = taken.fresh(lowerFirst(base) + "_" + l.tn.Name())
	}

	// The functions of this file whose local types are hoisted: async
	// functions, and functions with async literals (their futures are
	// declared at package level too).
	rewritten := map[*ast.FuncDecl]bool{}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && hasAsyncDirective(fd.Doc) {
			rewritten[fd] = true
			ld.async = append(ld.async, fd.Body)
		}
	}
	for _, lit := range lits.order {
		ld.async = append(ld.async, lit.Body)
		if fd := lits.enclosing[lit]; fd != nil {
			rewritten[fd] = true
		}
	}
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !rewritten[fd] {
			continue
		}
		generic := isGenericFunc(fd)
		for _, ts := range localTypeSpecs(fd) {
			tn, ok := info.Defs[ts.Name].(*types.TypeName)
			if !ok {
				continue
			}
			switch {
			case generic:
				ld.why[tn] = "a local type of a generic function is a new type in each instantiation: declare it at package level, with the type parameters it uses"
			case ts.TypeParams != nil:
				ld.why[tn] = "declare the generic type at package level"
			default:
				if bad := ld.unhoistable(tn, names); bad != "" {
					ld.why[tn] = bad
					continue
				}
				ld.name[tn] = names[tn]
				ld.byFunc[fd] = append(ld.byFunc[fd], tn)
			}
		}
	}
	return ld
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// unhoistable returns why the local type tn cannot be declared at package
// level under its name names[tn], or "": it refers to a local type that
// is not hoisted, or embeds a local type whose name changes (the field's
// name would change with it).
func (ld *localDecls) unhoistable(tn *types.TypeName, names map[*types.TypeName]string) string {
	why := ""
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	local := func(o *types.TypeName) {
		if o.Pkg() == nil || o.Parent() == o.Pkg().Scope() || o == tn {
			return
		}
		if _, ok := ld.name[o]; !ok && why == "" {
			why = fmt.Sprintf("declare %s (and the local types it uses) at package level", o.Name())
		}
	}
	walk = func(t types.Type) {
		if t == nil || seen[t] || why != "" {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			local(t.Obj())
			if args := t.TypeArgs(); args != nil {
				for i := 0; i < args.Len(); i++ {
					walk(args.At(i))
				}
			}
		case *types.Alias:
			local(t.Obj())
			walk(types.Unalias(t))
		case *types.TypeParam:
			why = "declare the type at package level, with the type parameters it uses"
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Signature:
			for i := 0; i < t.Params().Len(); i++ {
				walk(t.Params().At(i).Type())
			}
			for i := 0; i < t.Results().Len(); i++ {
				walk(t.Results().At(i).Type())
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				f := t.Field(i)
				walk(f.Type())
				if f.Embedded() {
					ft := f.Type()
					if p, ok := ft.(*types.Pointer); ok {
						ft = p.Elem()
					}
					if n, ok := ft.(interface{ Obj() *types.TypeName }); ok {
						o := n.Obj()
						if o.Pkg() != nil && o.Parent() != o.Pkg().Scope() && names[o] != o.Name() && why == "" {
							why = fmt.Sprintf("the embedded local type %s cannot keep its name at package level: embed a package-level type or name the field", o.Name())
						}
					}
				}
			}
		case *types.Interface:
			for i := 0; i < t.NumEmbeddeds(); i++ {
				walk(t.EmbeddedType(i))
			}
			for i := 0; i < t.NumExplicitMethods(); i++ {
				walk(t.ExplicitMethod(i).Type())
			}
		case *types.Union:
			for i := 0; i < t.Len(); i++ {
				walk(t.Term(i).Type())
			}
		}
	}
	switch t := tn.Type().(type) {
	case *types.Named:
		walk(t.Underlying())
	case *types.Alias:
		walk(t.Rhs())
	default:
		walk(t)
	}
	return why
}

// hoistedName returns the package-level name of a hoisted local type.
func (ld *localDecls) hoistedName(tn *types.TypeName) (string, bool) {
	if ld == nil {
		return "", false
	}
	n, ok := ld.name[tn]
	return n, ok
}

// inAsync reports whether pos is inside the body of an async function or
// literal of the file.
func (ld *localDecls) inAsync(pos token.Pos) bool {
	for _, b := range ld.async {
		if b.Pos() <= pos && pos < b.End() {
			return true
		}
	}
	return false
}

// isLocalConst reports whether o is a constant declared in a function.
func isLocalConst(o types.Object) (*types.Const, bool) {
	c, ok := o.(*types.Const)
	if !ok || c.Pkg() == nil || c.Parent() == nil || c.Parent() == c.Pkg().Scope() || c.Parent() == types.Universe {
		return nil, false
	}
	return c, true
}

// ident returns the code replacing an identifier that denotes a hoisted
// local type or, inside async code, a local constant; nil otherwise.
func (ld *localDecls) ident(fc *fileConv, id *ast.Ident) jen.Code {
	if ld == nil {
		return nil
	}
	o := ld.info.Uses[id]
	switch o := o.(type) {
	case *types.TypeName:
		if n, ok := ld.name[o]; ok {
			return jen.Id(n)
		}
	case *types.Const:
		if c, ok := isLocalConst(o); ok && ld.inAsync(id.Pos()) {
			return constCode(fc, c)
		}
	}
	return nil
}

// filterDecl returns a local declaration statement without its hoisted
// types and, inside async code, without its constants (nil if nothing is
// left), and whether it changed.
func (ld *localDecls) filterDecl(ds *ast.DeclStmt) (ast.Stmt, bool) {
	gd, ok := ds.Decl.(*ast.GenDecl)
	if ld == nil || !ok {
		return ds, false
	}
	switch gd.Tok {
	case token.CONST:
		if ld.inAsync(gd.Pos()) {
			return nil, true
		}
	case token.TYPE:
		var keep []ast.Spec
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			if tn, ok := ld.info.Defs[ts.Name].(*types.TypeName); ok {
				if _, hoisted := ld.name[tn]; hoisted {
					continue
				}
			}
			keep = append(keep, sp)
		}
		if len(keep) == len(gd.Specs) {
			return ds, false
		}
		if len(keep) == 0 {
			return nil, true
		}
		g := *gd
		g.Specs = keep
		if len(keep) > 1 && !g.Lparen.IsValid() {
			g.Lparen, g.Rparen = gd.Pos(), gd.End()
		}
		return &ast.DeclStmt{Decl: &g}, true
	}
	return ds, false
}

// notHoisted returns why a type declared by a local type declaration
// cannot be hoisted, or "" if all of them are.
func (ld *localDecls) notHoisted(gd *ast.GenDecl) (string, token.Pos) {
	if ld == nil {
		return "declare it at package level", gd.Pos()
	}
	for _, sp := range gd.Specs {
		ts := sp.(*ast.TypeSpec)
		tn, ok := ld.info.Defs[ts.Name].(*types.TypeName)
		if !ok {
			continue
		}
		if _, ok := ld.name[tn]; ok {
			continue
		}
		why := ld.why[tn]
		if why == "" {
			why = "declare it at package level"
		}
		return why, ts.Pos()
	}
	return "", token.NoPos
}

// emitTypes declares the hoisted local types of fd at package level.
func (ld *localDecls) emitTypes(f *jen.File, fc *fileConv, fd *ast.FuncDecl) {
	if ld == nil {
		return
	}
	for _, tn := range ld.byFunc[fd] {
		name := ld.name[tn]
		what := "function " + fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) > 0 {
			what = "method " + recvTypeName(fd.Recv.List[0].Type) + "." + fd.Name.Name
		}
		f.Comment(fmt.Sprintf("%s is the local type %s of %s, declared at package level by asyncgen.", name, tn.Name(), what))
		switch t := tn.Type().(type) {
		case *types.Alias:
			code, _ := fc.typeCode(t.Rhs())
			f.Type().Id(name).Op("=").Add(code)
		default:
			code, _ := fc.typeCode(tn.Type().Underlying())
			f.Type().Id(name).Add(code)
		}
		f.Line()
	}
}

// constCode returns an expression with the value and type of the
// constant c: a literal of c's kind for an untyped constant, a
// conversion T(v) for a typed one.
func constCode(fc *fileConv, c *types.Const) jen.Code {
	v := c.Val()
	b, _ := c.Type().Underlying().(*types.Basic)
	if b != nil && b.Info()&types.IsUntyped != 0 {
		return jen.Op(valueText(v, b.Kind()))
	}
	kind := types.Invalid
	if b != nil {
		switch {
		case b.Info()&types.IsFloat != 0:
			kind = types.UntypedFloat
		case b.Info()&types.IsComplex != 0:
			kind = types.UntypedComplex
		}
	}
	tc, _ := fc.typeCode(c.Type())
	text := valueText(v, kind)
	if b != nil && b.Info()&(types.IsFloat|types.IsComplex) != 0 {
		// The shortest decimal that rounds to the constant's value in
		// its type (T(0.1) rather than T(13421773.0 / 134217728)).
		bits := 64
		if b.Kind() == types.Float32 || b.Kind() == types.Complex64 {
			bits = 32
		}
		f := func(x constant.Value) string {
			x = constant.ToFloat(x)
			fv, _ := constant.Float64Val(x)
			return strconv.FormatFloat(fv, 'g', -1, bits)
		}
		if b.Info()&types.IsComplex != 0 {
			text = "complex(" + f(constant.Real(v)) + ", " + f(constant.Imag(v)) + ")"
		} else {
			text = f(v)
		}
	}
	if strings.HasPrefix(text, "(") && strings.HasSuffix(text, ")") {
		text = text[1 : len(text)-1] // T(-1), not T((-1))
	}
	return jen.Add(tc).Call(jen.Op(text))
}

// valueText returns Go syntax for the constant v. For an untyped
// constant, kind is its kind (UntypedRune, UntypedFloat, ...), which the
// syntax keeps; UntypedFloat and UntypedComplex also ask for float syntax
// for typed floating-point constants. The text is a primary expression.
func valueText(v constant.Value, kind types.BasicKind) string {
	switch v.Kind() {
	case constant.Bool:
		if constant.BoolVal(v) {
			return "true"
		}
		return "false"
	case constant.String:
		return fmt.Sprintf("%q", constant.StringVal(v))
	case constant.Int:
		switch kind {
		case types.UntypedRune:
			return "('\\x00' + " + v.ExactString() + ")"
		case types.UntypedFloat:
			return floatText(v)
		case types.UntypedComplex:
			return "complex(" + floatText(v) + ", 0)"
		}
		return paren(v.ExactString())
	case constant.Float:
		if kind == types.UntypedComplex {
			return "complex(" + floatText(v) + ", 0)"
		}
		return floatText(v)
	case constant.Complex:
		return "complex(" + floatText(constant.Real(v)) + ", " + floatText(constant.Imag(v)) + ")"
	}
	return v.ExactString()
}

// floatText returns float syntax for the exact value of v (a numerator
// and denominator, or the hexadecimal mantissa of a large value).
func floatText(v constant.Value) string {
	f := constant.ToFloat(v)
	num, den := constant.Num(f), constant.Denom(f)
	if num.Kind() == constant.Int && den.Kind() == constant.Int {
		n := num.ExactString()
		if den.ExactString() == "1" {
			return paren(n + ".0")
		}
		// Both as float literals: an integer literal is limited to
		// 512 bits, a float literal is not.
		return "(" + n + ".0 / " + den.ExactString() + ".0)"
	}
	return paren(f.ExactString())
}

func paren(s string) string {
	if strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}
