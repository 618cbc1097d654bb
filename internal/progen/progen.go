// Package progen generates random, well-typed, terminating asyncgo
// programs for differential testing of asyncgen: each program is an
// asyncsrc main package whose async functions mix nested control flow,
// closures and suspension points in many expression positions, and which
// prints a deterministic trace (every value computed, in the order it is
// computed). Built with -tags asyncsrc and compiled by asyncgen, the two
// builds must print the same trace.
//
// A program is made of independent units. Unit k of a program generated
// with seed S is the same as the only unit of the program generated with
// seed S+k, so a unit whose traces differ can be cut out of a large
// program into a small standalone reproducer (Config.Single).
//
// The constructs used are chosen by Config.Features, so the generator can
// follow the compiler: the default set is what asyncgen compiles today, and
// features it does not compile yet can be turned on to produce targets.
package progen

import (
	"bytes"
	"fmt"
	"go/format"
	"math/rand/v2"
	"strings"
)

// Feature is a set of language constructs a generated program may use.
type Feature uint32

// The features a generated program may use.
const (
	// If: if / else if / else chains, with init statements.
	If Feature = 1 << iota
	// For: three-clause, condition-only and infinite for loops with
	// unlabelled break and continue.
	For
	// Closures: func literals (without suspension points) capturing
	// variables, called later; and async literals in rt.Spawn + rt.Await.
	Closures
	// AndOr: && and || with suspension points on either side.
	AndOr
	// Multi: multi-value suspending calls in definitions and assignments.
	Multi
	// Composite: suspension points in slice literals and index expressions.
	Composite
	// Switch: expression and tagless switches (with fallthrough and
	// default anywhere) containing suspension points.
	Switch
	// Labels: labelled loops with break/continue to outer loops.
	Labels
	// Range: range over ints, slices and strings, with suspension points
	// in the body.
	Range
	// Defer: deferred calls and closures (changing the named result),
	// in functions with suspension points.
	Defer
	// Goto: forward gotos skipping statements.
	Goto
	// LoopCapture: closures capturing loop variables of loops that suspend.
	LoopCapture
	// DeadCode: statements made unreachable by branches (a loop body
	// that always breaks, so that its post statement is dead; code after
	// an if whose branches all return).
	DeadCode
	// RangeFunc: range over iterator functions with suspension points in
	// the body.
	RangeFunc
	// Panic: functions that defer a recovering closure and panic
	// conditionally (after suspension points, inside loops and switches).
	Panic
	// ShortCircuitPlain: plain calls with side effects in the right
	// operand of && and || inside expressions that suspend.
	ShortCircuitPlain
)

// Supported is the feature set asyncgen compiles today. Not in it:
// LoopCapture (diagnosed) and RangeFunc (labelled branches out of a range
// over an iterator function are diagnosed).
const Supported = If | For | Closures | AndOr | Multi | Composite | Switch | Labels | Range | Goto |
	Defer | DeadCode | ShortCircuitPlain | Panic

// All is every feature.
const All = Supported | Switch | Labels | Range | Defer | Goto | LoopCapture | DeadCode | ShortCircuitPlain | RangeFunc | Panic

var featureNames = []struct {
	f    Feature
	name string
}{
	{If, "if"}, {For, "for"}, {Closures, "closures"}, {AndOr, "andor"}, {Multi, "multi"},
	{Composite, "composite"}, {Switch, "switch"}, {Labels, "labels"}, {Range, "range"},
	{Defer, "defer"}, {Goto, "goto"}, {LoopCapture, "loopcapture"}, {DeadCode, "deadcode"}, {ShortCircuitPlain, "scplain"}, {RangeFunc, "rangefunc"}, {Panic, "panic"},
}

