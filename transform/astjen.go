package transform

// This file converts go/ast syntax and go/types types to jennifer code.
// Package-qualified identifiers become jen.Qual, so jennifer manages the
// imports of the generated file. A conv can be customised by the emitter
// (identifier mapping, statement rewriting) for the bodies of async
// functions.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// fileConv holds what every conversion in one file needs.
type fileConv struct {
	fset *token.FileSet
	pkg  *types.Package
	info *types.Info
	// rewriteImport maps an import path of the source to the path to use
	// in the generated file (the -in/-out mode); nil keeps paths.
	rewriteImport func(string) string
	r             *reporter
	lits          *litSet
	// layouts are the layouts of the async functions of the file, by
	// future type name (set before emission).
	layouts map[string]*layout
	// locals are the hoisted local types and the local constants of the
	// file's functions (localdecls.go).
	locals *localDecls
}

func (fc *fileConv) path(p string) string {
	if fc.rewriteImport != nil {
		return fc.rewriteImport(p)
	}
	return p
}

// lineDirective returns the inline line directive for pos.
func (fc *fileConv) lineDirective(pos token.Pos) jen.Code {
	if !pos.IsValid() {
		return nil
	}
	p := fc.fset.Position(pos)
	return jen.Comment(fmt.Sprintf("/*line %s:%d:%d*/", filepath.Base(p.Filename), p.Line, p.Column))
}

// lineDirectiveBefore returns a line directive for the line before pos:
// it is for a statement that gofmt prints on the line after its directive.
func (fc *fileConv) lineDirectiveBefore(pos token.Pos) jen.Code {
	p := fc.fset.Position(pos)
	if !pos.IsValid() || p.Line < 2 {
		return nil
	}
	return jen.Comment(fmt.Sprintf("/*line %s:%d:%d*/", filepath.Base(p.Filename), p.Line-1, 1))
}

// conv converts syntax. The hooks are set for the bodies of async
// functions and left nil for carried-over code.
type conv struct {
	fc *fileConv
	// ident, if set and returning non-nil, replaces an identifier.
	ident func(id *ast.Ident) jen.Code
	// stmt, if set and returning ok, replaces a statement (by several).
	stmt func(c *conv, s ast.Stmt) ([]jen.Code, bool)
	// lit, if set and returning ok, replaces a func literal; conv
	// converts the literal itself.
	lit func(c *conv, lit *ast.FuncLit, conv func() jen.Code) (jen.Code, bool)
	// ptr, if set and returning non-nil, gives a pointer to a variable
	// captured by an async literal.
	ptr func(v *types.Var) jen.Code
	// Nesting inside carried-over code, for break/continue rewriting.
	breakables, loops, lits int
	lines                   bool // emit a line directive before each statement

	// comments, if set, are the file's comments, carried over into the
	// function bodies being converted (in source order); ci is the next
	// one to place and prevEnd the end of the last converted statement.
	comments []*ast.CommentGroup
	ci       int
	prevEnd  token.Pos
	// afterComment is set when the statement being converted follows a
	// standalone comment.
	afterComment bool
}

// startComments positions the comment cursor after pos (the opening
// brace of a function body about to be converted).
func (c *conv) startComments(pos token.Pos) {
	c.ci = 0
	for c.ci < len(c.comments) && c.comments[c.ci].Pos() <= pos {
		c.ci++
	}
	c.prevEnd = token.NoPos
}

// flushComments appends the comments before pos to out: a comment on the
// line where the previous statement ends stays at the end of that line.
//
// After a standalone comment, gofmt prints the inline line directive of
// the next statement on a line of its own, the statement on the line
// below: afterComment tells stmtLines to compensate.
func (c *conv) flushComments(pos token.Pos, out []jen.Code) []jen.Code {
	standalone := false
	for c.ci < len(c.comments) && c.comments[c.ci].Pos() < pos {
		cg := c.comments[c.ci]
		c.ci++
		trailing := len(out) > 0 && c.prevEnd.IsValid() &&
			c.fc.fset.Position(cg.Pos()).Line == c.fc.fset.Position(c.prevEnd).Line
		for _, cm := range cg.List {
			if trailing {
				out[len(out)-1] = jen.Add(out[len(out)-1]).Op(cm.Text)
				continue
			}
			out = append(out, jen.Op(cm.Text))
			standalone = true
		}
	}
	c.afterComment = standalone
	return out
}

