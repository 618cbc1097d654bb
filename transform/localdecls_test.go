package transform

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// constOf type-checks "const c = expr" and returns c.
func constOf(t *testing.T, expr string) *types.Const {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "c.go", "package p\ntype T float32\nconst c = "+expr+"\n", 0)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	conf := types.Config{Importer: importer.Default()}
	pkg, err := conf.Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return pkg.Scope().Lookup("c").(*types.Const)
}

// TestValueText checks that the syntax written for a local constant's
// value denotes exactly that value, with the same (untyped) kind.
func TestValueText(t *testing.T) {
	for _, expr := range []string{
		"1 << 100", "-7", "'x'", "'x' * 1000000", "1.0 / 3", "2.0", "-2.5", "1e300 * 1e300", "1e-300 / 7",
		"2i + 1.5", "complex(1.0/3, -2)", "3i", `"h\u00e9llo\x00\xff\""`, "true", "1 > 2",
	} {
		c := constOf(t, expr)
		b := c.Type().(*types.Basic)
		text := valueText(c.Val(), b.Kind())
		d := constOf(t, text)
		if d.Type() != c.Type() {
			t.Errorf("%s: %s has type %s, want %s", expr, text, d.Type(), c.Type())
		}
		if !constant.Compare(d.Val(), token.EQL, c.Val()) {
			t.Errorf("%s: %s is %s, want %s", expr, text, d.Val().ExactString(), c.Val().ExactString())
		}
	}
}

// TestConstCode checks the conversions written for typed constants.
func TestConstCode(t *testing.T) {
	for _, expr := range []string{
		"float32(0.1)", "float64(1.0 / 3)", "int8(-3)", "uint64(1 << 63)", "complex64(1.5 + 0.1i)", "rune('x')",
		"len(\"abc\")", "string(\"s\")", "float32(-1e30)",
	} {
		c := constOf(t, expr)
		text := fmt.Sprintf("%#v", constCode(&fileConv{}, c))
		d := constOf(t, text)
		if !types.Identical(d.Type(), c.Type()) || !constant.Compare(d.Val(), token.EQL, c.Val()) {
			t.Errorf("%s: %s is %s %s, want %s %s", expr, text, d.Type(), d.Val().ExactString(), c.Type(), c.Val().ExactString())
		}
	}
}
