package transform

import (
	"slices"
	"strings"
	"testing"
)

// TestNeverSuspending checks which async functions are compiled as plain
// functions: only those that cannot reach a suspension point.
func TestNeverSuspending(t *testing.T) {
	pkg, _ := loadUnit(t, unitHeader+`
//asyncgo:async
func leaf(x int) int { return x * 2 }

//asyncgo:async
func caller(x int) int { return leaf(x) + leaf(x+1) }

//asyncgo:async
func even(n int) bool { if n == 0 { return true }; return odd(n - 1) }

//asyncgo:async
func odd(n int) bool { if n == 0 { return false }; return even(n - 1) }

//asyncgo:async
func deferring() (r int) { defer func() { recover(); r = 2 }(); defer leaf(3); panic("x") }

// A literal calling an async function is an async literal (conservative).
//asyncgo:async
func deferLit() (r int) { defer func() { r = leaf(1) }(); return 0 }

//asyncgo:async
func plainLit() func() int { return func() int { return 1 } }

//asyncgo:async
func yields() { rt.Yield() }

//asyncgo:async
func callsYields() int { yields(); return 1 }

//asyncgo:async
func deep() int { return callsYields() }

//asyncgo:async
func awaits() int { return rt.Await(rt.Spawn(func() int { return 1 })) }

//asyncgo:async
func goes() { go leaf(1) }

//asyncgo:async
func asyncLit() { f := func() int { return leaf(1) }; _ = f }

//asyncgo:async
func loopA(n int) int { if n < 0 { rt.Yield() }; return loopB(n) }

//asyncgo:async
func loopB(n int) int { if n == 0 { return 0 }; return loopA(n - 1) }
`)
	idx := newAsyncIndex(pkg.Fset, pkg.TypesInfo, pkg.Syntax)
	var got []string
	for fn := range neverSuspending(idx, pkg.TypesInfo) {
		got = append(got, fn.Name())
	}
	slices.Sort(got)
	want := []string{"caller", "deferring", "even", "leaf", "odd", "plainLit"}
	if !slices.Equal(got, want) {
		t.Errorf("never suspending: got %v, want %v", got, want)
	}
}

// TestInlineLayout checks that calls of a small async function are
// inlined (no child future of its type is left) without growing the
// caller's state struct.
func TestInlineLayout(t *testing.T) {
	pkg, f := loadUnit(t, unitHeader+`
//asyncgo:async
func add(a, b int) int { rt.Yield(); return a + b }

//asyncgo:async
func Seq(x int) int {
	a := add(x, 1) + add(x, 2)
	b := add(a, 3)
	c := add(b, 4)
	return c
}
`)
	sizeOf := func(opts Options) (int64, string) {
		out, sizes, diags := TranslateFile(pkg, f, opts)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		for _, s := range sizes {
			if s.Name == "SeqFuture" {
				return s.Size, string(out)
			}
		}
		t.Fatal("no size for SeqFuture")
		return 0, ""
	}
	plain, _ := sizeOf(Options{NoInline: true})
	inlined, src := sizeOf(Options{})
	if inlined > plain {
		t.Errorf("SeqFuture: %d bytes inlined, %d not inlined", inlined, plain)
	}
	if strings.Contains(src, "child1 addFuture") || !strings.Contains(src, "asyncgen_inl") && !strings.Contains(src, "rt.YieldFuture") {
		t.Errorf("add was not inlined into Seq:\n%s", src)
	}
}
