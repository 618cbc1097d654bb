package transform

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// loadUnit type-checks src as the only file of package unit (an overlay
// of testdata/unit/unit.go, so that it can import rt).
func loadUnit(t testing.TB, src string) (*packages.Package, *ast.File) {
	t.Helper()
	pkg, f := loadUnitQuiet(t, src)
	if f == nil {
		t.Fatalf("load failed")
	}
	return pkg, f
}

// loadUnitQuiet is loadUnit returning a nil file when there is none.
func loadUnitQuiet(t testing.TB, src string) (*packages.Package, *ast.File) {
	t.Helper()
	dir, _ := filepath.Abs("testdata/unit")
	file := filepath.Join(dir, "unit.go")
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedImports | packages.NeedTypesSizes,
		Dir:        dir,
		BuildFlags: []string{"-tags=" + BuildTag},
		Overlay:    map[string][]byte{file: []byte(src)},
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Syntax) != 1 {
		return nil, nil
	}
	return pkgs[0], pkgs[0].Syntax[0]
}

const unitHeader = "//go:build asyncsrc\n\npackage unit\n\nimport \"github.com/asyncgo/asyncgo/rt\"\n\nvar _ = rt.Yield\n\n"

// stagesFor runs the stages up to liveness on the async function name.
func stagesFor(t *testing.T, src, name string) (*unit, *layout, *reporter) {
	t.Helper()
	pkg, f := loadUnit(t, unitHeader+src)
	if len(pkg.Errors) > 0 {
		t.Fatalf("input does not type-check: %v", pkg.Errors)
	}
	r := &reporter{fset: pkg.Fset}
	idx := newAsyncIndex(pkg.Fset, pkg.TypesInfo, pkg.Syntax)
	fd := &finder{info: pkg.TypesInfo, async: idx}
	for _, d := range f.Decls {
		decl, ok := d.(*ast.FuncDecl)
		if !ok || decl.Name.Name != name {
			continue
		}
		fn := pkg.TypesInfo.Defs[decl.Name].(*types.Func)
		u := newUnit(decl, fn, fn.Type().(*types.Signature), pkg.Types, pkg.TypesInfo, fd)
		normalise(u, r)
		buildBlocks(u, r)
		collectLocals(u)
		liveness(u)
		fc := &fileConv{fset: pkg.Fset, pkg: pkg.Types, info: pkg.TypesInfo, r: r}
		return u, doLayout(u, fc), r
	}
	t.Fatalf("no function %s", name)
	return nil, nil, nil
}

func TestAsyncDirective(t *testing.T) {
	for text, want := range map[string]bool{
		"//async":            false,
		"// async":           false, // what gofmt makes of it: diagnosed instead
		"//async ":           false,
		"//asyncx":           false,
		"// async functions": false,
		"//go:async":         false,
		"//asyncgo:async":    true,
		"//asyncgo:async  ":  true,
	} {
		doc := &ast.CommentGroup{List: []*ast.Comment{{Text: "// F does it."}, {Text: text}}}
		if got := hasAsyncDirective(doc); got != want {
			t.Errorf("%q: got %v", text, got)
		}
	}
}

func TestFindCrossPackage(t *testing.T) {
	pkg, f := loadUnit(t, unitHeader+`
//asyncgo:async
func F() int { rt.Yield(); return g() + rt.Await(rt.Spawn(func() int { return 1 })) }

func g() int { return 1 }
`)
	idx := newAsyncIndex(pkg.Fset, pkg.TypesInfo, pkg.Syntax)
	fd := &finder{info: pkg.TypesInfo, async: idx}
	var kinds []string
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if s := fd.siteOf(c); s != nil {
				name := s.fn.Name()
				if s.kind == siteAwait {
					name = "await " + types.TypeString(s.argType, nil)
				}
				kinds = append(kinds, name)
			}
		}
		return true
	})
	want := "Yield,await *github.com/asyncgo/asyncgo/rt.JoinHandle[int]"
	if got := strings.Join(kinds, ","); got != want {
		t.Errorf("sites %s, want %s", got, want)
	}
}

// TestNormaliseOrder checks that spilling keeps Go's evaluation order:
// every call before the last suspension point is evaluated first, calls
// after it stay in place.
func TestNormaliseOrder(t *testing.T) {
	u, _, r := stagesFor(t, `
func f(int) int { return 0 }

//asyncgo:async
func A(x int) int { rt.Yield(); return x }

//asyncgo:async
func F(x int) int {
	y := f(1) + A(f(2)) + f(3)
	if x > 0 && A(x) > 1 {
		y++
	}
	return y
}
`, "F")
	if len(r.diags) > 0 {
		t.Fatal(r.diags)
	}
	var buf bytes.Buffer
	format.Node(&buf, token.NewFileSet(), u.body)
	got := buf.String()
	for _, want := range []string{"f(1)", "f(2)", "A(tmp", "f(3)", "tmp := x > 0", "if tmp {"} {
		i := strings.Index(got, want)
		if i < 0 {
			t.Fatalf("normalised body lacks %q:\n%s", want, got)
		}
		got = got[i:]
	}
	buf.Reset()
	format.Node(&buf, token.NewFileSet(), u.body)
	if !strings.Contains(buf.String(), "+ f(3)") {
		t.Errorf("f(3) comes after the last suspension and must stay in place:\n%s", buf.String())
	}
}

