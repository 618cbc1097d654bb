// Package buildtest builds a Go main package both ways asyncgo promises it
// can be built — the reference goroutine build (-tags asyncsrc) and the
// compiled state-machine build (the default) — and runs the same checks
// against each. It is how the project proves that the compiled program
// behaves like its goroutine twin.
//
// Binaries are built once per package and build per test process, with
// -race when the test binary itself was built with -race.
package buildtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/race"
)

// A Build is one way of building an asyncgo program.
type Build struct {
	// Name identifies the build in subtest names: "goroutines" or "compiled".
	Name string
	// Tags are the build tags passed to go build.
	Tags []string
}

// Reference is the goroutine build: async functions are plain blocking
// functions and go statements start goroutines. It is the oracle.
var Reference = Build{Name: "goroutines", Tags: []string{"asyncsrc"}}

// Compiled is the default build: the state machines written by asyncgen.
var Compiled = Build{Name: "compiled"}

// Builds lists both builds, the reference first.
var Builds = []Build{Reference, Compiled}

var (
	cacheMu sync.Mutex
	cache   = map[string]*built{}
	tmpDir  string
)

type built struct {
	once sync.Once
	path string
	err  error
}

// Binary builds the main package in dir (a directory, absolute or relative
// to the test's working directory) with build b and returns the path of the
// executable. Builds are cached for the life of the test process.
func Binary(t testing.TB, dir string, b Build) string {
	t.Helper()
	path, err := BinaryErr(dir, b)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// BinaryErr is Binary returning the build error (with the compiler's
// output) instead of failing a test.
func BinaryErr(dir string, b Build) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	key := abs + "\x00" + b.Name
	cacheMu.Lock()
	if tmpDir == "" {
		if tmpDir, err = os.MkdirTemp("", "buildtest-"); err != nil {
			cacheMu.Unlock()
			return "", err
		}
	}
	e := cache[key]
	if e == nil {
		e = &built{}
		cache[key] = e
	}
	out := filepath.Join(tmpDir, fmt.Sprintf("%s-%s-%d", filepath.Base(abs), b.Name, len(cache)))
	cacheMu.Unlock()

	e.once.Do(func() {
		args := []string{"build", "-o", out}
		if len(b.Tags) > 0 {
			args = append(args, "-tags", strings.Join(b.Tags, ","))
		}
		if race.Enabled {
			args = append(args, "-race")
		}
		args = append(args, ".")
		cmd := exec.Command("go", args...)
		cmd.Dir = abs
		if msg, err := cmd.CombinedOutput(); err != nil {
			e.err = fmt.Errorf("go %s (in %s): %v\n%s", strings.Join(args, " "), abs, err, msg)
			return
		}
		e.path = out
	})
	return e.path, e.err
}

// ForEachBuild runs f as a subtest once per build, with the binary of the
// main package in dir built that way.
func ForEachBuild(t *testing.T, dir string, f func(t *testing.T, binary string)) {
	t.Helper()
	for _, b := range Builds {
		t.Run(b.Name, func(t *testing.T) {
			f(t, Binary(t, dir, b))
		})
	}
}

// Result is what one run of a program did.
type Result struct {
	Stdout, Stderr string
	// ExitCode is the process's exit status, or -1 if it was killed.
	ExitCode int
}

// Run runs binary with args, bounded by timeout, and returns its output and
// exit status. A run that exceeds the timeout is killed and fails the test.
func Run(t testing.TB, binary string, timeout time.Duration, args ...string) Result {
	t.Helper()
	return RunEnv(t, binary, timeout, nil, args...)
}

// RunEnv is Run with extra environment variables ("KEY=VALUE") added to
// the test process's environment.
func RunEnv(t testing.TB, binary string, timeout time.Duration, env []string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s %s: killed after %v\nstdout:\n%s\nstderr:\n%s", binary, strings.Join(env, " "), strings.Join(args, " "), timeout, res.Stdout, res.Stderr)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", binary, err)
	}
	return res
}

// SameOutput runs the main package in dir in both builds with the same
// arguments and fails the test unless both print the same standard output
// and exit with the same status. It returns the reference build's result.
// Standard error is compared only for its first line when a build panics,
// since stack traces legitimately differ.
func SameOutput(t *testing.T, dir string, timeout time.Duration, args ...string) Result {
	t.Helper()
	ref := Run(t, Binary(t, dir, Reference), timeout, args...)
	got := Run(t, Binary(t, dir, Compiled), timeout, args...)
	if ref.Stdout != got.Stdout || ref.ExitCode != got.ExitCode {
		t.Errorf("%s: the builds disagree\n--- goroutines (exit %d) stdout:\n%s\n--- compiled (exit %d) stdout:\n%s\n--- compiled stderr:\n%s",
			dir, ref.ExitCode, ref.Stdout, got.ExitCode, got.Stdout, got.Stderr)
	}
	if firstLine(ref.Stderr) != firstLine(got.Stderr) && (ref.ExitCode != 0 || got.ExitCode != 0) {
		t.Errorf("%s: the builds fail differently\n--- goroutines stderr:\n%s\n--- compiled stderr:\n%s", dir, ref.Stderr, got.Stderr)
	}
	return ref
}

