package transform

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// TestControl translates each program under testdata/control (the
// control-flow lowerings: switch, type switch, labels, goto, range, ...)
// and checks that the compiled build prints what the goroutine build
// prints, also under chaos (every suspension point made pending 0 to 3
// times). The generated files are rewritten on every run.
func TestControl(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/control/*")
	if len(dirs) == 0 {
		t.Fatal("no control cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for path, src := range generate(t, dir) {
				if err := os.WriteFile(path, src, 0o666); err != nil {
					t.Fatal(err)
				}
			}
			if testing.Short() {
				return
			}
			want := buildtest.SameOutput(t, dir, time.Minute)
			buildtest.SameOutputChaos(t, dir, want, 3, []uint64{1, 7, 42}, time.Minute)
		})
	}
}

// TestCancel drives a future by hand in the compiled build
// (testdata/cancel/drive.go) and cancels it: the in-flight child is
// cancelled first, then the pending deferred calls run once, with
// recover() returning nil; a second Cancel and a Cancel before the first
// Poll run nothing.
func TestCancel(t *testing.T) {
	dir := "testdata/cancel"
	for path, src := range generate(t, dir) {
		if err := os.WriteFile(path, src, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if testing.Short() {
		return
	}
	r := buildtest.Run(t, buildtest.Binary(t, dir, buildtest.Compiled), time.Minute)
	want := "poll false\npoll false\npoll false\nchild deferred t\nrecover in cancel: <nil>\ndeferred 1 t\ncancelled twice\ncancelled before start\n"
	if r.Stdout != want || r.ExitCode != 0 {
		t.Errorf("got (exit %d)\n%s\nwant\n%s\nstderr:\n%s", r.ExitCode, r.Stdout, want, r.Stderr)
	}
}
