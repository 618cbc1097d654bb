package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	for _, args := range [][]string{{"-in", "x"}, {"-out", "y"}, {"-in", "x", "-out", "y", "extra"}, {"-nosuchflag"}} {
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestDiagnosticsExit runs go generate mode on a package with errors:
// exit status 1, sorted file:line:col diagnostics, no file written.
func TestDiagnosticsExit(t *testing.T) {
	t.Chdir("../../transform/testdata/diag/unsupported")
	t.Setenv("GOFILE", "x.go")
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errb.String())
	}
	if _, err := os.Stat("x_async.go"); err == nil {
		os.Remove("x_async.go")
		t.Fatal("output written despite errors")
	}
	var lines []int
	for _, l := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(l, "x.go:") {
			var n int
			f := strings.SplitN(l, ":", 4)
			for _, c := range f[1] {
				n = n*10 + int(c-'0')
			}
			lines = append(lines, n)
		}
	}
	if len(lines) < 5 || !sort.IntsAreSorted(lines) {
		t.Errorf("want >= 5 diagnostics sorted by line, got lines %v\n%s", lines, errb.String())
	}
	if !strings.Contains(errb.String(), "\thint: ") {
		t.Errorf("no hints in\n%s", errb.String())
	}
}

func TestMissingTag(t *testing.T) {
	t.Chdir("../../transform/testdata/diag/notag")
	t.Setenv("GOFILE", "x.go")
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if want := `add the line "//go:build asyncsrc"`; !strings.Contains(errb.String(), want) {
		t.Errorf("diagnostic %q does not say %s", errb.String(), want)
	}
}

// TestTree translates a tree of two packages, one importing the other,
// and runs the result.
func TestTree(t *testing.T) {
	gen := "testdata/tree/gen"
	os.RemoveAll(gen)
	t.Cleanup(func() { os.RemoveAll(gen) })
	var out, errb bytes.Buffer
	if code := run([]string{"-sizes", "-in", "testdata/tree/src", "-out", gen}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "DoubleFuture: 32 bytes") {
		t.Errorf("-sizes output:\n%s", out.String())
	}
	for _, f := range []string{"app/main.go", "lib/lib.go", "lib/plain.go"} {
		data, err := os.ReadFile(filepath.Join(gen, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("go:build")) {
			t.Errorf("%s keeps a build constraint", f)
		}
		if bytes.Contains(data, []byte("tree/src")) {
			t.Errorf("%s imports the source tree", f)
		}
	}
	if testing.Short() {
		return
	}
	cmd := exec.Command("go", "run", "./"+gen+"/app")
	got, err := cmd.CombinedOutput()
	if err != nil || string(got) != "lib 12\n" {
		t.Errorf("go run: %v\n%s", err, got)
	}
}
