package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/proc"
	"github.com/asyncgo/asyncgo/bench/internal/procfs"
)

// harness is the state of one run: the mode, the processes, the built
// binaries.
type harness struct {
	cfg     config
	group   *proc.Group
	binDir  string            // temporary directory of built binaries
	docRoot string            // empty document root for examples/httpserver
	missing map[string]string // binary name -> why it could not be built
	nextSrc int               // second octet of the next idle run's source addresses

	writeMu     sync.Mutex // held while the report is written, and by the signal handler
	interrupted bool       // set under writeMu by the signal handler
}

// server is one implementation under test.
type server struct {
	name string   // row name: asyncgo, goroutines, gnet, tokio, floor, net/http, redis
	bin  string   // binary name in binDir, or the path of redis-server
	args []string // arguments before -addr

	// For the instruction counts: a command the server runs under
	// (valgrind), extra environment, and a longer wait for it to listen.
	wrap         []string
	env          []string
	startTimeout time.Duration
}

// asyncgo examples and bench commands, by binary name.
var (
	examples = map[string]string{"asyncgo-echo": "./examples/echo", "asyncgo-httpserver": "./examples/httpserver", "asyncgo-kv": "./examples/kv"}
	commands = []string{"goecho", "gnetecho", "gohttp", "gnethttp", "nethttp", "floor", "gokv", "gnetkv", "echoclient", "idleclient", "kvload"}
)

// servers lists the implementations of a protocol, in report order.
func (h *harness) servers(protocol string) []server {
	switch protocol {
	case "echo":
		return []server{{name: "asyncgo", bin: "asyncgo-echo"}, {name: "goroutines", bin: "goecho"}, {name: "gnet", bin: "gnetecho"}, {name: "tokio", bin: "tokio-echo"},
			{name: "floor", bin: "floor", args: []string{"-mode", "echo"}}}
	case "http":
		return []server{{name: "asyncgo", bin: "asyncgo-httpserver", args: []string{"-root", h.docRoot}},
			{name: "goroutines", bin: "gohttp"}, {name: "gnet", bin: "gnethttp"}, {name: "tokio", bin: "tokio-http"},
			{name: "floor", bin: "floor", args: []string{"-mode", "http"}}, {name: "net/http", bin: "nethttp"}}
	case "kv":
		return []server{{name: "asyncgo", bin: "asyncgo-kv"}, {name: "goroutines", bin: "gokv"}, {name: "gnet", bin: "gnetkv"}, {name: "redis", bin: "redis-server"}}
	}
	panic("unknown protocol " + protocol)
}

// repoRoot returns the main module's directory: the parent of the bench
// module, found through the go command so that any working directory
// inside bench works.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if filepath.Base(filepath.Dir(gomod)) != "bench" {
		return "", fmt.Errorf("run benchall from inside the bench module (go.mod here is %q)", gomod)
	}
	return filepath.Dir(filepath.Dir(gomod)), nil
}

// build compiles every server and client into a temporary directory. A
// server that does not build is recorded in h.missing (its rows will say
// why); a client that does not build is fatal.
func (h *harness) build(root string) error {
	var err error
	if h.binDir, err = os.MkdirTemp("", "benchall-"); err != nil {
		return err
	}
	h.docRoot = filepath.Join(h.binDir, "www")
	if err := os.Mkdir(h.docRoot, 0o755); err != nil {
		return err
	}
	h.missing = map[string]string{}
	t0 := time.Now()
	log.Printf("building servers and clients into %s", h.binDir)
	goBuild := func(dir, out, pkg string) error {
		cmd := exec.Command("go", "build", "-o", filepath.Join(h.binDir, out), pkg)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %v: %s", pkg, err, strings.TrimSpace(stderr.String()))
		}
		return nil
	}
	for name, pkg := range examples {
		if err := goBuild(root, name, pkg); err != nil {
			h.missing[name] = err.Error()
			log.Printf("%s unavailable: %v", name, err)
		}
	}
	for _, name := range commands {
		if err := goBuild(filepath.Join(root, "bench"), name, "./cmd/"+name); err != nil {
			if strings.HasSuffix(name, "client") || name == "kvload" {
				return err
			}
			h.missing[name] = err.Error()
			log.Printf("%s unavailable: %v", name, err)
		}
	}
	h.buildTokio(filepath.Join(root, "bench", "tokio"))
	log.Printf("built in %v", time.Since(t0).Round(time.Second))
	return nil
}