// String lists the features, comma-separated.
func (f Feature) String() string {
	var names []string
	for _, n := range featureNames {
		if f&n.f != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParseFeatures parses a comma-separated list of feature names; "supported"
// and "all" name the sets of those names, and a leading "-" removes a
// feature ("all,-goto").
func ParseFeatures(s string) (Feature, error) {
	var f Feature
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		neg := strings.HasPrefix(w, "-")
		w = strings.TrimPrefix(w, "-")
		var g Feature
		switch w {
		case "supported":
			g = Supported
		case "all":
			g = All
		default:
			for _, n := range featureNames {
				if n.name == w {
					g = n.f
				}
			}
			if g == 0 {
				return 0, fmt.Errorf("progen: unknown feature %q", w)
			}
		}
		if neg {
			f &^= g
		} else {
			f |= g
		}
	}
	return f, nil
}

// Config says what to generate.
type Config struct {
	// Seed determines the program.
	Seed uint64
	// Units is the number of independent units (default 1).
	Units int
	// Funcs is the number of async functions per unit (default 4).
	Funcs int
	// Stmts bounds the statements of one function body (default 12).
	Stmts int
	// Depth bounds the nesting of statements and expressions (default 3).
	Depth int
	// Features selects the constructs (default Supported).
	Features Feature
}

func (c Config) norm() Config {
	if c.Units <= 0 {
		c.Units = 1
	}
	if c.Funcs <= 0 {
		c.Funcs = 4
	}
	if c.Stmts <= 0 {
		c.Stmts = 12
	}
	if c.Depth <= 0 {
		c.Depth = 3
	}
	if c.Features == 0 {
		c.Features = Supported
	}
	return c
}

// Single returns the configuration of a one-unit program equal to unit k
// of the program c generates.
func (c Config) Single(k int) Config {
	c = c.norm()
	c.Seed += uint64(k)
	c.Units = 1
	return c
}

// UnitMarker is the line a program prints before the trace of unit k.
func UnitMarker(k int) string { return fmt.Sprintf("== unit %d", k) }

// Generate returns the source of a program: a main package built with the
// asyncsrc tag, gofmt-formatted.
func Generate(c Config) []byte {
	c = c.norm()
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "// Generated by progen: seed %d, %d unit(s), features %s.\npackage main\n\n", c.Seed, c.Units, c.Features)
	b.WriteString(prelude)
	for k := 0; k < c.Units; k++ {
		g := &gen{cfg: c, rng: rand.New(rand.NewPCG(c.Seed+uint64(k), 0x70726f67656e)), unit: k}
		g.unitFuncs(&b)
	}
	b.WriteString("func main() {\n")
	for k := 0; k < c.Units; k++ {
		fmt.Fprintf(&b, "\tfmt.Println(%q)\n\tu%dmain()\n", UnitMarker(k), k)
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		panic(fmt.Sprintf("progen: generated source does not parse: %v\n%s", err, b.Bytes()))
	}
	return out
}

// File is one file of a generated package.
type File struct {
	Name string
	Src  []byte
}

// GeneratePackage returns the program c describes split into files files
// (at least 1): main.go holds the shared leaves and main, and the units
// are spread over the others. It is the same program as Generate's.
func GeneratePackage(c Config, files int) []File {
	c = c.norm()
	if files < 2 {
		return []File{{"main.go", Generate(c)}}
	}
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "// Generated by progen: seed %d, %d unit(s), features %s.\npackage main\n\n", c.Seed, c.Units, c.Features)
	b.WriteString(prelude)
	b.WriteString("func main() {\n")
	for k := 0; k < c.Units; k++ {
		fmt.Fprintf(&b, "\tfmt.Println(%q)\n\tu%dmain()\n", UnitMarker(k), k)
	}
	b.WriteString("}\n")
	out := []File{{"main.go", mustFormat(b.Bytes())}}
	per := (c.Units + files - 2) / (files - 1)
	for f := 0; f < files-1; f++ {
		b.Reset()
		b.WriteString(header)
		b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/asyncgo/asyncgo/rt\"\n)\n\n")
		n := 0
		for k := f * per; k < (f+1)*per && k < c.Units; k++ {
			g := &gen{cfg: c, rng: rand.New(rand.NewPCG(c.Seed+uint64(k), 0x70726f67656e)), unit: k}
			g.unitFuncs(&b)
			n++
		}
		if n == 0 {
			break
		}
		out = append(out, File{fmt.Sprintf("units%d.go", f), mustFormat(b.Bytes())})
	}
	return out
}

func mustFormat(src []byte) []byte {
	out, err := format.Source(src)
	if err != nil {
		panic(fmt.Sprintf("progen: generated source does not parse: %v\n%s", err, src))
	}
	return out
}

// header starts every generated program. The go:generate line is split so
// that go generate, which scans files as text (strings included), does not
// take it for a directive of this file.
const header = "//go:build asyncsrc\n\n" +
	"//go:" + "generate go run github.com/asyncgo/asyncgo/cmd/asyncgen\n\n"