func (c *conv) exprs(xs []ast.Expr) []jen.Code {
	out := make([]jen.Code, 0, len(xs))
	for _, x := range xs {
		out = append(out, c.expr(x))
	}
	return out
}

func (c *conv) idents(ids []*ast.Ident) []jen.Code {
	out := make([]jen.Code, 0, len(ids))
	for _, x := range ids {
		out = append(out, c.expr(x))
	}
	return out
}

func (c *conv) expr(e ast.Expr) jen.Code {
	if e == nil {
		return jen.Null()
	}
	switch x := e.(type) {
	case *ast.Ident:
		if c.ident != nil {
			if r := c.ident(x); r != nil {
				return r
			}
		}
		if r := c.fc.locals.ident(c.fc, x); r != nil {
			return r
		}
		if o := c.fc.info.Uses[x]; o != nil && o.Pkg() != nil && o.Pkg() != c.fc.pkg && o.Parent() == o.Pkg().Scope() {
			return jen.Qual(c.fc.path(o.Pkg().Path()), x.Name) // dot import
		}
		return jen.Id(x.Name)
	case *ast.BasicLit:
		return jen.Op(x.Value)
	case *ast.CompositeLit:
		var t *jen.Statement
		if x.Type != nil {
			t = jen.Add(c.expr(x.Type))
		} else {
			t = jen.Null()
		}
		return t.Values(c.exprs(x.Elts)...)
	case *ast.KeyValueExpr:
		return jen.Add(c.expr(x.Key)).Op(":").Add(c.expr(x.Value))
	case *ast.FuncLit:
		c.lits++
		saveB, saveL := c.breakables, c.loops
		c.breakables, c.loops = 0, 0
		defer func() { c.lits--; c.breakables, c.loops = saveB, saveL }()
		plain := func() jen.Code { return jen.Func().Add(c.signature(x.Type)).Block(c.blockList(x.Body)...) }
		if c.lit != nil {
			if r, ok := c.lit(c, x, plain); ok {
				return r
			}
		}
		return plain()
	case *ast.ParenExpr:
		return jen.Parens(c.expr(x.X))
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if pn, ok := c.fc.info.Uses[id].(*types.PkgName); ok {
				return jen.Qual(c.fc.path(pn.Imported().Path()), x.Sel.Name)
			}
		}
		return jen.Add(c.expr(x.X)).Dot(x.Sel.Name)
	case *ast.IndexExpr:
		return jen.Add(c.expr(x.X)).Index(c.expr(x.Index))
	case *ast.IndexListExpr:
		return jen.Add(c.expr(x.X)).Types(c.exprs(x.Indices)...)
	case *ast.SliceExpr:
		idx := []jen.Code{c.optExpr(x.Low), c.optExpr(x.High)}
		if x.Slice3 {
			idx = append(idx, c.optExpr(x.Max))
		}
		return jen.Add(c.expr(x.X)).Index(idx...)
	case *ast.TypeAssertExpr:
		if x.Type == nil {
			return jen.Add(c.expr(x.X)).Assert(jen.Type())
		}
		return jen.Add(c.expr(x.X)).Assert(c.expr(x.Type))
	case *ast.CallExpr:
		if r, ok := c.lowerLitCall(x); ok {
			return r
		}
		args := c.exprs(x.Args)
		if x.Ellipsis.IsValid() && len(args) > 0 {
			args[len(args)-1] = jen.Add(args[len(args)-1]).Op("...")
		}
		return jen.Add(c.expr(x.Fun)).Call(args...)
	case *ast.StarExpr:
		return jen.Op("*").Add(c.expr(x.X))
	case *ast.UnaryExpr:
		return jen.Op(x.Op.String()).Add(c.expr(x.X))
	case *ast.BinaryExpr:
		return jen.Add(c.expr(x.X)).Op(x.Op.String()).Add(c.expr(x.Y))
	case *ast.ArrayType:
		if x.Len == nil {
			return jen.Index().Add(c.expr(x.Elt))
		}
		return jen.Index(c.expr(x.Len)).Add(c.expr(x.Elt))
	case *ast.Ellipsis:
		if x.Elt == nil {
			return jen.Op("...")
		}
		return jen.Op("...").Add(c.expr(x.Elt))
	case *ast.StructType:
		var fields []jen.Code
		for _, f := range x.Fields.List {
			var fl *jen.Statement
			if len(f.Names) == 0 {
				fl = jen.Add(c.expr(f.Type))
			} else {
				fl = jen.List(c.idents(f.Names)...).Add(c.expr(f.Type))
			}
			if f.Tag != nil {
				fl = fl.Op(f.Tag.Value)
			}
			fields = append(fields, fl)
		}
		return jen.Struct(fields...)
	case *ast.FuncType:
		return jen.Func().Add(c.signature(x))
	case *ast.InterfaceType:
		var ms []jen.Code
		for _, f := range x.Methods.List {
			if len(f.Names) == 0 {
				ms = append(ms, c.expr(f.Type))
				continue
			}
			ft, _ := f.Type.(*ast.FuncType)
			ms = append(ms, jen.Id(f.Names[0].Name).Add(c.signature(ft)))
		}
		return jen.Interface(ms...)
	case *ast.MapType:
		return jen.Map(c.expr(x.Key)).Add(c.expr(x.Value))
	case *ast.ChanType:
		switch x.Dir {
		case ast.SEND:
			return jen.Chan().Op("<-").Add(c.expr(x.Value))
		case ast.RECV:
			return jen.Op("<-").Chan().Add(c.expr(x.Value))
		}
		return jen.Chan().Add(c.expr(x.Value))
	}
	c.fc.r.errorf(e.Pos(), "", "internal error: cannot convert expression %T", e)
	return jen.Null()
}

