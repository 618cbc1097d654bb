package proc

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSyncBufferLines(t *testing.T) {
	var got []string
	b := &SyncBuffer{onLine: func(l string) { got = append(got, l) }}
	b.Write([]byte("START\nha"))
	b.Write([]byte("lf"))
	b.Write([]byte("\nEND\n"))
	if strings.Join(got, ",") != "START,half,END" || b.String() != "START\nhalf\nEND\n" {
		t.Fatalf("lines %q, buffer %q", got, b.String())
	}
}

func TestTailBuffer(t *testing.T) {
	tb := &tailBuffer{max: 8}
	fmt.Fprint(tb, "0123456789abc")
	if tb.String() != "56789abc" {
		t.Fatalf("tail = %q", tb.String())
	}
}

// gone reports whether pid no longer runs (absent, or a zombie waiting
// for its new parent).
func gone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && strings.HasPrefix(string(b[i+1:]), " Z")
}

// Stopping a process kills its whole process group, grandchildren
// included, and StopAll refuses new processes afterwards.
func TestStopKillsGroup(t *testing.T) {
	g := NewGroup()
	p, out, err := g.StartClient("sh", nil, nil, nil, "sh", "-c", "sleep 30 & echo $!; wait")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "\n") {
		if time.Now().After(deadline) {
			t.Fatal("no grandchild pid")
		}
		time.Sleep(10 * time.Millisecond)
	}
	grandchild, err := strconv.Atoi(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	g.StopAll()
	if done, _ := p.Exited(); !done {
		t.Fatal("process still running after StopAll")
	}
	for !gone(grandchild) {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived", grandchild)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := g.Start("late", nil, "true"); err == nil {
		t.Fatal("Start after StopAll succeeded")
	}
}

func TestRunAndWait(t *testing.T) {
	g := NewGroup()
	defer g.StopAll()
	out, err := g.Run(context.Background(), "echo", nil, "sh", "-c", "echo hi; echo oops >&2")
	if err != nil || out != "hi\n" {
		t.Fatalf("Run = %q, %v", out, err)
	}
	_, err = g.Run(context.Background(), "fail", nil, "sh", "-c", "echo why >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "why") {
		t.Fatalf("failing client: %v, want its stderr in the error", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := g.Run(ctx, "slow", nil, "sleep", "30"); err == nil {
		t.Fatal("timed-out client: no error")
	}
}

func TestWaitListening(t *testing.T) {
	g := NewGroup()
	defer g.StopAll()
	p, err := g.Start("false", nil, "sh", "-c", "echo cannot bind >&2; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	err = WaitListening(p, fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "cannot bind") {
		t.Fatalf("WaitListening on an exited server: %v", err)
	}
}
