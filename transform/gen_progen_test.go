package transform

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
	"github.com/asyncgo/asyncgo/internal/progen"
)

var (
	progenSeed     = flag.String("progen.seed", "1", "base seed of the generated programs (\"random\": from the clock)")
	progenBatches  = flag.Int("progen.batches", 0, "generated packages per run (0: 1 with -short, else 2)")
	progenUnits    = flag.Int("progen.units", 0, "independent units (small programs) per generated package (0: 15 with -short, else 30)")
	progenStmts    = flag.Int("progen.stmts", 0, "statement budget per generated function (0: progen's default)")
	progenDepth    = flag.Int("progen.depth", 0, "nesting depth of generated code (0: progen's default)")
	progenFeatures = flag.String("progen.features", "supported", "features of the generated programs (see progen.ParseFeatures)")
)

func progenConfig(t testing.TB) (progen.Config, int) {
	t.Helper()
	f, err := progen.ParseFeatures(*progenFeatures)
	if err != nil {
		t.Fatal(err)
	}
	var seed uint64
	if *progenSeed == "random" {
		seed = uint64(time.Now().UnixNano()) % 1e9
	} else if seed, err = strconv.ParseUint(*progenSeed, 10, 64); err != nil {
		t.Fatalf("-progen.seed: %v", err)
	}
	batches, units := *progenBatches, *progenUnits
	if batches == 0 {
		batches = 2
		if testing.Short() {
			batches = 1
		}
	}
	if units == 0 {
		units = 30
		if testing.Short() {
			units = 15
		}
	}
	return progen.Config{Seed: seed, Units: units, Features: f, Stmts: *progenStmts, Depth: *progenDepth}, batches
}

// TestProgen generates random async programs (package progen), compiles
// each with asyncgen, builds it both ways and checks that the two builds
// print the same trace, also under rt's chaos mode once the compiler emits
// its hook. Each generated package holds many independent units so that
// one pair of builds checks many programs; a failing unit is printed as a
// standalone program, ready to be added to testdata/.
//
// Flags: -progen.seed=N|random, -progen.batches, -progen.units,
// -progen.features=supported|all|if,for,...
func TestProgen(t *testing.T) {
	cfg, batches := progenConfig(t)
	t.Logf("progen: seed %d, %d batch(es) of %d units, features %s", cfg.Seed, batches, cfg.Units, cfg.Features)
	for i := 0; i < batches; i++ {
		c := cfg
		c.Seed = cfg.Seed + uint64(i*cfg.Units)
		t.Run(fmt.Sprintf("seed%d", c.Seed), func(t *testing.T) {
			checkProgram(t, c)
		})
	}
	// Closures, labels, defer, goto and panic keep a function from being
	// inlined (transform/inline.go); without them most calls between the
	// generated functions are inlined, often several deep.
	c := cfg
	c.Seed = cfg.Seed + uint64(batches*cfg.Units)
	f, err := progen.ParseFeatures(inlinableFeatures)
	if err != nil {
		t.Fatal(err)
	}
	c.Features = f
	t.Run(fmt.Sprintf("inlinable/seed%d", c.Seed), func(t *testing.T) {
		checkProgram(t, c)
	})
}

// inlinableFeatures are the progen features whose functions inline.
const inlinableFeatures = "if,for,andor,multi,composite,switch,range,deadcode,scplain"

// FuzzProgen is TestProgen driven by the fuzzer: the fuzzed input is the
// seed of one small generated program and its feature set (masked to the
// -progen.features set). Run with:
//
//	go test ./transform -run '^$' -fuzz FuzzProgen -fuzztime 5m
func FuzzProgen(f *testing.F) {
	for _, s := range []uint64{1, 12345} {
		f.Add(s, uint32(progen.Supported), uint8(4), uint8(12))
	}
	f.Fuzz(func(t *testing.T, seed uint64, feat uint32, funcs, stmts uint8) {
		base, err := progen.ParseFeatures(*progenFeatures)
		if err != nil {
			t.Fatal(err)
		}
		fs := progen.Feature(feat) & base
		if fs == 0 {
			fs = base
		}
		checkProgram(t, progen.Config{Seed: seed % 1e12, Units: 3, Funcs: 1 + int(funcs)%6, Stmts: 1 + int(stmts)%24, Features: fs})
	})
}