func TestBlocks(t *testing.T) {
	u, _, _ := stagesFor(t, `
//asyncgo:async
func F(n int) int {
	for i := 0; i < n; i++ {
		if i == 2 {
			continue
		}
		rt.Yield()
	}
	return n
}
`, "F")
	var awaits, ifs, rets int
	for _, b := range u.blocks {
		switch b.kind {
		case termAwait:
			awaits++
			if b.succs[0].resume != b.site || b.succs[0].id != b.id+1 {
				t.Errorf("resume block of b%d does not follow it", b.id)
			}
		case termIf:
			ifs++
		case termReturn:
			rets++
		}
	}
	if awaits != 1 || ifs != 1 || rets != 1 {
		t.Errorf("got %d awaits, %d ifs, %d returns; want 1 each", awaits, ifs, rets)
	}
	// The carried-over "if i == 2 { continue }" ends its block with a side exit.
	found := false
	for _, b := range u.blocks {
		if len(b.sides()) > 0 {
			found = true
		}
	}
	if !found {
		t.Error("no side exit for the carried-over continue")
	}
}

// TestHoisting asserts which locals become fields: only those live across
// a suspension point (and escaping ones); others stay locals of Poll.
func TestHoisting(t *testing.T) {
	u, l, r := stagesFor(t, `
func use(...int) {}

//asyncgo:async
func F(p int) int {
	a := 1       // live across the yield: field
	b := 2       // dead before the yield: local
	use(b)
	rt.Yield()
	c := a + p   // defined and used between yields: local
	use(c)
	d := 0       // address taken: field (boxed)
	q := &d
	use(*q)      // q itself is dead at the yield: local
	rt.Yield()
	for i := 0; i < 3; i++ { // i is live around the loop: field
		rt.Yield()
	}
	x := a
	{
		x := x + 1 // shadows x; declared in a carried-over block, so not a Poll local
		use(x)
	}
	return x
}
`, "F")
	if len(r.diags) > 0 {
		t.Fatal(r.diags)
	}
	var hoisted, locals []string
	for o := range u.hoisted {
		hoisted = append(hoisted, o.Name())
	}
	for _, v := range l.pollLocals {
		locals = append(locals, l.localOf[v])
	}
	sort.Strings(hoisted)
	sort.Strings(locals)
	if got, want := strings.Join(hoisted, " "), "a d i"; got != want {
		t.Errorf("hoisted %q, want %q", got, want)
	}
	if got, want := strings.Join(locals, " "), "b c q x_1"; got != want {
		t.Errorf("Poll locals %q, want %q", got, want)
	}
	for o := range u.hoisted {
		if o.Name() == "d" && !l.boxed[o] {
			t.Error("d is address-taken and must be boxed")
		}
	}
}

// TestMalformed feeds inputs that are broken or unsupported in many ways:
// translation must report diagnostics (or succeed), never panic.
func TestMalformed(t *testing.T) {
	for _, src := range malformedInputs {
		pkg, f := loadUnitQuiet(t, src)
		if f == nil {
			continue
		}
		out, _, diags := TranslateFile(pkg, f, Options{})
		if out != nil {
			if _, err := parser.ParseFile(token.NewFileSet(), "out.go", out, 0); err != nil {
				t.Errorf("input:\n%s\noutput does not parse: %v", src, err)
			}
		}
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Errorf("input:\n%s\ninternal error: %s", src, d)
			}
		}
	}
}