func (c *conv) optExpr(e ast.Expr) jen.Code {
	if e == nil {
		return jen.Empty()
	}
	return c.expr(e)
}

// fields converts a parameter or result list.
func (c *conv) fields(fl *ast.FieldList) []jen.Code {
	if fl == nil {
		return nil
	}
	var out []jen.Code
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			out = append(out, c.expr(f.Type))
			continue
		}
		out = append(out, jen.List(c.idents(f.Names)...).Add(c.expr(f.Type)))
	}
	return out
}

// signature converts the parameters and results of a function type.
func (c *conv) signature(ft *ast.FuncType) *jen.Statement {
	s := jen.Params(c.fields(ft.Params)...)
	if ft.Results != nil && len(ft.Results.List) > 0 {
		if len(ft.Results.List) == 1 && len(ft.Results.List[0].Names) == 0 {
			return s.Add(c.expr(ft.Results.List[0].Type))
		}
		return s.Params(c.fields(ft.Results)...)
	}
	return s
}

// typeParams converts a type parameter list.
func (c *conv) typeParams(fl *ast.FieldList) []jen.Code {
	if fl == nil {
		return nil
	}
	return c.fields(fl)
}

func (c *conv) stmts(list []ast.Stmt) []jen.Code {
	var out []jen.Code
	for _, s := range list {
		if c.comments != nil {
			out = c.flushComments(s.Pos(), out)
		}
		out = append(out, c.stmtLines(s)...)
		c.prevEnd = s.End()
	}
	return out
}

// blockList converts the statements of a block and the comments before
// its closing brace.
func (c *conv) blockList(b *ast.BlockStmt) []jen.Code {
	out := c.stmts(b.List)
	if c.comments != nil {
		out = c.flushComments(b.Rbrace, out)
	}
	return out
}

// stmtLines converts one statement, preceded by its line directive.
func (c *conv) stmtLines(s ast.Stmt) []jen.Code {
	after := c.afterComment
	c.afterComment = false
	out := c.stmtOf(s)
	if c.lines && len(out) > 0 {
		if _, isLabel := s.(*ast.LabeledStmt); !isLabel {
			d := c.fc.lineDirective(s.Pos())
			if after {
				d = c.fc.lineDirectiveBefore(s.Pos())
			}
			if d != nil {
				out[0] = jen.Add(d).Add(out[0])
			}
		}
	}
	return out
}

func (c *conv) block(b *ast.BlockStmt) *jen.Statement {
	return jen.Block(c.blockList(b)...)
}

func (c *conv) stmtOf(s ast.Stmt) []jen.Code {
	if ds, ok := s.(*ast.DeclStmt); ok {
		if d, changed := c.fc.locals.filterDecl(ds); changed {
			if d == nil {
				return nil // hoisted types, substituted constants
			}
			s = d
		}
	}
	if c.stmt != nil {
		if out, ok := c.stmt(c, s); ok {
			return out
		}
	}
	return []jen.Code{c.stmt1(s)}
}

func (c *conv) simple(s ast.Stmt) jen.Code {
	if s == nil {
		return jen.Empty()
	}
	out := c.stmtOf(s)
	if len(out) != 1 {
		c.fc.r.errorf(s.Pos(), "", "internal error: statement expands in a header")
		return jen.Empty()
	}
	return out[0]
}

