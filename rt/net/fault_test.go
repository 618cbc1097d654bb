//go:build linux

package net

import (
	"bufio"
	"errors"
	"fmt"
	stdnet "net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	"golang.org/x/sys/unix"
)

func TestPeerResetDuringLargeWrite(t *testing.T) {
	c, s := pair(t)
	done := make(chan error, 1)
	go func() { done <- c.WriteAll(make([]byte, 256<<20)) }()
	within(t, 10*time.Second, "reset during write", func() {
		if _, err := s.ReadFull(make([]byte, 1<<20)); err != nil {
			t.Error(err)
			return
		}
		fd, _ := s.src.Acquire()
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		s.src.Release()
		s.Close() // RST, with unread data in flight
		err := <-done
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Errorf("WriteAll to a reset peer = %v, want ECONNRESET or EPIPE", err)
		}
		t.Log(err)
	})
}

func TestAcceptBacksOffOnEMFILE(t *testing.T) {
	if os.Getenv("RTNET_EMFILE_CHILD") != "" {
		t.Skip("in the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEMFILEChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "RTNET_EMFILE_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer killer.Stop()
	sc := bufio.NewScanner(out)
	var log []string
	var clients []stdnet.Conn
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for sc.Scan() {
		line := sc.Text()
		log = append(log, line)
		if addr, ok := strings.CutPrefix(line, "ADDR "); ok {
			// Connect from this process, whose limits are untouched.
			for range emfileClients {
				c, err := stdnet.DialTimeout("tcp", addr, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				clients = append(clients, c)
			}
		}
	}
	err = cmd.Wait()
	for _, l := range log {
		t.Log("child: " + l)
	}
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	if !strings.Contains(strings.Join(log, "\n"), "EMFILE-CHILD-OK") {
		t.Fatal("child did not report success")
	}
}

const emfileClients = 8

// TestEMFILEChild runs in a child process (see TestAcceptBacksOffOnEMFILE)
// with RLIMIT_NOFILE lowered so that only a few connections can be
// accepted.
func TestEMFILEChild(t *testing.T) {
	if os.Getenv("RTNET_EMFILE_CHILD") == "" {
		t.Skip("run by TestAcceptBacksOffOnEMFILE")
	}
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// Go's own poller starts lazily with the first timer and needs an fd
	// for its eventfd: start it before the limit is lowered.
	<-time.After(time.Millisecond)
	// Lower the limit so that exactly three descriptor numbers are free
	// below it.
	open := map[int]bool{}
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			open[n] = true
		}
	}
	limit, free := 0, 0
	for ; free < 3; limit++ {
		if !open[limit] {
			free++
		}
	}
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	lim.Cur = uint64(limit)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	type acc struct {
		s   *TCPStream
		err error
	}
	accepted := make(chan acc, emfileClients)
	go func() {
		for range emfileClients {
			s, _, err := l.Accept()
			accepted <- acc{s, err}
			if err != nil {
				return
			}
		}
	}()
	fmt.Printf("ADDR %s\n", l.Addr())
	var held []*TCPStream
	take := func(d time.Duration) bool {
		select {
		case a := <-accepted:
			if a.err != nil {
				t.Fatal(a.err)
			}
			held = append(held, a.s)
			return true
		case <-time.After(d):
			return false
		}
	}
	// Accept until out of descriptors.
	deadline := time.Now().Add(10 * time.Second)
	for acceptBackoffs.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("accept never hit EMFILE")
		}
		take(10 * time.Millisecond)
	}
	for take(50 * time.Millisecond) {
	}
	if len(held) == 0 || len(held) >= emfileClients {
		t.Fatalf("accepted %d of %d before EMFILE", len(held), emfileClients)
	}
	fmt.Printf("accepted %d before EMFILE\n", len(held))
	// Stalled: the accept loop must not spin.
	var ru0, ru1 syscall.Rusage
	b0 := acceptBackoffs.Load()
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	time.Sleep(500 * time.Millisecond)
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
	tries := acceptBackoffs.Load() - b0
	fmt.Printf("stalled 500ms: %d accept attempts, %v CPU\n", tries, cpu)
	if tries > 30 {
		t.Errorf("%d accept attempts in 500ms: spinning", tries)
	}
	if cpu > 200*time.Millisecond {
		t.Errorf("%v of CPU in 500ms while stalled: spinning", cpu)
	}
	if len(held) > 0 && take(0) {
		t.Fatal("accepted while out of descriptors")
	}
	// A second accept backing off, cancelled: its timer and its
	// descriptor-release registration go away.
	w := &countWaker{}
	f := l.AcceptAsync()
	if f.Poll(rt.NewContext(rt.NewWaker(w))) {
		t.Fatal("second accept completed while out of descriptors")
	}
	registered := func() bool {
		fdWait.mu.Lock()
		defer fdWait.mu.Unlock()
		for _, x := range fdWait.ws {
			if x.WillWake(rt.NewWaker(w)) {
				return true
			}
		}
		return false
	}
	if !registered() {
		t.Fatal("backing-off accept is not waiting for a descriptor release")
	}
	f.Cancel()
	f.Cancel()
	if registered() {
		t.Fatal("cancelled accept still registered for descriptor releases")
	}
	time.Sleep(150 * time.Millisecond) // past the longest back-off
	if n := w.n.Load(); n != 0 {
		t.Fatalf("cancelled accept woken %d times", n)
	}
	total := len(held)
	// Closing one stream frees a descriptor: the accept wakes promptly.
	start := time.Now()
	held[0].Close()
	held = held[1:]
	if !take(5 * time.Second) {
		t.Fatal("accept did not recover after a descriptor was freed")
	}
	total++
	fmt.Printf("recovered %v after a Close\n", time.Since(start))
	// Freeing descriptors as connections come in lets all of them through.
	for total < emfileClients {
		for _, s := range held {
			s.Close()
		}
		held = held[:0]
		if !take(5 * time.Second) {
			t.Fatalf("accepted %d of %d connections", total, emfileClients)
		}
		total++
	}
	for _, s := range held {
		s.Close()
	}
	fmt.Println("EMFILE-CHILD-OK")
}