// ChaosEnv is the environment variable that turns on rt's chaos mode
// (rt.ChaosEnv): ASYNCGO_CHAOS=SEED:K makes every suspension point of
// generated code pending 0 to K times, chosen by a PRNG seeded with SEED.
const ChaosEnv = "ASYNCGO_CHAOS"

// ChaosSeeds are the fixed seeds SameOutputChaos uses when given none.
var ChaosSeeds = []uint64{1, 2, 3, 42, 1234567}

// SameOutputChaos runs the compiled build of the main package in dir once
// per seed with ASYNCGO_CHAOS=SEED:k and fails the test, naming the seed,
// unless each run prints what the reference run printed (want, as returned
// by SameOutput) and exits with the same status.
func SameOutputChaos(t *testing.T, dir string, want Result, k int, seeds []uint64, timeout time.Duration, args ...string) {
	t.Helper()
	if len(seeds) == 0 {
		seeds = ChaosSeeds
	}
	bin := Binary(t, dir, Compiled)
	for _, seed := range seeds {
		env := fmt.Sprintf("%s=%d:%d", ChaosEnv, seed, k)
		got := RunEnv(t, bin, timeout, []string{env}, args...)
		if got.Stdout != want.Stdout || got.ExitCode != want.ExitCode {
			t.Errorf("%s: the compiled build under %s disagrees with the goroutine build\n--- goroutines (exit %d) stdout:\n%s\n--- compiled, %s (exit %d) stdout:\n%s\n--- compiled stderr:\n%s",
				dir, env, want.ExitCode, want.Stdout, env, got.ExitCode, got.Stdout, got.Stderr)
			return
		}
		if firstLine(want.Stderr) != firstLine(got.Stderr) && (want.ExitCode != 0 || got.ExitCode != 0) {
			t.Errorf("%s: under %s the builds fail differently\n--- goroutines stderr:\n%s\n--- compiled stderr:\n%s", dir, env, want.Stderr, got.Stderr)
			return
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Server is a program started by StartServer.
type Server struct {
	// Addr is the address the server said it listens on.
	Addr string
	cmd  *exec.Cmd
	done chan error
	logs *lockedBuffer
}

// ListeningPrefix is the line prefix a server prints on standard output,
// followed by its address, once it accepts connections.
const ListeningPrefix = "listening on "

// StartServer starts binary with args and waits (up to 30s) for the line
// "listening on ADDR" on its standard output. The server is stopped with
// SIGTERM (then SIGKILL) when the test ends; its output goes to the test
// log if the test fails.
func StartServer(t testing.TB, binary string, args ...string) *Server {
	t.Helper()
	cmd := exec.Command(binary, args...)
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{cmd: cmd, done: make(chan error, 1), logs: logs}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if !sent && strings.HasPrefix(line, ListeningPrefix) {
				addr <- strings.TrimSpace(strings.TrimPrefix(line, ListeningPrefix))
				sent = true
				continue
			}
			fmt.Fprintln(logs, line)
		}
		io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case s.Addr = <-addr:
	case err := <-s.done:
		s.done <- err
		t.Fatalf("%s exited before listening: %v\n%s", binary, err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not print %q within 30s\n%s", binary, ListeningPrefix, logs.String())
	}
	return s
}

// Stop sends SIGTERM, waits up to 10s for the server to exit, then kills it.
// It returns the server's exit error (nil for a clean exit).
func (s *Server) Stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		err := <-s.done
		s.done <- err
		return fmt.Errorf("did not exit within 10s of SIGTERM (killed): %v", err)
	}
}

// Logs returns what the server printed so far, except the listening line.
func (s *Server) Logs() string { return s.logs.String() }

func (s *Server) stop(t testing.TB) {
	_ = s.Stop()
	if t.Failed() {
		t.Logf("server output:\n%s", s.logs.String())
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Main runs the tests of a package that uses buildtest and then removes
// the binaries it built (hundreds of megabytes for a package with many
// cases, which would otherwise stay in the temporary directory after every
// run). Call it from the package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(buildtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	cacheMu.Lock()
	dir := tmpDir
	cacheMu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}