// prelude holds the leaves every unit uses: y and yb suspend and record
// their value, p records evaluation order without suspending, y2 is a
// multi-value suspending call, sq an iterator.
const prelude = `import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

var _ = rt.Yield

//asyncgo:async
func y(id, v int) int {
	rt.Yield()
	fmt.Println("y", id, v)
	return v
}

//asyncgo:async
func yb(id int, v bool) bool {
	rt.Yield()
	fmt.Println("yb", id, v)
	return v
}

//asyncgo:async
func y2(id, a, b int) (int, int) {
	rt.Yield()
	fmt.Println("y2", id, a, b)
	return b, a
}

func p(id, v int) int {
	fmt.Println("p", id, v)
	return v
}

func m(v int) int { return v % 1000 }

func sq(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i * i) {
				return
			}
		}
	}
}

`

// variable is an int variable in scope.
type variable struct {
	name     string
	ro       bool // a loop counter or range variable: not assigned
	loopVar  bool // declared by a loop that may suspend (capture is LoopCapture)
	declared int  // index in the scope's list of declarations needing use
}

type loop struct {
	label   string // "" until a labelled branch needs it
	used    bool   // a labelled branch targets it
	counter string
}

type gen struct {
	cfg    Config
	rng    *rand.Rand
	unit   int
	fn     int
	id     int // trace ids
	vars   []variable
	loops  []*loop
	nLabel int
	nVar   int
	stmts  int  // remaining statement budget of the function
	calls  int  // calls of the unit's other functions left in this function
	noP    int  // > 0: no p() calls (right operands of && and ||, without ShortCircuitPlain)
	recov  bool // the function defers a recovering closure: it may panic
	gotoN  int
	lines  []string
	indent int
}

func (g *gen) has(f Feature) bool { return g.cfg.Features&f != 0 }
func (g *gen) n(k int) int        { return g.rng.IntN(k) }
func (g *gen) chance(p int) bool  { return g.rng.IntN(100) < p }
func (g *gen) nextID() int        { g.id++; return g.id }

func (g *gen) emit(format string, args ...any) {
	g.lines = append(g.lines, strings.Repeat("\t", g.indent)+fmt.Sprintf(format, args...))
}

func (g *gen) fname(k int) string { return fmt.Sprintf("u%df%d", g.unit, k) }

func (g *gen) newVar() string {
	g.nVar++
	return fmt.Sprintf("v%d", g.nVar)
}

// unitFuncs writes the async functions of one unit and its entry point.
func (g *gen) unitFuncs(b *bytes.Buffer) {
	for k := 0; k < g.cfg.Funcs; k++ {
		g.fn = k
		g.function(b, k)
	}
	fmt.Fprintf(b, "func u%dmain() {\n", g.unit)
	last := g.fname(g.cfg.Funcs - 1)
	fmt.Fprintf(b, "\tfmt.Println(\"result\", %s(%d, %d))\n", last, g.n(10), g.n(10))
	fmt.Fprintf(b, "\tfor i := 0; i < %d; i++ {\n\t\tfmt.Println(\"result\", %s(i, %d))\n\t}\n", 1+g.n(2), g.fname(g.n(g.cfg.Funcs)), g.n(5))
	fmt.Fprintf(b, "\trt.Run(func() {\n\t\tfmt.Println(\"in Run\", %s(%d, %d))\n\t})\n", last, g.n(10), g.n(10))
	b.WriteString("}\n\n")
}

// function writes async function k of the unit: func ukfk(a, b int) (r int).
func (g *gen) function(b *bytes.Buffer, k int) {
	g.vars = []variable{{name: "a"}, {name: "b"}, {name: "r"}}
	g.loops = nil
	g.lines = nil
	g.indent = 1
	g.nVar = 0
	g.nLabel = 0
	g.stmts = g.cfg.Stmts
	g.calls = 2
	fmt.Fprintf(b, "//asyncgo:async\nfunc %s(a, b int) (r int) {\n", g.fname(k))
	g.recov = false
	if g.has(Panic) && g.chance(50) {
		g.recov = true
		g.emit("defer func() {")
		g.emit("\tif v := recover(); v != nil {")
		g.emit("\t\tfmt.Println(\"recovered\", %d, v, r)", g.nextID())
		g.emit("\t\tr = -r - 1")
		g.emit("\t}")
		g.emit("}()")
	}
	if g.has(Defer) && g.chance(50) {
		g.deferStmt()
	}
	g.block(g.cfg.Depth, false)
	g.emit("return m(%s)", g.expr(2))
	for _, l := range g.lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString("}\n\n")
}