func (c *conv) stmt1(s ast.Stmt) jen.Code {
	switch s := s.(type) {
	case *ast.ExprStmt:
		return c.expr(s.X)
	case *ast.AssignStmt:
		return jen.List(c.exprs(s.Lhs)...).Op(s.Tok.String()).List(c.exprs(s.Rhs)...)
	case *ast.IncDecStmt:
		return jen.Add(c.expr(s.X)).Op(s.Tok.String())
	case *ast.SendStmt:
		return jen.Add(c.expr(s.Chan)).Op("<-").Add(c.expr(s.Value))
	case *ast.GoStmt:
		return jen.Go().Add(c.expr(s.Call))
	case *ast.DeferStmt:
		return jen.Defer().Add(c.expr(s.Call))
	case *ast.ReturnStmt:
		return jen.Return(c.exprs(s.Results)...)
	case *ast.BranchStmt:
		var st *jen.Statement
		switch s.Tok {
		case token.BREAK:
			st = jen.Break()
		case token.CONTINUE:
			st = jen.Continue()
		case token.GOTO:
			st = jen.Goto()
		case token.FALLTHROUGH:
			st = jen.Fallthrough()
		}
		if s.Label != nil {
			st = st.Id(s.Label.Name)
		}
		return st
	case *ast.BlockStmt:
		return c.block(s)
	case *ast.EmptyStmt:
		return jen.Empty()
	case *ast.LabeledStmt:
		return jen.Id(s.Label.Name).Op(":").Line().Add(c.simple(s.Stmt))
	case *ast.DeclStmt:
		return c.genDecl(s.Decl.(*ast.GenDecl))
	case *ast.IfStmt:
		var hdr []jen.Code
		if s.Init != nil {
			hdr = append(hdr, c.simple(s.Init))
		}
		hdr = append(hdr, c.expr(s.Cond))
		st := jen.If(hdr...).Add(c.block(s.Body))
		if s.Else != nil {
			st = st.Else().Add(c.stmt1(s.Else))
		}
		return st
	case *ast.ForStmt:
		var hdr []jen.Code
		if s.Init != nil || s.Post != nil {
			hdr = []jen.Code{c.simple(s.Init), c.optExpr(s.Cond), c.simple(s.Post)}
		} else if s.Cond != nil {
			hdr = []jen.Code{c.expr(s.Cond)}
		}
		c.breakables++
		c.loops++
		body := c.block(s.Body)
		c.breakables--
		c.loops--
		return jen.For(hdr...).Add(body)
	case *ast.RangeStmt:
		var hdr *jen.Statement
		if s.Key == nil {
			hdr = jen.Range().Add(c.expr(s.X))
		} else {
			lhs := []jen.Code{c.expr(s.Key)}
			if s.Value != nil {
				lhs = append(lhs, c.expr(s.Value))
			}
			hdr = jen.List(lhs...).Op(s.Tok.String()).Range().Add(c.expr(s.X))
		}
		c.breakables++
		c.loops++
		body := c.block(s.Body)
		c.breakables--
		c.loops--
		return jen.For(hdr).Add(body)
	case *ast.SwitchStmt:
		var hdr []jen.Code
		if s.Init != nil {
			hdr = append(hdr, c.simple(s.Init))
		}
		if s.Tag != nil {
			hdr = append(hdr, c.expr(s.Tag))
		} else if s.Init != nil {
			hdr = append(hdr, jen.Empty())
		}
		return jen.Switch(hdr...).Block(c.clauses(s.Body)...)
	case *ast.TypeSwitchStmt:
		var hdr []jen.Code
		if s.Init != nil {
			hdr = append(hdr, c.simple(s.Init))
		}
		hdr = append(hdr, c.simple(s.Assign))
		return jen.Switch(hdr...).Block(c.clauses(s.Body)...)
	case *ast.SelectStmt:
		return jen.Select().Block(c.clauses(s.Body)...)
	}
	c.fc.r.errorf(s.Pos(), "", "internal error: cannot convert statement %T", s)
	return jen.Null()
}

