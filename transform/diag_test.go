package transform

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var expectRE = regexp.MustCompile(`// (ERROR|WARNING) "((?:[^"\\]|\\.)*)"`)

// TestDiagnostics checks the diagnostics of the packages under
// testdata/diag against the expectations written in them: a comment
// // ERROR "regexp" (or // WARNING "regexp") on a line expects a
// diagnostic on that line matching the regexp, and every diagnostic must
// be expected. No output may be produced when there are errors.
func TestDiagnostics(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/diag/*")
	if len(dirs) == 0 {
		t.Fatal("no diagnostic cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			pkgs, err := Load(dir, ".")
			if err != nil || len(pkgs) != 1 {
				t.Fatalf("load: %v", err)
			}
			pkg := pkgs[0]
			for _, f := range pkg.Syntax {
				name := pkg.Fset.File(f.Pos()).Name()
				src, _, diags := TranslateFile(pkg, f, Options{})
				type exp struct {
					kind string
					re   *regexp.Regexp
					seen bool
				}
				want := map[int][]*exp{}
				data, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(string(data), "\n") {
					for _, m := range expectRE.FindAllStringSubmatch(line, -1) {
						want[i+1] = append(want[i+1], &exp{kind: m[1], re: regexp.MustCompile(strings.ReplaceAll(m[2], `\"`, `"`))})
					}
				}
				for _, d := range diags {
					kind := "ERROR"
					if d.Warning {
						kind = "WARNING"
					}
					ok := false
					for _, e := range want[d.Pos.Line] {
						if e.kind == kind && e.re.MatchString(d.Msg) {
							e.seen, ok = true, true
						}
					}
					if !ok {
						t.Errorf("%s: unexpected %s", filepath.Base(name), d)
					}
					if d.Pos.Filename == "" || d.Pos.Column == 0 {
						t.Errorf("diagnostic without a full position: %s", d)
					}
					if !d.Warning && d.Hint == "" && !strings.Contains(d.Msg, "internal") {
						t.Errorf("error without a hint: %s", d)
					}
				}
				for line, es := range want {
					for _, e := range es {
						if !e.seen {
							t.Errorf("%s:%d: missing %s matching %q", filepath.Base(name), line, e.kind, e.re)
						}
					}
				}
				if diags.HasErrors() && src != nil {
					t.Errorf("output produced despite errors")
				}
			}
		})
	}
}

// TestBuildConstraints checks the handling of the asyncsrc constraint.
func TestBuildConstraints(t *testing.T) {
	for _, tc := range []struct {
		src, gen, tree string
		err            string
	}{
		{src: "//go:build asyncsrc", gen: "!asyncsrc", tree: ""},
		{src: "//go:build asyncsrc && linux", gen: "!asyncsrc && linux", tree: "linux"},
		{src: "//go:build linux && asyncsrc", gen: "linux && !asyncsrc", tree: "linux"},
		{src: "//go:build asyncsrc || linux", err: "does not require the asyncsrc tag"},
		{src: "//go:build !asyncsrc", err: "does not require the asyncsrc tag"},
		{src: "", err: "missing build constraint"},
	} {
		for _, tree := range []bool{false, true} {
			fset, file := parseForTest(t, tc.src+"\n\npackage p\n")
			r := &reporter{fset: fset}
			got := generatedConstraint(file, r, tree)
			want := tc.gen
			if tree {
				want = tc.tree
				if tc.err != "" && tc.src != "" && !strings.Contains(tc.src, "!") {
					want = "asyncsrc || linux"
				}
				if tc.src == "" || strings.Contains(tc.src, "!") {
					want = strings.TrimPrefix(tc.src, "//go:build ")
				}
			}
			if !tree && tc.err != "" {
				if len(r.diags) != 1 || !strings.Contains(r.diags[0].Msg, tc.err) || r.diags[0].Hint == "" {
					t.Errorf("%q: diagnostics %v, want %q with a hint", tc.src, r.diags, tc.err)
				}
				continue
			}
			if len(r.diags) != 0 || got != want {
				t.Errorf("%q (tree=%v): got %q %v, want %q", tc.src, tree, got, r.diags, want)
			}
		}
	}
}