// block emits a sequence of statements in a new scope; if mayBranch, it
// may end in a branch (return, break, continue), and reports whether it
// does.
func (g *gen) block(depth int, mayBranch bool) bool {
	mark := len(g.vars)
	n := 1 + g.n(4)
	for i := 0; i < n && g.stmts > 0; i++ {
		g.stmt(depth)
	}
	// Use every variable declared in this scope (Go rejects unused ones),
	// and record its final value.
	var names []string
	for _, v := range g.vars[mark:] {
		if v.declared > 0 {
			names = append(names, v.name)
		}
	}
	if len(names) > 0 {
		g.emit("fmt.Println(\"vars\", %d, %s)", g.nextID(), strings.Join(names, ", "))
	}
	g.vars = g.vars[:mark]
	if mayBranch && g.chance(30) {
		g.branch()
		return true
	}
	return false
}

// branch emits a return, or a break or continue of an enclosing loop.
func (g *gen) branch() {
	if len(g.loops) == 0 || g.chance(20) {
		g.emit("return %s", g.expr(1))
		return
	}
	// Pick a loop: the innermost, or (with Labels) an outer one.
	i := len(g.loops) - 1
	if g.has(Labels) && i > 0 && g.chance(50) {
		i = g.n(len(g.loops))
	}
	l := g.loops[i]
	kw := "break"
	if g.chance(50) {
		kw = "continue"
	}
	if i == len(g.loops)-1 && !g.chance(20) {
		g.emit("%s", kw)
		return
	}
	if !g.has(Labels) {
		g.emit("%s", kw)
		return
	}
	if l.label == "" {
		g.nLabel++
		l.label = fmt.Sprintf("L%d", g.nLabel)
	}
	l.used = true
	g.emit("%s %s", kw, l.label)
}

func (g *gen) assignable() []string {
	var out []string
	for _, v := range g.vars {
		if !v.ro {
			out = append(out, v.name)
		}
	}
	return out
}

func (g *gen) stmt(depth int) {
	g.stmts--
	type choice struct {
		w int
		f func()
	}
	var cs []choice
	add := func(w int, f func()) { cs = append(cs, choice{w, f}) }
	add(4, func() { // declaration
		name := g.newVar()
		g.emit("%s := %s", name, g.expr(2))
		g.vars = append(g.vars, variable{name: name, declared: 1})
	})
	add(4, func() { // assignment
		vs := g.assignable()
		v := vs[g.n(len(vs))]
		op := []string{"=", "+=", "-=", "*="}[g.n(4)]
		g.emit("%s %s %s", v, op, g.expr(2))
		if op == "*=" {
			g.emit("%s = m(%s)", v, v)
		}
	})
	add(2, func() { g.emit("fmt.Println(\"t\", %d, %s)", g.nextID(), g.expr(2)) })
	add(1, func() { g.emit("rt.Yield()") })
	if g.has(Multi) {
		add(2, func() {
			vs := g.assignable()
			x, z := vs[g.n(len(vs))], vs[g.n(len(vs))]
			if x == z && g.chance(50) {
				z = "_"
			} else if x == z {
				n1, n2 := g.newVar(), g.newVar()
				g.emit("%s, %s := y2(%d, %s, %s)", n1, n2, g.nextID(), g.expr(1), g.expr(1))
				g.vars = append(g.vars, variable{name: n1, declared: 1}, variable{name: n2, declared: 1})
				return
			}
			g.emit("%s, %s = y2(%d, %s, %s)", x, z, g.nextID(), g.expr(1), g.expr(1))
		})
	}
	if depth > 0 {
		if g.has(If) {
			add(4, func() { g.ifStmt(depth) })
		}
		if g.has(For) {
			add(3, func() { g.forStmt(depth) })
		}
		if g.has(Switch) {
			add(3, func() { g.switchStmt(depth) })
		}
		if g.has(Range) {
			add(3, func() { g.rangeStmt(depth) })
		}
	}
	if g.has(Closures) {
		add(2, func() { g.closure() })
		add(1, func() { g.spawn() })
	}
	if g.has(Defer) {
		add(1, func() { g.deferStmt() })
	}
	if g.has(Goto) {
		add(1, func() { g.gotoStmt() })
	}
	if g.recov {
		add(1, func() {
			g.emit("if %s {", g.cond(1))
			g.emit("\tpanic(fmt.Sprint(\"boom\", %d, %s))", g.nextID(), g.expr(1))
			g.emit("}")
		})
	}
	if g.has(Composite) {
		add(2, func() {
			name := g.newVar()
			g.emit("%s := []int{%s, %s, %s}", name, g.expr(1), g.expr(1), g.expr(1))
			g.emit("%s[%s&1] += %s[(%s&1)+1]", name, g.pureExpr(), name, g.expr(1))
			g.emit("fmt.Println(\"slice\", %d, %s, len(%s))", g.nextID(), name, name)
		})
	}
	total := 0
	for _, c := range cs {
		total += c.w
	}
	x := g.n(total)
	for _, c := range cs {
		if x < c.w {
			c.f()
			return
		}
		x -= c.w
	}
}

