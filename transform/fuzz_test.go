package transform

import (
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncgo/asyncgo/internal/progen"
)

// FuzzTranslate checks that the front end never panics (nor reports an
// internal error) on arbitrary source text, and that whatever it emits
// parses. Run with: go test ./transform -fuzz FuzzTranslate
func FuzzTranslate(f *testing.F) {
	for _, s := range malformedInputs {
		f.Add(s)
	}
	cases, _ := filepath.Glob("../testdata/*/main.go")
	if *knownBugs {
		// The pending cases include reproducers of compiler crashes.
		pending, _ := filepath.Glob("testdata/pending/*/main.go")
		cases = append(cases, pending...)
	}
	for _, s := range []uint64{1, 2, 3} {
		// Generated programs using every construct, supported or not.
		f.Add(strings.Replace(string(progen.Generate(progen.Config{Seed: s, Features: progen.All})), "package main", "package unit", 1))
	}
	for _, src := range unsupportedInputs {
		f.Add(src)
	}
	if *knownBugs {
		for _, src := range knownBugInputs {
			f.Add(src)
		}
	}
	for _, c := range cases {
		if data, err := os.ReadFile(c); err == nil {
			f.Add(strings.Replace(string(data), "package main", "package unit", 1))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		pkg, file := fastLoad(t, src)
		if file == nil {
			return
		}
		out, _, diags := TranslateFile(pkg, file, Options{})
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("internal error: %s", d)
			}
		}
		if out != nil {
			if _, err := parser.ParseFile(token.NewFileSet(), "out.go", out, 0); err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out)
			}
		}
	})
}

// unsupportedInputs are small programs around the edges of what asyncgen
// accepts: each must be translated or diagnosed, never crash it.
var unsupportedInputs = []string{
	unitHeader + "//asyncgo:async\nfunc F(ch chan int) { select { case <-ch: rt.Yield() } }",
	unitHeader + "//asyncgo:async\nfunc F() { f := func() { rt.Yield() }; f() }",
	unitHeader + "//asyncgo:async\nfunc F() { defer rt.Yield() }",
	unitHeader + "//asyncgo:async\nfunc F() { defer func() { rt.Yield() }() }",
	unitHeader + "//asyncgo:async\nfunc F() { go func() { rt.Yield() }() ; rt.Yield() }",
	unitHeader + "//asyncgo:async\nfunc F() int { L: for { switch { case true: rt.Yield(); break L } }; return 1 }",
	unitHeader + "//asyncgo:async\nfunc F() { goto L; { L: rt.Yield() } }",
	unitHeader + "//asyncgo:async\nfunc F() { for i := range 3 { defer func() { _ = i }(); rt.Yield() } }",
	unitHeader + "//asyncgo:async\nfunc F() (r int) { defer func() { r = recover().(int) }(); rt.Yield(); panic(1) }",
	unitHeader + "//asyncgo:async\nfunc F(x any) { switch y := x.(type) { case int: rt.Yield(); _ = y; fallthrough; default: } }",
	unitHeader + "//asyncgo:async\nfunc F(x any) { switch y := x.(type) { case int, string: rt.Yield(); _ = y } }",
	unitHeader + "//asyncgo:async\nfunc F(m map[int]int) { for k, v := range m { rt.Yield(); delete(m, k+v) } }",
	unitHeader + "//asyncgo:async\nfunc F(s []int) { for i := range s { s[i] = G(i) } }\n//asyncgo:async\nfunc G(i int) int { return F2(i) }\n//asyncgo:async\nfunc F2(i int) int { rt.Yield(); return i }",
	unitHeader + "//asyncgo:async\nfunc F(n int) int { if n == 0 { return 0 }; return F(n-1) }",
	unitHeader + "//asyncgo:async\nfunc F(n int) int { return G(n) }\n//asyncgo:async\nfunc G(n int) int { return F(n) }",
	unitHeader + "type T[X any] struct{ x X }\n//asyncgo:async\nfunc (t *T[X]) M() X { rt.Yield(); return t.x }\n//asyncgo:async\nfunc F() int { var t T[int]; return t.M() }",
	unitHeader + "//asyncgo:async\nfunc F[T any](x T) func() T { return func() T { rt.Yield(); return x } }",
	unitHeader + "//asyncgo:async\nfunc F() { var a [2]int; a[G()] = G() }\n//asyncgo:async\nfunc G() int { rt.Yield(); return 0 }",
	unitHeader + "//asyncgo:async\nfunc F() { x := 0; p := &x; *p, x = G(), G() }\n//asyncgo:async\nfunc G() int { rt.Yield(); return 0 }",
	unitHeader + "//asyncgo:async\nfunc F() { const c = 1; type t int; var x t = c; rt.Yield(); _ = x }",
	unitHeader + "//asyncgo:async\nfunc F(xs ...int) int { rt.Yield(); return len(xs) }\n//asyncgo:async\nfunc G() int { return F() + F(1) + F([]int{1}...) }",
	unitHeader + "//asyncgo:async\nfunc F() { for { rt.Yield(); break }; for ; ; rt.Yield() { return } }",
	unitHeader + "//asyncgo:async\nfunc F(ok bool) { var t T; _ = ok && t.M() }\ntype T struct{}\n//asyncgo:async\nfunc (T) M() bool { rt.Yield(); return true }",
	unitHeader + "//asyncgo:async\nfunc F() { _ = rt.Await(rt.Spawn(func() int { rt.Yield(); return rt.Await(rt.Spawn(func() int { rt.Yield(); return 1 })) })) }",
	unitHeader + "//asyncgo:async\nfunc F() { for i := 0; i < 3; i++ { go func() { rt.Yield(); _ = i }() } }",
	unitHeader + "//asyncgo:async\nfunc F(it func(func(int) bool)) { for x := range it { rt.Yield(); if x > 0 { return } } }",
	unitHeader + "//asyncgo:async\nfunc F(s string) { for i, r := range s { rt.Yield(); _, _ = i, r } }",
	unitHeader + "//asyncgo:async\nfunc F() { var f func(); defer f(); rt.Yield() }",
	unitHeader + "//asyncgo:async\nfunc F() { L: rt.Yield(); goto L }",
	// Formerly crashed the front end (internal error: types.Sizes assertion
	// on the untyped nil argument).
	unitHeader + "//asyncgo:async\nfunc F() { rt.Await[int](nil) }",
	// Formerly a stack overflow in blocks.go: a carried-over labeled loop
	// whose body breaks to its label.
	unitHeader + "//asyncgo:async\nfunc F() { rt.Yield(); L: for i := 0; i < 3; i++ { if i == 1 { break L } } }",
}