// tokioDeps is the apt command that provides what bench/tokio builds
// with: cargo, and Tokio and httparse as Debian's packaged crate sources.
const tokioDeps = "apt-get install cargo librust-tokio-dev librust-httparse-dev"

// buildTokio builds the Tokio reference servers (bench/tokio) with cargo,
// offline, against the crate sources Debian installs under
// /usr/share/cargo/registry. They are a reference line, not a baseline the
// targets use: without cargo or the crates their rows say what is missing.
func (h *harness) buildTokio(dir string) {
	bins := map[string]string{"tokio-echo": "echo", "tokio-http": "http"}
	fail := func(why string) {
		for name := range bins {
			h.missing[name] = why
		}
		log.Printf("tokio servers unavailable: %s", why)
	}
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		fail("cargo not found (" + tokioDeps + ")")
		return
	}
	if _, err := os.Stat("/usr/share/cargo/registry"); err != nil {
		fail("Debian's crate sources are not installed (" + tokioDeps + ")")
		return
	}
	target := filepath.Join(h.binDir, "tokio-target")
	cmd := exec.Command(cargo, "build", "--release", "--offline", "--target-dir", target)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Sprintf("cargo build: %v: %s (%s)", err, lastLine(stderr.String()), tokioDeps))
		return
	}
	for name, bin := range bins {
		if err := os.Rename(filepath.Join(target, "release", bin), filepath.Join(h.binDir, name)); err != nil {
			h.missing[name] = err.Error()
		}
	}
}

// cleanup removes the build directory.
func (h *harness) cleanup() {
	if h.binDir != "" {
		os.RemoveAll(h.binDir)
	}
}

// path returns the path of a built binary.
func (h *harness) path(bin string) string { return filepath.Join(h.binDir, bin) }

// startServer starts s on a free port and waits until it accepts
// connections. It returns the process and its address.
func (h *harness) startServer(s server) (*proc.Proc, string, error) {
	if why, ok := h.missing[s.bin]; ok {
		return nil, "", fmt.Errorf("not built: %s", why)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := proc.FreePort()
		if err != nil {
			return nil, "", err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		var argv []string
		if s.name == "redis" {
			path, err := exec.LookPath("redis-server")
			if err != nil {
				return nil, "", fmt.Errorf("redis-server not installed: %w", err)
			}
			argv = []string{path, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
				"--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning"}
		} else {
			argv = append(append([]string{h.path(s.bin)}, s.args...), "-addr", addr)
		}
		argv = append(slices.Clone(s.wrap), argv...)
		wait := 15 * time.Second
		if s.startTimeout > 0 {
			wait = s.startTimeout
		}
		p, err := h.group.Start(s.name, s.env, argv...)
		if err != nil {
			return nil, "", err
		}
		if lastErr = proc.WaitListening(p, addr, wait); lastErr == nil {
			return p, addr, nil
		}
		p.Stop() // most likely the port was taken in between: try another
	}
	return nil, "", lastErr
}

// runClient runs a client binary (built, or a tool on PATH) to completion
// within timeout and returns its stdout.
func (h *harness) runClient(timeout time.Duration, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return h.group.Run(ctx, filepath.Base(argv[0]), nil, argv...)
}

// alive fails if the server has exited (crashed during a run).
func alive(p *proc.Proc) error {
	if done, err := p.Exited(); done {
		return fmt.Errorf("server exited during the run (%v): %s", err, p.Output())
	}
	return nil
}

// cpu returns the server's CPU time so far.
func cpu(p *proc.Proc) time.Duration {
	d, err := procfs.CPU(p.PID())
	if err != nil {
		log.Printf("reading CPU time of %s: %v", p.Name, err)
	}
	return d
}

// fail marks a row as failed and logs it.
func fail(section, server string, err error) string {
	log.Printf("%s %s: FAILED: %v", section, server, err)
	return err.Error()
}
