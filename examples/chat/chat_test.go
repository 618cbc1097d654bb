package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// chatClient is a test client: a connection and a line reader.
type chatClient struct {
	t    *testing.T
	name string
	conn net.Conn
	r    *bufio.Reader
}

func connect(t *testing.T, addr, nick string) *chatClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &chatClient{t: t, name: nick, conn: conn, r: bufio.NewReader(conn)}
	c.expect("* welcome guest")
	if nick != "" {
		c.send("/nick " + nick)
		c.expect("* guest") // "* guestN is now known as NICK"
	}
	return c
}

func (c *chatClient) send(line string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c.conn, line+"\n"); err != nil {
		c.t.Fatalf("%s: send %q: %v", c.name, line, err)
	}
}

// line reads the next line, waiting at most 30s.
func (c *chatClient) line() (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	s, err := c.r.ReadString('\n')
	return strings.TrimSuffix(s, "\n"), err
}

// expect reads lines until one starts with prefix and returns it; it
// returns the lines skipped too.
func (c *chatClient) expect(prefix string) (string, []string) {
	c.t.Helper()
	var skipped []string
	for {
		s, err := c.line()
		if err != nil {
			c.t.Fatalf("%s: waiting for %q: %v (skipped %q)", c.name, prefix, err, skipped)
		}
		if strings.HasPrefix(s, prefix) {
			return s, skipped
		}
		skipped = append(skipped, s)
	}
}

// join moves c to room and waits until it is in.
func (c *chatClient) join(room string) {
	c.t.Helper()
	c.send("/join " + room)
	c.expect(fmt.Sprintf("* %s joined #%s", c.name, room))
}

func startChat(t *testing.T, bin string, args ...string) *buildtest.Server {
	return buildtest.StartServer(t, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
}

// TestRooms has clients in two rooms exchange messages concurrently: each
// gets every message of its room, in each sender's order, and nothing from
// the other room.
func TestRooms(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startChat(t, bin)
		alice, bob := connect(t, srv.Addr, "alice"), connect(t, srv.Addr, "bob")
		carol, dave := connect(t, srv.Addr, "carol"), connect(t, srv.Addr, "dave")
		alice.join("red")
		bob.join("red")
		alice.expect("* bob joined #red")
		carol.join("blue")
		dave.join("blue")
		carol.expect("* dave joined #blue")

		if got, _ := (func() (string, []string) { alice.send("/who"); return alice.expect("* in #") })(); got != "* in #red: alice bob" {
			t.Errorf("/who: %q", got)
		}
		carol.send("/nick alice")
		carol.expect("* nickname alice is taken")

		const n = 300
		var wg sync.WaitGroup
		for _, s := range []struct {
			c     *chatClient
			count int
		}{{alice, n}, {bob, n}, {dave, n / 3}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := bufio.NewWriter(s.c.conn)
				for i := range s.count {
					fmt.Fprintf(w, "%s %d\n", s.c.name, i)
				}
				w.Flush()
			}()
		}
		// Every member reads concurrently: a member that is not read falls
		// behind by more than its queue and is, rightly, disconnected.
		check := func(c *chatClient, from string, count int) {
			defer wg.Done()
			for i := 0; i < count; {
				got, err := c.line()
				if err != nil {
					t.Errorf("%s: after %d of %d messages: %v", c.name, i, count, err)
					return
				}
				if strings.HasPrefix(got, "* ") {
					continue
				}
				if want := fmt.Sprintf("<%s> %s %d", from, from, i); got != want {
					t.Errorf("%s: message %d: got %q, want %q", c.name, i, got, want)
					return
				}
				i++
			}
		}
		wg.Add(3)
		go check(alice, "bob", n)
		go check(bob, "alice", n)
		go check(carol, "dave", n/3)
		wg.Wait()
		// dave got nothing from red: /who's reply comes after anything
		// that was queued for him.
		dave.send("/who")
		got, skipped := dave.expect("* in #")
		if got != "* in #blue: carol dave" {
			t.Errorf("dave /who: %q", got)
		}
		for _, s := range skipped {
			if !strings.HasPrefix(s, "* ") {
				t.Errorf("dave got %q from another room", s)
			}
		}
		bob.send("/quit")
		bob.expect("* bye")
		if _, err := bob.line(); err != io.EOF {
			t.Errorf("bob after /quit: %v, want EOF", err)
		}
		alice.expect("* bob left #red (quit)")
	})
}