func (c *conv) clauses(b *ast.BlockStmt) []jen.Code {
	c.breakables++
	defer func() { c.breakables-- }()
	var out []jen.Code
	for _, cl := range b.List {
		switch cl := cl.(type) {
		case *ast.CaseClause:
			var h *jen.Statement
			if cl.List == nil {
				h = jen.Default()
			} else {
				h = jen.Case(c.exprs(cl.List)...)
			}
			out = append(out, h.Block(c.stmts(cl.Body)...))
		case *ast.CommClause:
			var h *jen.Statement
			if cl.Comm == nil {
				h = jen.Default()
			} else {
				h = jen.Case(c.simple(cl.Comm))
			}
			out = append(out, h.Block(c.stmts(cl.Body)...))
		}
	}
	return out
}

// genDecl converts a var, const or type declaration (imports are left to
// jennifer).
func (c *conv) genDecl(d *ast.GenDecl) jen.Code {
	var specs []jen.Code
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			st := jen.List(c.idents(sp.Names)...)
			if sp.Type != nil {
				st = st.Add(c.expr(sp.Type))
			}
			if len(sp.Values) > 0 {
				st = st.Op("=").List(c.exprs(sp.Values)...)
			}
			specs = append(specs, st)
		case *ast.TypeSpec:
			st := jen.Id(sp.Name.Name)
			if sp.TypeParams != nil {
				st = st.Types(c.typeParams(sp.TypeParams)...)
			}
			if sp.Assign.IsValid() {
				st = st.Op("=")
			}
			specs = append(specs, st.Add(c.expr(sp.Type)))
		}
	}
	var kw *jen.Statement
	switch d.Tok {
	case token.VAR:
		kw = jen.Var()
	case token.CONST:
		kw = jen.Const()
	case token.TYPE:
		kw = jen.Type()
	default:
		return jen.Null()
	}
	if d.Lparen.IsValid() {
		return kw.Defs(specs...)
	}
	if len(specs) != 1 {
		return kw.Defs(specs...)
	}
	return kw.Add(specs[0])
}

// docLines emits a doc comment verbatim, one raw line per comment.
func docLines(g *jen.File, doc *ast.CommentGroup) {
	if doc == nil {
		return
	}
	for _, cm := range doc.List {
		g.Op(cm.Text)
	}
}

// typeCode converts a type to jennifer code. ok is false if the type
// cannot be named at package level (it involves a local type).
func (fc *fileConv) typeCode(t types.Type) (code jen.Code, ok bool) {
	ok = true
	var conv func(t types.Type) *jen.Statement
	named := func(obj *types.TypeName, args *types.TypeList) *jen.Statement {
		var st *jen.Statement
		switch {
		case obj.Pkg() == nil:
			st = jen.Id(obj.Name())
		case obj.Parent() != obj.Pkg().Scope():
			if name, hoisted := fc.locals.hoistedName(obj); hoisted {
				st = jen.Id(name)
				break
			}
			ok = false
			st = jen.Id(obj.Name())
		default:
			st = jen.Qual(fc.path(obj.Pkg().Path()), obj.Name())
		}
		if args != nil && args.Len() > 0 {
			var as []jen.Code
			for i := 0; i < args.Len(); i++ {
				as = append(as, conv(args.At(i)))
			}
			st = st.Types(as...)
		}
		return st
	}
	tuple := func(tu *types.Tuple, variadic bool) []jen.Code {
		var out []jen.Code
		for i := 0; i < tu.Len(); i++ {
			v := tu.At(i)
			if variadic && i == tu.Len()-1 {
				out = append(out, jen.Op("...").Add(conv(v.Type().(*types.Slice).Elem())))
				continue
			}
			out = append(out, conv(v.Type()))
		}
		return out
	}
	conv = func(t types.Type) *jen.Statement {
		switch t := t.(type) {
		case *types.Basic:
			if t.Kind() == types.UnsafePointer {
				return jen.Qual("unsafe", "Pointer")
			}
			return jen.Id(t.Name())
		case *types.Alias:
			return named(t.Obj(), t.TypeArgs())
		case *types.Named:
			return named(t.Obj(), t.TypeArgs())
		case *types.TypeParam:
			return jen.Id(t.Obj().Name())
		case *types.Pointer:
			return jen.Op("*").Add(conv(t.Elem()))
		case *types.Slice:
			return jen.Index().Add(conv(t.Elem()))
		case *types.Array:
			return jen.Index(jen.Lit(int(t.Len()))).Add(conv(t.Elem()))
		case *types.Map:
			return jen.Map(conv(t.Key())).Add(conv(t.Elem()))
		case *types.Chan:
			switch t.Dir() {
			case types.SendOnly:
				return jen.Chan().Op("<-").Add(conv(t.Elem()))
			case types.RecvOnly:
				return jen.Op("<-").Chan().Add(conv(t.Elem()))
			}
			return jen.Chan().Add(conv(t.Elem()))
		case *types.Signature:
			st := jen.Func().Params(tuple(t.Params(), t.Variadic())...)
			if t.Results().Len() > 0 {
				st = st.Params(tuple(t.Results(), false)...)
			}
			return st
		case *types.Struct:
			var fs []jen.Code
			for i := 0; i < t.NumFields(); i++ {
				f := t.Field(i)
				var st *jen.Statement
				if f.Embedded() {
					st = conv(f.Type())
				} else {
					st = jen.Id(f.Name()).Add(conv(f.Type()))
				}
				if tag := t.Tag(i); tag != "" {
					st = st.Op(strconv.Quote(tag))
				}
				fs = append(fs, st)
			}
			return jen.Struct(fs...)
		case *types.Interface:
			var ms []jen.Code
			for i := 0; i < t.NumEmbeddeds(); i++ {
				ms = append(ms, conv(t.EmbeddedType(i)))
			}
			for i := 0; i < t.NumExplicitMethods(); i++ {
				m := t.ExplicitMethod(i)
				sig := m.Type().(*types.Signature)
				st := jen.Id(m.Name()).Params(tuple(sig.Params(), sig.Variadic())...)
				if sig.Results().Len() > 0 {
					st = st.Params(tuple(sig.Results(), false)...)
				}
				ms = append(ms, st)
			}
			return jen.Interface(ms...)
		case *types.Union:
			var st *jen.Statement
			for i := 0; i < t.Len(); i++ {
				term := t.Term(i)
				x := conv(term.Type())
				if term.Tilde() {
					x = jen.Op("~").Add(x)
				}
				if st == nil {
					st = x
				} else {
					st = st.Op("|").Add(x)
				}
			}
			return st
		case *types.Tuple:
			return jen.Params(tuple(t, false)...)
		}
		ok = false
		return jen.Id(fmt.Sprint(t))
	}
	return conv(t), ok
}