var malformedInputs = []string{
	"",
	"package",
	"//go:build asyncsrc\n\npackage unit\nfunc",
	"//go:build asyncsrc\n\npackage unit\n//asyncgo:async\nfunc F() { undefined() }",
	"//go:build asyncsrc\n\npackage unit\n//asyncgo:async\nfunc F()",
	"//go:build asyncsrc\n\npackage unit\n//asyncgo:async\nfunc F() int { for {} }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() int { for { rt.Yield() } }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { return; rt.Yield() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F(int, _ string) (int, error) { rt.Yield(); return 0, nil }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F[T any](x T) T { rt.Yield(); return x }\n//asyncgo:async\nfunc G() int { return F(1) + F[int](2) }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\ntype T struct{}\n//asyncgo:async\nfunc (T) M() { rt.Yield() }\n//asyncgo:async\nfunc G(t T) { t.M(); (&t).M() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { type L int; var x L; rt.Yield(); _ = x }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F(ch chan int) { ch <- len(rt.Await(rt.Spawn(func() string { return \"\" }))); <-ch; rt.Yield() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { goto L; L: rt.Yield() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() (a, b int) { a, b = b, a; rt.Yield(); return b, a }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\nvar x = rt.Yield\n//asyncgo:async\nfunc F() { x(); var f func() = rt.Yield; f() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { var a [3]int; s := a[:]; rt.Yield(); s[0]++ }",
	"//go:build asyncsrc\n\npackage unit\nimport . \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { Yield() }",
	"//go:build asyncsrc\n\npackage unit\nimport \"github.com/asyncgo/asyncgo/rt\"\n//asyncgo:async\nfunc F() { for i := range 3 { _ = i }; switch { case true: rt.Yield() } }",
}

// TestLowerDirective checks that a closure-taking function with an
// //asyncgo:lower directive is called through its companion when its
// closure argument is an async literal, and as is otherwise.
func TestLowerDirective(t *testing.T) {
	pkg, f := loadUnit(t, unitHeader+`
// with runs f.
//
//asyncgo:lower withFuture
func with(tag string, f func() int) int { return f() }

func withFuture[F any, PF rt.FuturePtr[F, int]](tag string, f F) int {
	rt.BlockOn(PF(&f))
	return PF(&f).Result()
}

func main() {
	n := 2
	_ = with("a", func() int { rt.Yield(); return n })
	_ = with("b", func() int { return n })
}
`)
	out, _, diags := TranslateFile(pkg, f, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	src := string(out)
	for _, want := range []string{
		`withFuture[mainFunc1Future]("a", mainFunc1Async(&n))`,
		`with("b", func() int {`,
		"func mainFunc1Async(n *int) mainFunc1Future",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("output lacks %q:\n%s", want, src)
		}
	}
}

// TestSwitchBlocks checks the blocks of a lowered switch: one test per
// case expression in source order, the bodies after the tests, a
// fallthrough jumping to the next body, and the default taken last.
func TestSwitchBlocks(t *testing.T) {
	u, _, r := stagesFor(t, `
//asyncgo:async
func A(x int) int { rt.Yield(); return x }

//asyncgo:async
func F(x int) (s string) {
	switch A(x) {
	default:
		s = "d"
	case 1, A(2):
		s = "a"
		fallthrough
	case 3:
		s += "b"
	}
	return s
}
`, "F")
	if len(r.diags) > 0 {
		t.Fatal(r.diags)
	}
	var conds []string
	var fall bool
	for _, b := range u.blocks {
		if b.kind == termIf {
			var buf bytes.Buffer
			format.Node(&buf, token.NewFileSet(), b.cond)
			conds = append(conds, buf.String())
		}
		for _, s := range b.stmts {
			if as, ok := s.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && len(b.succs) == 1 {
				if lit, ok := as.Rhs[0].(*ast.BasicLit); ok && lit.Value == `"a"` && b.kind == termJump {
					// the body of case 1, A(2) falls through to the next body
					next := b.succs[0]
					if len(next.stmts) == 0 || next.stmts[0].(*ast.AssignStmt).Tok != token.ADD_ASSIGN {
						t.Errorf("fallthrough does not reach the body of case 3")
					}
					fall = true
				}
			}
		}
	}
	if got := strings.Join(conds, "; "); got != "tmp == 1; tmp == tmp; tmp == 3" {
		t.Errorf("tests %q", got)
	}
	if !fall {
		t.Error("no fallthrough jump found")
	}
}

// TestLabels checks goto and labeled break/continue: a forward goto, a
// labeled continue of an outer loop from inside a carried-over statement
// (a side exit), and a labeled break of a carried-over loop that keeps
// its label.
func TestLabels(t *testing.T) {
	u, l, r := stagesFor(t, `
//asyncgo:async
func F(n int) (k int) {
	goto start
start:
outer:
	for i := 0; i < n; i++ {
		rt.Yield()
		for j := 0; j < 3; j++ {
			if j == i {
				continue outer
			}
			k++
		}
	}
inner:
	for {
		break inner
	}
	return k
}
`, "F")
	if len(r.diags) > 0 {
		t.Fatal(r.diags)
	}
	_ = l
	side := 0
	for _, b := range u.blocks {
		side += len(b.sides())
	}
	if side != 1 {
		t.Errorf("%d side exits, want 1 (continue outer)", side)
	}
	var kept bool
	for _, b := range u.blocks {
		for _, s := range b.stmts {
			if ls, ok := s.(*ast.LabeledStmt); ok && ls.Label.Name == "inner" {
				kept = true
			}
		}
	}
	if !kept {
		t.Error("the carried-over loop lost the label its break refers to")
	}
	if len(u.labelBlock) != 3 {
		t.Errorf("%d label blocks, want 3", len(u.labelBlock))
	}
}