// knownBugs adds the inputs of known front-end crashes to FuzzTranslate's
// seed corpus (they fail until the compiler is fixed).
var knownBugs = flag.Bool("knownbugs", false, "also run inputs that reproduce known asyncgen crashes")

// knownBugInputs crash the front end (or make it report an internal
// error) today; move an input to unsupportedInputs once it is fixed.
var knownBugInputs = []string{}

// TestProgenFrontEnd translates generated programs that use every
// construct progen knows, supported or not: asyncgen must translate or
// diagnose them, never panic or report an internal error, and what it
// writes must parse. (TestProgen checks the supported subset end to end.)
func TestProgenFrontEnd(t *testing.T) {
	n := 20
	if testing.Short() {
		n = 5
	}
	for i := 0; i < n; i++ {
		cfg := progen.Config{Seed: uint64(1000 + i*50), Units: 25, Features: progen.All}
		t.Run(fmt.Sprint("seed", cfg.Seed), func(t *testing.T) {
			src := progen.Generate(cfg)
			pkg, file := fastLoad(t, strings.Replace(string(src), "package main", "package unit", 1))
			if file == nil {
				t.Fatalf("generated program does not load")
			}
			if len(pkg.Errors) > 0 {
				t.Fatalf("generated program does not type-check (a progen bug): %v", pkg.Errors)
			}
			out, _, diags := TranslateFile(pkg, file, Options{})
			for _, d := range diags {
				if strings.Contains(d.Msg, "internal error") {
					t.Errorf("internal error: %s", d)
				}
			}
			if out != nil {
				if _, err := parser.ParseFile(token.NewFileSet(), "out.go", out, 0); err != nil {
					t.Errorf("output does not parse: %v", err)
				}
			}
		})
	}
}