// TestSlowClient has a member that never reads: once its queue is full it
// is disconnected, while a reading member receives every message, in
// order, within a bounded time.
func TestSlowClient(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		const queue = 64
		srv := startChat(t, bin, "-queue", strconv.Itoa(queue))
		fast, sender := connect(t, srv.Addr, "fast"), connect(t, srv.Addr, "sender")
		// The slow client's receive buffer is small, so the server's send
		// buffer and then its queue fill soon.
		d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
		}}
		slowConn, err := d.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { slowConn.Close() })
		fast.join("room")
		io.WriteString(slowConn, "/nick slow\n/join room\n")
		sender.join("room")
		for seen := map[string]bool{}; !seen["slow"] || !seen["sender"]; {
			line, _ := fast.expect("* ")
			if who, ok := strings.CutSuffix(line, " joined #room"); ok {
				seen[strings.TrimPrefix(who, "* ")] = true
			}
		}

		// The sender keeps at most window lines ahead of what fast has
		// received, less than the queue: fast is never the slow one. It
		// sends until the slow client has been dropped (however much the
		// kernel buffers for it), then 1000 lines more.
		const maxLines, window = 100_000, queue / 2
		payload := strings.Repeat("x", 500)
		var received, stopAt atomic.Int64
		stopAt.Store(maxLines)
		start := time.Now()
		sent := make(chan int, 1)
		go func() {
			w := bufio.NewWriter(sender.conn)
			i := 0
			for ; int64(i) < stopAt.Load(); i++ {
				for int64(i)-received.Load() >= window {
					if time.Since(start) > time.Minute {
						sent <- -1 // fast stopped receiving
						return
					}
					w.Flush()
					time.Sleep(100 * time.Microsecond)
				}
				fmt.Fprintf(w, "%d %s\n", i, payload)
			}
			w.Flush()
			sent <- i
		}()
		// The sender sends exactly stopAt lines: stopAt only drops, once,
		// while the sender is at most window lines ahead of fast.
		dropped := false
		i := 0
		for int64(i) < stopAt.Load() {
			s, err := fast.line()
			if err != nil {
				t.Fatalf("fast: after %d lines: %v", i, err)
			}
			if s == "* slow left #room (disconnected: too slow)" {
				dropped = true
				stopAt.Store(int64(i) + 1000)
				t.Logf("slow dropped after %d lines (%d kB)", i, i*len(payload)/1000)
				continue
			}
			if strings.HasPrefix(s, "* ") {
				t.Fatalf("fast: unexpected notice %q", s)
			}
			if want := fmt.Sprintf("<sender> %d %s", i, payload); s != want {
				t.Fatalf("fast: line %d: got %.30q", i, s)
			}
			i++
			received.Store(int64(i))
		}
		if total := <-sent; total != i {
			t.Fatalf("the sender sent %d lines, fast received %d", total, i)
		}
		if el := time.Since(start); el > time.Minute {
			t.Errorf("fast took %v", el)
		}
		if !dropped {
			t.Fatalf("the slow client was not disconnected after %d lines of %d bytes", i, len(payload))
		}
		if !strings.Contains(srv.Logs(), "disconnecting slow") {
			t.Errorf("no log line for the disconnection:\n%s", srv.Logs())
		}
		// The server closed the slow client's socket: reading what was
		// buffered ends in EOF or a reset, not a timeout.
		slowConn.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err = io.Copy(io.Discard, slowConn)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("slow client's connection still open: %v", err)
		}
	})
}

// stats asks the server for its counters.
func stats(c *chatClient) map[string]int {
	c.t.Helper()
	c.send("/stats")
	line, _ := c.expect("* stats ")
	m := map[string]int{}
	for _, kv := range strings.Fields(strings.TrimPrefix(line, "* stats ")) {
		k, v, _ := strings.Cut(kv, "=")
		m[k], _ = strconv.Atoi(v)
	}
	return m
}

// TestCleanup connects clients that join rooms and leave in different
// ways (abrupt close, /quit, half-close, a line too long): membership,
// rooms, file descriptors and tasks return to what they were.
func TestCleanup(t *testing.T) {
	buildtest.ForEachBuild(t, ".", func(t *testing.T, bin string) {
		srv := startChat(t, bin)
		probe := connect(t, srv.Addr, "probe")
		// rt.Stats' task count is published by each worker when it parks,
		// so it lags: take the baseline once two readings agree.
		base := stats(probe)
		for range 50 {
			time.Sleep(50 * time.Millisecond)
			next := stats(probe)
			if fmt.Sprint(next) == fmt.Sprint(base) {
				break
			}
			base = next
		}
		if base["clients"] != 1 || base["rooms"] != 1 || base["fds"] <= 0 {
			t.Fatalf("baseline stats: %v", base)
		}
		const n = 24
		var clients []*chatClient
		for i := range n {
			c := connect(t, srv.Addr, "c"+strconv.Itoa(i))
			c.join("room" + strconv.Itoa(i%3))
			clients = append(clients, c)
		}
		if s := stats(probe); s["clients"] != n+1 || s["rooms"] != 4 {
			t.Fatalf("with %d clients: %v", n, s)
		}
		for i, c := range clients {
			c.send("hello from " + c.name)
			switch i % 4 {
			case 0:
				c.conn.Close()
			case 1:
				c.send("/quit")
			case 2:
				c.conn.(*net.TCPConn).CloseWrite()
			case 3:
				io.WriteString(c.conn, strings.Repeat("y", maxLine+10))
			}
		}
		for i, c := range clients {
			if i%4 == 0 {
				continue // closed by the test
			}
			// The server closes every other connection: reading ends in
			// EOF or a reset, not the deadline.
			c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.Copy(io.Discard, c.r); errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("%s: connection not closed by the server", c.name)
			}
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := stats(probe)
			if s["clients"] == 1 && s["rooms"] == 1 && s["fds"] == base["fds"] &&
				s["tasks"] == base["tasks"] && s["goroutines"] <= base["goroutines"] {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("resources not released: now %v, baseline %v", s, base)
			}
			time.Sleep(50 * time.Millisecond)
		}
		probe.send("/who")
		if got, _ := probe.expect("* in #"); got != "* in #lobby: probe" {
			t.Errorf("/who: %q", got)
		}
	})
}