func (g *gen) ifStmt(depth int) {
	init := ""
	if g.chance(25) {
		name := g.newVar()
		init = fmt.Sprintf("%s := %s; ", name, g.expr(1))
		g.vars = append(g.vars, variable{name: name})
		defer func() { g.vars = g.vars[:len(g.vars)-1] }()
		g.emit("if %s%s < %s {", init, name, g.expr(1))
	} else {
		g.emit("if %s {", g.cond(2))
	}
	g.indent++
	all := g.block(depth-1, true)
	g.indent--
	for g.chance(40) {
		g.emit("} else if %s {", g.cond(2))
		g.indent++
		all = g.block(depth-1, true) && all
		g.indent--
	}
	if g.chance(50) {
		g.emit("} else {")
		g.indent++
		// Without DeadCode, the else does not branch when all the other
		// branches do: the code after the if stays reachable.
		g.block(depth-1, g.has(DeadCode) || !all)
		g.indent--
	}
	g.emit("}")
}

// loopBody emits a loop body with l pushed, and the label if it was used.
func (g *gen) loopBody(depth int, l *loop, head string, prologue func()) {
	at := len(g.lines)
	g.emit("%s {", head)
	g.loops = append(g.loops, l)
	g.indent++
	if prologue != nil {
		prologue()
	}
	// Without DeadCode, the body does not end in a branch (which would
	// make the post statement and the condition unreachable).
	g.block(depth-1, g.has(DeadCode))
	g.indent--
	g.loops = g.loops[:len(g.loops)-1]
	g.emit("}")
	if l.used {
		g.lines[at] = strings.Repeat("\t", g.indent) + l.label + ":\n" + g.lines[at]
	}
}

func (g *gen) forStmt(depth int) {
	bound := 1 + g.n(3)
	c := g.newVar()
	l := &loop{counter: c}
	ro := variable{name: c, ro: true, loopVar: true}
	switch g.n(3) {
	case 0: // three-clause
		cond := fmt.Sprintf("%s < %d", c, bound)
		if g.chance(40) {
			cond = fmt.Sprintf("yb(%d, %s < %d)", g.nextID(), c, bound)
		}
		post := c + "++"
		if g.chance(30) {
			post = fmt.Sprintf("%s = y(%d, %s+1)", c, g.nextID(), c)
		}
		g.vars = append(g.vars, ro)
		g.loopBody(depth, l, fmt.Sprintf("for %s := 0; %s; %s", c, cond, post), nil)
		g.vars = g.vars[:len(g.vars)-1]
	case 1: // condition only: the counter is incremented first thing
		g.emit("%s := 0", c)
		cond := fmt.Sprintf("%s < %d", c, bound)
		if g.chance(40) {
			cond = fmt.Sprintf("y(%d, %s) < %d", g.nextID(), c, bound)
		}
		g.vars = append(g.vars, ro)
		g.loopBody(depth, l, "for "+cond, func() { g.emit("%s++", c) })
		g.vars = g.vars[:len(g.vars)-1]
		g.emit("_ = %s", c)
	default: // infinite
		g.emit("%s := 0", c)
		g.vars = append(g.vars, ro)
		g.loopBody(depth, l, "for", func() {
			g.emit("%s++", c)
			g.emit("if %s > %d {", c, bound)
			g.emit("\tbreak")
			g.emit("}")
		})
		g.vars = g.vars[:len(g.vars)-1]
	}
}