// lowerLitCall lowers a call whose closure argument is an async literal
// (rt.Run, rt.Spawn, rt.Go, or any function with //asyncgo:lower) to its
// companion.
func (c *conv) lowerLitCall(x *ast.CallExpr) (jen.Code, bool) {
	if c.fc.lits == nil {
		return nil, false
	}
	var lit *ast.FuncLit
	for _, a := range x.Args {
		if l, ok := a.(*ast.FuncLit); ok && c.fc.lits.lower[l] != nil && c.fc.lits.units[l] != nil && !c.fc.lits.lower[l].async {
			lit = l
		}
	}
	if lit == nil {
		return nil, false
	}
	lw, l := c.fc.lits.lower[lit], c.fc.lits.layouts[lit]
	ft := jen.Id(l.future)
	if ta := l.typeArgNames(); len(ta) > 0 {
		ft = ft.Types(ta...)
	}
	targs := []jen.Code{ft}
	for _, t := range lw.inst {
		tc, _ := c.fc.typeCode(t)
		targs = append(targs, tc)
	}
	var args []jen.Code
	for _, a := range x.Args {
		if a == lit {
			args = append(args, c.litCtor(lit, nil))
		} else {
			args = append(args, c.expr(a))
		}
	}
	if x.Ellipsis.IsValid() && len(args) > 0 {
		args[len(args)-1] = jen.Add(args[len(args)-1]).Op("...")
	}
	return jen.Qual(c.fc.path(lw.fn.Pkg().Path()), lw.companion).Types(targs...).Call(args...), true
}

// litCtor returns the constructor call of an async literal's future:
// pointers to the captured variables, then the literal's arguments.
func (c *conv) litCtor(lit *ast.FuncLit, args []ast.Expr) jen.Code {
	u, l := c.fc.lits.units[lit], c.fc.lits.layouts[lit]
	var as []jen.Code
	for _, v := range u.captures {
		var p jen.Code
		if c.ptr != nil {
			p = c.ptr(v)
		}
		if p == nil {
			p = jen.Op("&").Id(v.Name())
		}
		as = append(as, p)
	}
	as = append(as, c.exprs(args)...)
	ctor := jen.Id(l.ctor)
	if ta := l.typeArgNames(); len(ta) > 0 {
		ctor = ctor.Types(ta...)
	}
	return ctor.Call(as...)
}