// checkProgram generates the program c describes in a temporary case
// directory under testdata (inside the module, so that imports resolve),
// translates it and compares the builds.
func checkProgram(t *testing.T, c progen.Config) {
	t.Helper()
	src := progen.Generate(c)
	dir, err := os.MkdirTemp("testdata", "progen-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("PROGEN_KEEP") != "" {
			t.Logf("kept %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o666); err != nil {
		t.Fatal(err)
	}
	pkgs, err := Load(dir, ".")
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		var perrs any
		if len(pkgs) == 1 {
			perrs = pkgs[0].Errors
		}
		t.Fatalf("generated program does not load (a progen bug): %v %v\n%s", err, perrs, numbered(src))
	}
	f := pkgs[0].Syntax[0]
	out, _, diags := TranslateFile(pkgs[0], f, Options{})
	if diags.HasErrors() {
		t.Fatalf("asyncgen rejects a generated program (config %+v):\n%v\n%s", c, diags, numbered(src))
	}
	if err := os.WriteFile(filepath.Join(dir, "main_async.go"), out, 0o666); err != nil {
		t.Fatal(err)
	}
	ref := buildtest.Run(t, buildtest.Binary(t, dir, buildtest.Reference), time.Minute)
	bin, err := buildtest.BinaryErr(dir, buildtest.Compiled)
	if err != nil {
		k := unitOfBuildError(t, dir)
		single := c.Single(k)
		t.Fatalf("the compiled build does not build (unit %d):\n%v\n"+
			"reproduce with: go run ./internal/progen/cmd/progen -seed %d -funcs %d -stmts %d -features %s\n--- program:\n%s",
			k, clip(err.Error(), 3000), single.Seed, single.Funcs, single.Stmts, single.Features, progen.Generate(single))
	}
	runs := []string{""}
	if bytes.Contains(out, chaosHook) {
		for _, s := range chaosSeeds {
			runs = append(runs, fmt.Sprintf("%s=%d:%d", buildtest.ChaosEnv, s, chaosK))
		}
	}
	for _, env := range runs {
		var envs []string
		if env != "" {
			envs = []string{env}
		}
		got := buildtest.RunEnv(t, bin, time.Minute, envs)
		if got.Stdout == ref.Stdout && got.ExitCode == ref.ExitCode {
			continue
		}
		k := firstDifferingUnit(ref.Stdout, got.Stdout)
		single := c.Single(k)
		t.Fatalf("the builds disagree (%s; unit %d; exit %d vs %d)\ncompiled stderr:\n%s\n"+
			"reproduce with: go run ./internal/progen/cmd/progen -seed %d -funcs %d -stmts %d -features %s\n"+
			"--- trace diff of unit %d:\n%s\n--- program:\n%s",
			or(env, "no chaos"), k, ref.ExitCode, got.ExitCode, clip(got.Stderr, 2000),
			single.Seed, single.Funcs, single.Stmts, single.Features,
			k, unitDiff(ref.Stdout, got.Stdout, k), progen.Generate(single))
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// numbered returns src with line numbers, for messages.
func numbered(src []byte) string {
	var b strings.Builder
	for i, l := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// unitOfBuildError finds the unit whose generated code does not compile:
// the line directives map errors to the source, often to the wrong place,
// so it builds a copy of the package without them and returns the unit of
// the function around the first error.
func unitOfBuildError(t *testing.T, dir string) int {
	tmp, err := os.MkdirTemp("testdata", "progen-nolines-")
	if err != nil {
		return 0
	}
	defer os.RemoveAll(tmp)
	gen, err := os.ReadFile(filepath.Join(dir, "main_async.go"))
	if err != nil {
		return 0
	}
	gen = regexp.MustCompile(`/\*line [^*]*\*/ ?`).ReplaceAll(gen, nil)
	os.WriteFile(filepath.Join(tmp, "main_async.go"), gen, 0o666)
	cmd := exec.Command("go", "build", "-gcflags=-e", "-o", os.DevNull, ".")
	cmd.Dir = tmp
	msg, _ := cmd.CombinedOutput()
	m := regexp.MustCompile(`main_async.go:(\d+)`).FindSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	lines := strings.Split(string(gen), "\n")
	re := regexp.MustCompile(`^func (?:\(s \*)?u(\d+)(?:f\d+|main)`)
	for i := min(n, len(lines)) - 1; i >= 0; i-- {
		if m := re.FindStringSubmatch(lines[i]); m != nil {
			k, _ := strconv.Atoi(m[1])
			return k
		}
	}
	return 0
}

// firstDifferingUnit returns the unit whose trace first differs.
func firstDifferingUnit(want, got string) int {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	unit := 0
	for i := 0; i < len(wl); i++ {
		if strings.HasPrefix(wl[i], "== unit ") {
			unit, _ = strconv.Atoi(strings.TrimPrefix(wl[i], "== unit "))
		}
		if i >= len(gl) || wl[i] != gl[i] {
			return unit
		}
	}
	return unit
}

// unitDiff shows unit k's trace in both builds around the first difference.
func unitDiff(want, got string, k int) string {
	cut := func(s string) []string {
		_, after, _ := strings.Cut(s, progen.UnitMarker(k)+"\n")
		before, _, _ := strings.Cut(after, "== unit ")
		return strings.Split(before, "\n")
	}
	w, g := cut(want), cut(got)
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		mark := "  "
		if wl != gl {
			mark = "! "
		}
		fmt.Fprintf(&b, "%s%-30s | %s\n", mark, wl, gl)
		if wl != gl && i > 40 {
			break
		}
	}
	return b.String()
}