// TestStateSize asserts the fields and sizes of a few state structs:
// children of the same type share a field, locals of identical type whose
// lives do not overlap share one, a call in a recursive cycle keeps its
// child behind a pointer.
func TestStateSize(t *testing.T) {
	pkg, f := loadUnit(t, unitHeader+`
//asyncgo:async
func add(a, b int) int { rt.Yield(); return a + b }

//asyncgo:async
func Seq(x int) int {
	a := add(x, 1) + add(x, 2) // one child field for both
	b := add(a, 3)
	c := add(b, 4)             // only a temporary lives across a suspension
	return c
}

//asyncgo:async
func fib(n int) int {
	if n < 2 {
		rt.Yield()
		return n
	}
	return fib(n-1) + fib(n-2)
}
`)
	// Without inlining (inline.go), which would replace Seq's calls of
	// add by add's body.
	out, sizes, diags := TranslateFile(pkg, f, Options{NoInline: true})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := map[string]int64{"addFuture": 40, "SeqFuture": 72, "fibFuture": 48}
	for _, s := range sizes {
		if w, ok := want[s.Name]; ok && s.Size != w {
			t.Errorf("%s: %d bytes, want %d", s.Name, s.Size, w)
		}
		delete(want, s.Name)
	}
	if len(want) > 0 {
		t.Errorf("no sizes for %v", want)
	}
	src := string(out)
	for _, w := range []string{"child2 *fibFuture", "s.child2 = new(fibFuture)", "\ttmp    int\n\tchild1 addFuture\n}"} {
		if !strings.Contains(src, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// TestDeadFieldsZeroed checks that a pointer-bearing field whose local is
// dead at a suspension point is zeroed before the task parks there.
func TestDeadFieldsZeroed(t *testing.T) {
	pkg, f := loadUnit(t, unitHeader+`
func use(...any) {}

//asyncgo:async
func F() int {
	buf := make([]byte, 1<<20)
	rt.Yield()
	n := len(buf)
	rt.Yield()
	return n
}
`)
	out, _, diags := TranslateFile(pkg, f, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	src := string(out)
	i := strings.Index(src, " = len(s.buf)") // n: a field, or its cached local
	j := strings.Index(src, "s.buf = nil")
	k := strings.Index(src, "resume2:")
	if i < 0 || j < 0 || k < 0 || !(i < j && j < k) {
		t.Errorf("buf is not zeroed before the second suspension:\n%s", src)
	}
}

// TestRangeNormalise checks the lowering of range statements that
// suspend: the operand is evaluated once into a temporary, maps iterate
// over a snapshot of their keys with a presence check, strings decode a
// rune per iteration, a constant-length array range does not evaluate its
// operand, and iterator functions become pull iterators stopped by a
// deferred call.
func TestRangeNormalise(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"for k, v := range m { rt.Yield(); use(k, v) }", []string{"tmp := m", "Collect(Keys(tmp))", "tmp, tmp := tmp[tmp]", "if !tmp {\n\t\t\tcontinue", "k, v := tmp, tmp"}},
		{"for i, r := range str { rt.Yield(); use(i, r) }", []string{"tmp := str", "DecodeRuneInString(tmp[tmp:])", "tmp = tmp + tmp", "i, r := tmp, tmp"}},
		{"for i := range arr { rt.Yield(); use(i) }", []string{"_ = arr", "tmp < 3"}},
		{"for i, x := range arr { rt.Yield(); use(i, x) }", []string{"tmp := arr", "tmp < len(tmp)", "i, x := tmp, tmp[tmp]"}},
		{"for x := range seq { rt.Yield(); use(x) }", []string{"tmp, tmp := pull", "tmp := len(defers)", "defer tmp()", "if !tmp {\n\t\t\tbreak"}},
	} {
		u, _, r := stagesFor(t, `
func use(...any) {}

//asyncgo:async
func F(m map[string]int, str string, arr [3]int, seq func(func(int) bool)) {
	`+tc.src+`
}
`, "F")
		if len(r.diags) > 0 {
			t.Fatal(r.diags)
		}
		var buf bytes.Buffer
		format.Node(&buf, token.NewFileSet(), u.body)
		got := buf.String()
		for _, w := range tc.want {
			i := strings.Index(got, w)
			if i < 0 {
				t.Errorf("%s: normalised body lacks %q (in order):\n%s", tc.src, w, buf.String())
				break
			}
			got = got[i+len(w):]
		}
	}
}
