package transform

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

var update = flag.Bool("update", false, "rewrite the committed *_async.go files of testdata cases")

// chaosK is the K of ASYNCGO_CHAOS=SEED:K for the chaos runs of the cases.
const chaosK = 3

// chaosSeeds are the seeds of the chaos runs of every case; a failure
// names the seed, so ASYNCGO_CHAOS=SEED:3 ./binary reproduces it.
var chaosSeeds = []uint64{1, 7, 42, 20260101}

// goldenFile, in a case directory, holds the expected output of the
// compiled build for behaviour the goroutine build cannot show
// (cancellation): the case is then checked against it instead of against
// the goroutine build.
const goldenFile = "compiled.golden"

// chaosHook is what generated code calls at each suspension point when the
// compiler emits the chaos hook; without it the chaos runs would only
// repeat the plain run, so they are skipped.
var chaosHook = []byte("InjectPending()")

// caseDirs lists the compiler cases: the directories of <repo>/testdata
// with a main.go.
func caseDirs(t *testing.T) []string {
	dirs, err := filepath.Glob("../testdata/*/main.go")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases found: %v", err)
	}
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

// generate translates every asyncsrc file of the package in dir.
func generate(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	pkgs, err := Load(dir, ".")
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("load %s: %v", dir, err)
	}
	out := map[string][]byte{}
	for _, f := range pkgs[0].Syntax {
		name := pkgs[0].Fset.File(f.Pos()).Name()
		src, _, diags := TranslateFile(pkgs[0], f, Options{})
		if diags.HasErrors() {
			t.Fatalf("%s:\n%v", name, diags)
		}
		out[strings.TrimSuffix(name, ".go")+"_async.go"] = src
	}
	return out
}

// TestCases regenerates every case in memory and compares it with the
// committed file (-update rewrites it), then checks that the compiled
// build prints exactly what the goroutine build prints, also in rt's chaos
// mode (every suspension point made pending 0 to chaosK times) for each of
// chaosSeeds once the compiler emits the chaos hook.
func TestCases(t *testing.T) {
	for _, dir := range caseDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			hooked := false
			for path, src := range generate(t, dir) {
				hooked = hooked || bytes.Contains(src, chaosHook)
				if *update {
					if err := os.WriteFile(path, src, 0o666); err != nil {
						t.Fatal(err)
					}
					continue
				}
				old, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./transform -run TestCases -update)", err)
				}
				if !bytes.Equal(old, src) {
					t.Errorf("%s is stale: run go test ./transform -run TestCases -update\n%s", path, firstDiff(old, src))
				}
			}
			if testing.Short() {
				return
			}
			if golden, err := os.ReadFile(filepath.Join(dir, goldenFile)); err == nil {
				// The reference build cannot show this behaviour (a
				// goroutine cannot be cancelled): it must only run; the
				// compiled build must print the golden output.
				if r := buildtest.Run(t, buildtest.Binary(t, dir, buildtest.Reference), time.Minute); r.ExitCode != 0 {
					t.Errorf("goroutine build exits %d:\n%s", r.ExitCode, r.Stderr)
				}
				want := buildtest.Result{Stdout: string(golden)}
				seeds := []uint64(nil)
				if hooked {
					seeds = chaosSeeds
				}
				buildtest.SameOutputChaos(t, dir, want, 0, []uint64{0}, time.Minute) // K=0: no injected pendings
				if len(seeds) > 0 && !t.Failed() {
					buildtest.SameOutputChaos(t, dir, want, chaosK, seeds, time.Minute)
				}
				return
			}
			ref := buildtest.SameOutput(t, dir, time.Minute)
			if hooked && !t.Failed() {
				buildtest.SameOutputChaos(t, dir, ref, chaosK, chaosSeeds, time.Minute)
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestGeneratedVet runs go vet on the compiled build of every case.
func TestGeneratedVet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	var args []string
	for _, d := range caseDirs(t) {
		args = append(args, "./"+filepath.ToSlash(d))
	}
	cmd := exec.Command("go", append([]string{"vet"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
}

// TestLineDirectives checks that the committed output of the lines case
// carries inline line directives, and (through TestCases/lines, which
// prints runtime.Caller lines and a panic's line) that they work.
func TestLineDirectives(t *testing.T) {
	src, err := os.ReadFile("../testdata/lines/main_async.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "/*line main.go:26:2*/") {
		t.Errorf("no line directive for main.go:26 in the generated file")
	}
	if testing.Short() {
		return
	}
	r := buildtest.Run(t, buildtest.Binary(t, "../testdata/lines", buildtest.Compiled), time.Minute)
	want := "main.go:26 main.go:30 main.go:48\npanic assignment to entry in nil map at main.go:40\n"
	if r.Stdout != want {
		t.Errorf("compiled build reports\n%s\nwant\n%s", r.Stdout, want)
	}
}