func (g *gen) rangeStmt(depth int) {
	k := g.newVar()
	v := g.newVar()
	l := &loop{}
	var head string
	vars := []variable{{name: k, ro: true, loopVar: true}, {name: v, ro: true, loopVar: true}}
	kinds := 3
	if g.has(RangeFunc) {
		kinds = 4
	}
	switch g.n(kinds) {
	case 0:
		head = fmt.Sprintf("for %s := range %d", k, 1+g.n(3))
		vars = vars[:1]
	case 1:
		head = fmt.Sprintf("for %s, %s := range []int{%s, %s, %s}", k, v, g.expr(1), g.expr(1), g.expr(1))
	case 2:
		head = fmt.Sprintf("for %s, %s := range \"a\\xffé%d\"", k, v, g.n(10))
		vars[1] = variable{name: "int(" + v + ")", ro: true, loopVar: true}
	default:
		head = fmt.Sprintf("for %s := range sq(%d)", k, 1+g.n(4))
		vars = vars[:1]
	}
	g.vars = append(g.vars, vars...)
	g.loopBody(depth, l, head, func() {
		var names []string
		for _, v := range vars {
			names = append(names, v.name)
		}
		g.emit("fmt.Println(\"range\", %d, %s)", g.nextID(), strings.Join(names, ", "))
	})
	g.vars = g.vars[:len(g.vars)-len(vars)]
}

func (g *gen) switchStmt(depth int) {
	tagged := g.chance(50)
	if tagged {
		g.emit("switch %s {", g.expr(2))
	} else {
		g.emit("switch {")
	}
	n := 1 + g.n(3)
	clauses := make([]bool, n) // true: the default clause
	if g.chance(70) {
		i := g.n(n + 1)
		clauses = append(clauses[:i], append([]bool{true}, clauses[i:]...)...)
	}
	for i, isDefault := range clauses {
		switch {
		case isDefault:
			g.emit("default:")
		case tagged:
			// Non-constant case expressions, so that duplicates are legal.
			g.emit("case %s, %s:", g.caseExpr(), g.caseExpr())
		default:
			g.emit("case %s:", g.cond(1))
		}
		g.indent++
		g.block(depth-1, false)
		// Without DeadCode the default clause neither branches nor falls
		// through (into a clause that might), so that the code after the
		// switch stays reachable.
		free := !isDefault || g.has(DeadCode)
		if i < len(clauses)-1 && free && g.chance(25) {
			g.emit("fallthrough")
		} else if free && g.chance(20) {
			g.branch()
		}
		g.indent--
	}
	g.emit("}")
}

func (g *gen) closure() {
	name := g.newVar()
	// Captures: any variable in scope except loop variables (unless LoopCapture).
	var caps []string
	for _, v := range g.vars {
		if !v.loopVar || g.has(LoopCapture) {
			if !strings.HasPrefix(v.name, "int(") {
				caps = append(caps, v.name)
			}
		}
	}
	c := caps[g.n(len(caps))]
	body := fmt.Sprintf("return x*%d + %s", 1+g.n(3), c)
	g.emit("%s := func(x int) int { %s }", name, body)
	// Write through a closure if some assignable variable exists.
	vs := g.assignable()
	w := vs[g.n(len(vs))]
	g.emit("%s = m(%s(%s))", w, name, g.expr(1))
	if g.chance(50) {
		g.emit("rt.Yield()")
	}
	g.emit("fmt.Println(\"closure\", %d, %s(%d))", g.nextID(), name, g.n(5))
}

func (g *gen) spawn() {
	callee := "y"
	args := fmt.Sprintf("%d, %s", g.nextID(), g.pureExpr())
	if g.fn > 0 && g.calls > 0 && len(g.loops) <= 1 && g.chance(50) {
		g.calls--
		callee = g.fname(g.n(g.fn))
		args = fmt.Sprintf("%s, %d", g.pureExpr(), g.n(9))
	}
	name := g.newVar()
	g.emit("%s := rt.Await(rt.Spawn(func() int { return %s(%s) }))", name, callee, args)
	g.vars = append(g.vars, variable{name: name, declared: 1})
}

