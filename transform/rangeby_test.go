package transform

import (
	"bytes"
	"go/format"
	"go/token"
	"strings"
	"testing"
)

const rangeBySrc = `
type seq func(func(int) bool)

type q struct{}

//asyncgo:range next
func (p *q) All(n int) seq { return nil }

//asyncgo:async
func (p *q) next(n int) (int, bool) { rt.Yield(); return n, false }

func (p *q) m(a, b int) {}

func use(...any) {}

func lim() int { return 3 }

//asyncgo:async
func mk() *q { rt.Yield(); return nil }

//asyncgo:async
func val() int { rt.Yield(); return 1 }

//asyncgo:async
func R(p *q, v q) {
	for x := range p.All(lim()) {
		use(x)
	}
	for range v.All(1) {
	}
}

//asyncgo:async
func D() {
	defer mk().m(lim(), val())
	defer use(lim())
}
`

// normalised returns the normalised body of name in rangeBySrc.
func normalised(t *testing.T, name string) (*unit, string) {
	t.Helper()
	u, _, r := stagesFor(t, rangeBySrc, name)
	if len(r.diags) > 0 {
		t.Fatal(r.diags)
	}
	var buf bytes.Buffer
	format.Node(&buf, token.NewFileSet(), u.body)
	return u, buf.String()
}

func inOrder(t *testing.T, got string, want ...string) {
	t.Helper()
	rest := got
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("normalised body lacks %q (in order):\n%s", w, got)
			return
		}
		rest = rest[i+len(w):]
	}
}

// TestRangeByNormalise checks the lowering of a range over an iterator
// method with //asyncgo:range: receiver (by address for a value) and
// arguments evaluated once, then a loop on the step method, each step a
// registered suspension point, even with a body that does not suspend.
func TestRangeByNormalise(t *testing.T) {
	u, got := normalised(t, "R")
	inOrder(t, got, "tmp := p", "tmp := lim()", "tmp, tmp := tmp.next(tmp)", "if !tmp {\n\t\t\tbreak", "x := tmp", "use(x)",
		"tmp := &v", "tmp := 1", "_, tmp := tmp.next(tmp)")
	if len(u.sites) != 2 {
		t.Errorf("%d suspension points, want 2 (the steps)", len(u.sites))
	}
	if strings.Contains(got, "All(") {
		t.Errorf("the iterator method is called:\n%s", got)
	}
}

// TestDeferArgNormalise checks that the callee, receiver and arguments
// of a deferred call are spilled before the defer statement, in order.
func TestDeferArgNormalise(t *testing.T) {
	u, got := normalised(t, "D")
	inOrder(t, got, "tmp := mk()", "tmp := lim()", "tmp := val()", "defer tmp.m(tmp, tmp)", "defer use(lim())")
	if len(u.sites) != 2 {
		t.Errorf("%d suspension points, want 2", len(u.sites))
	}
}
