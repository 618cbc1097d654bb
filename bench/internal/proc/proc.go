// Package proc starts and supervises the processes of a benchmark run:
// servers that live for the length of a row, and clients that run to
// completion. Every process gets its own process group and is killed with
// SIGKILL to that group when it is stopped, when the Group is stopped, and
// (through PR_SET_PDEATHSIG) when the harness itself dies.
package proc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is one started process.
type Proc struct {
	Name string
	Cmd  *exec.Cmd
	out  *tailBuffer

	done    chan struct{} // closed when the process has been waited for
	waitErr error
}

// PID returns the process id.
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Output returns the last few KiB of the process's combined stdout and
// stderr (for servers) or its stderr (for clients run with Run).
func (p *Proc) Output() string { return p.out.String() }

// Exited reports whether the process has ended, and how.
func (p *Proc) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// Done is closed when the process has ended.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Stop kills the process group and waits for the process.
func (p *Proc) Stop() {
	_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
	<-p.done
}

// Group tracks every process started through it, so that all of them can
// be killed at once on exit or interrupt.
type Group struct {
	mu    sync.Mutex
	procs map[*Proc]bool
}

// NewGroup returns an empty group.
func NewGroup() *Group { return &Group{procs: map[*Proc]bool{}} }

// Start starts argv[0] with the given arguments and extra environment
// (appended to the harness's own). Its stdout and stderr go to a small tail
// buffer (see Output).
func (g *Group) Start(name string, env []string, argv ...string) (*Proc, error) {
	out := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	return g.start(name, cmd, env, out)
}

func (g *Group) start(name string, cmd *exec.Cmd, env []string, out *tailBuffer) (*Proc, error) {
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &Proc{Name: name, Cmd: cmd, out: out, done: make(chan struct{})}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.procs == nil {
		return nil, fmt.Errorf("%s: harness is shutting down", name)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	g.procs[p] = true
	go func() {
		p.waitErr = cmd.Wait()
		g.mu.Lock()
		delete(g.procs, p)
		g.mu.Unlock()
		close(p.done)
	}()
	return p, nil
}

// Run runs a client to completion and returns its stdout. The process is
// killed when ctx ends. A non-zero exit is an error carrying the tail of
// stderr.
func (g *Group) Run(ctx context.Context, name string, env []string, argv ...string) (string, error) {
	p, stdout, err := g.StartClient(name, env, nil, nil, argv...)
	if err != nil {
		return "", err
	}
	err = p.Wait(ctx)
	return stdout.String(), err
}

// Wait waits for the process to end. If ctx ends first the process is
// killed and the error says so. A non-zero exit is an error carrying the
// tail of the process's stderr.
func (p *Proc) Wait(ctx context.Context) error {
	select {
	case <-p.done:
	case <-ctx.Done():
		p.Stop()
		return fmt.Errorf("%s: killed: %w; stderr: %s", p.Name, ctx.Err(), p.Output())
	}
	if p.waitErr != nil {
		return fmt.Errorf("%s: %v: %s", p.Name, p.waitErr, p.Output())
	}
	return nil
}

// StartClient starts a client whose stdout is collected into the returned
// buffer (unbounded) and whose stderr goes to the tail buffer. onLine, if
// non-nil, is called with every complete stdout line as soon as it arrives
// (from the goroutine copying the output, so it must be quick). If stdin is
// non-nil it becomes the process's standard input.
func (g *Group) StartClient(name string, env []string, onLine func(string), stdin io.Reader, argv ...string) (*Proc, *SyncBuffer, error) {
	stdout := &SyncBuffer{onLine: onLine}
	errs := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, errs
	if stdin != nil {
		cmd.Stdin = stdin
	}
	p, err := g.start(name, cmd, env, errs)
	return p, stdout, err
}

// StopAll kills every process still running and refuses new ones.
func (g *Group) StopAll() {
	g.mu.Lock()
	procs := g.procs
	g.procs = nil
	g.mu.Unlock()
	for p := range procs {
		p.Stop()
	}
}

// FreePort asks the kernel for a free TCP port on 127.0.0.1. Another
// process could take it before the server binds it; WaitListening then
// fails with the server's own bind error.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// WaitListening waits until addr accepts TCP connections, failing early if
// p exits first and after timeout otherwise.
func WaitListening(p *Proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if done, err := p.Exited(); done {
			return fmt.Errorf("%s exited before listening on %s (%v):\n%s", p.Name, addr, err, p.Output())
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening on %s after %v: %v\n%s", p.Name, addr, timeout, err, p.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SyncBuffer is a bytes.Buffer safe for one writer and concurrent readers,
// which can report each line as it is completed.
type SyncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	scanned int // bytes of buf already passed to onLine
	onLine  func(string)
}

// Write appends p and reports the lines it completes.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	n, _ := b.buf.Write(p)
	var lines []string
	if b.onLine != nil {
		for {
			rest := b.buf.Bytes()[b.scanned:]
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			lines = append(lines, string(rest[:i]))
			b.scanned += i + 1
		}
	}
	b.mu.Unlock()
	for _, l := range lines {
		b.onLine(l)
	}
	return n, nil
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// Write appends p, dropping the oldest bytes beyond max.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// String returns the kept bytes without surrounding white space.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