func (g *gen) deferStmt() {
	id := g.nextID()
	if g.chance(50) {
		g.emit("defer fmt.Println(\"defer\", %d, %s)", id, g.pureExpr())
		return
	}
	g.emit("defer func() { r += %d; fmt.Println(\"defer r\", %d, r) }()", 1+g.n(9), id)
}

func (g *gen) gotoStmt() {
	g.gotoN++
	lbl := fmt.Sprintf("G%d", g.gotoN)
	g.emit("if %s {", g.cond(1))
	g.emit("\tgoto %s", lbl)
	g.emit("}")
	g.emit("fmt.Println(\"not skipped\", %d, %s)", g.nextID(), g.expr(1))
	g.emit("%s:", lbl)
	g.emit("fmt.Println(\"landed\", %d)", g.nextID())
}

// caseExpr is a non-constant int expression (duplicate constant cases are
// compile errors): a suspending call, a traced plain call, or a variable.
func (g *gen) caseExpr() string {
	switch g.n(3) {
	case 0:
		return fmt.Sprintf("y(%d, %s)", g.nextID(), g.expr(0))
	case 1:
		return fmt.Sprintf("p(%d, %s)", g.nextID(), g.expr(0))
	default:
		return g.vars[g.n(len(g.vars))].name
	}
}

// pureExpr is an expression without calls: a variable or a constant.
func (g *gen) pureExpr() string {
	if g.chance(70) {
		var names []string
		for _, v := range g.vars {
			if !v.loopVar || g.has(LoopCapture) {
				names = append(names, v.name)
			}
		}
		if len(names) > 0 {
			return names[g.n(len(names))]
		}
	}
	return fmt.Sprint(g.n(20))
}

// expr is an int expression of bounded depth.
func (g *gen) expr(depth int) string {
	if depth <= 0 {
		if g.chance(60) && len(g.vars) > 0 {
			return g.vars[g.n(len(g.vars))].name
		}
		return fmt.Sprint(g.n(20))
	}
	switch g.n(10) {
	case 0, 1:
		return fmt.Sprintf("y(%d, %s)", g.nextID(), g.expr(depth-1))
	case 2:
		if g.noP > 0 {
			return fmt.Sprintf("y(%d, %s)", g.nextID(), g.expr(depth-1))
		}
		return fmt.Sprintf("p(%d, %s)", g.nextID(), g.expr(depth-1))
	case 3, 4:
		op := []string{"+", "-", "*", "^", "&", "|"}[g.n(6)]
		return fmt.Sprintf("(%s %s %s)", g.expr(depth-1), op, g.expr(depth-1))
	case 5:
		if g.fn > 0 && g.calls > 0 && len(g.loops) <= 1 {
			g.calls--
			return fmt.Sprintf("%s(%s, %s)", g.fname(g.n(g.fn)), g.expr(depth-1), g.expr(0))
		}
		return g.expr(depth - 1)
	case 6:
		if g.has(Composite) {
			return fmt.Sprintf("[]int{%s, %s}[%s&1]", g.expr(depth-1), g.expr(depth-1), g.expr(depth-1))
		}
		return g.expr(depth - 1)
	case 7:
		if g.has(Closures) && g.chance(30) {
			return fmt.Sprintf("rt.Await(rt.Spawn(func() int { return y(%d, %s) }))", g.nextID(), g.pureExpr())
		}
		return fmt.Sprintf("m(%s)", g.expr(depth-1))
	default:
		return g.expr(0)
	}
}

// cond is a bool expression of bounded depth.
func (g *gen) cond(depth int) string {
	if depth <= 0 {
		return fmt.Sprintf("%s < %s", g.expr(1), g.expr(0))
	}
	switch g.n(6) {
	case 0:
		return fmt.Sprintf("yb(%d, %s)", g.nextID(), g.cond(depth-1))
	case 1, 2:
		if g.has(AndOr) {
			op := []string{"&&", "||"}[g.n(2)]
			l := g.cond(depth - 1)
			if !g.has(ShortCircuitPlain) {
				g.noP++
				defer func() { g.noP-- }()
			}
			return fmt.Sprintf("(%s %s %s)", l, op, g.cond(depth-1))
		}
		return g.cond(depth - 1)
	case 3:
		return fmt.Sprintf("!(%s)", g.cond(depth-1))
	default:
		op := []string{"<", "<=", "==", "!=", ">"}[g.n(5)]
		return fmt.Sprintf("%s %s %s", g.expr(depth), op, g.expr(depth-1))
	}
}
