package transform

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

func TestTerminates(t *testing.T) {
	src := `package p
func panic2(string) {}
type big struct{ a [4]int; b struct{ c float64 } }
type ptrs struct{ a int; s string }
func f(x int, ch chan int) {
	_ = 0 // false
	panic("x") // true
	panic2("x") // false
	if x > 0 { return } else { panic("y") } // true
	if x > 0 { return } // false
	for { x++ } // true
	for { if x > 0 { break } } // false
	for { for { break } } // true
	L: for { for { break L } } // false
	switch { case x > 0: return; default: panic("z") } // true
	switch { case x > 0: return } // false
	switch { case x > 0: fallthrough; default: return } // true
	switch { case x > 0: break; default: return } // false
	select { case <-ch: return } // true
	select { case <-ch: } // false
	{ return } // true
	goto L // true
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	u := &unit{info: info}
	want := map[int]bool{}
	for _, c := range f.Comments {
		want[fset.Position(c.Pos()).Line] = c.Text() == "true\n"
	}
	body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body
	for _, s := range body.List {
		line := fset.Position(s.Pos()).Line
		if got := u.terminates(s); got != want[line] {
			t.Errorf("line %d: terminates = %v, want %v", line, got, want[line])
		}
	}
	for name, want := range map[string]bool{"big": true, "ptrs": false} {
		if got := pointerFree(pkg.Scope().Lookup(name).Type()); got != want {
			t.Errorf("pointerFree(%s) = %v, want %v", name, got, want)
		}
	}
	for _, c := range []struct {
		t    types.Type
		want bool
	}{
		{types.Typ[types.Int], true},
		{types.Typ[types.String], false},
		{types.Typ[types.UnsafePointer], false},
		{types.NewPointer(types.Typ[types.Int]), false},
		{types.NewArray(types.Typ[types.String], 0), true},
		{types.NewSlice(types.Typ[types.Int]), false},
		{types.NewInterfaceType(nil, nil), false},
	} {
		if got := pointerFree(c.t); got != c.want {
			t.Errorf("pointerFree(%s) = %v, want %v", c.t, got, c.want)
		}
	}
}
