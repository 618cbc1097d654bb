package store

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asyncgo/asyncgo/internal/race"
)

// clock is a settable fake clock in Unix milliseconds.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() int64 { return c.ms.Load() }

func newTest(shards int) (*Store, *clock) {
	c := &clock{}
	c.ms.Store(1_000_000)
	return NewWith(Options{Shards: shards, Now: c.now}), c
}

// run executes a command given as space-separated words and returns the
// reply.
func run(s *Store, cmd string) string {
	var args [][]byte
	for _, w := range strings.Fields(cmd) {
		args = append(args, []byte(w))
	}
	return string(s.Exec(args, nil))
}

type step struct{ cmd, want string }

func check(t *testing.T, s *Store, steps []step) {
	t.Helper()
	for _, st := range steps {
		if got := run(s, st.cmd); got != st.want {
			t.Errorf("%s: got %q, want %q", st.cmd, got, st.want)
		}
	}
}

func TestCommands(t *testing.T) {
	for _, shards := range []int{1, 64} {
		t.Run(strconv.Itoa(shards), func(t *testing.T) {
			s, _ := newTest(shards)
			check(t, s, []step{
				{"PING", "+PONG\r\n"},
				{"ping hi", "$2\r\nhi\r\n"},
				{"PING a b", "-ERR wrong number of arguments for 'ping' command\r\n"},
				{"ECHO x", "$1\r\nx\r\n"},
				{"GET k", "$-1\r\n"},
				{"SET k v", "+OK\r\n"},
				{"get k", "$1\r\nv\r\n"},
				{"SET k longer", "+OK\r\n"},
				{"GET k", "$6\r\nlonger\r\n"},
				{"SET k shorts", "+OK\r\n"}, // same length: in place
				{"GET k", "$6\r\nshorts\r\n"},
				{"SET k v NX", "$-1\r\n"},
				{"SET n v XX", "$-1\r\n"},
				{"SET n v NX", "+OK\r\n"},
				{"SET n w XX GET", "$1\r\nv\r\n"},
				{"SET n v NX XX", "-ERR syntax error\r\n"},
				{"SET n v EX", "-ERR syntax error\r\n"},
				{"SET n v EX 0", "-ERR invalid expire time in 'set' command\r\n"},
				{"SET n v EX x", "-ERR value is not an integer or out of range\r\n"},
				{"SET n v EX 1 PX 1", "-ERR syntax error\r\n"},
				{"SET n v FOO", "-ERR syntax error\r\n"},
				{"SET k", "-ERR wrong number of arguments for 'set' command\r\n"},
				{"EXISTS k n x", ":2\r\n"},
				{"DEL k x n", ":2\r\n"},
				{"EXISTS k", ":0\r\n"},
				{"INCR c", ":1\r\n"},
				{"INCRBY c 41", ":42\r\n"},
				{"DECR c", ":41\r\n"},
				{"DECRBY c 51", ":-10\r\n"},
				{"GET c", "$3\r\n-10\r\n"},
				{"SET c 9223372036854775807", "+OK\r\n"},
				{"INCR c", "-ERR increment or decrement would overflow\r\n"},
				{"SET c x", "+OK\r\n"},
				{"INCR c", "-ERR value is not an integer or out of range\r\n"},
				{"MSET a 1 b 2 c 3", "+OK\r\n"},
				{"MSET a 1 b", "-ERR wrong number of arguments for 'mset' command\r\n"},
				{"MGET a x c", "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"},
				{"DBSIZE", ":3\r\n"},
				{"TTL a", ":-1\r\n"},
				{"TTL zz", ":-2\r\n"},
				{"EXPIRE zz 10", ":0\r\n"},
				{"EXPIRE a 10", ":1\r\n"},
				{"TTL a", ":10\r\n"},
				{"PTTL a", ":10000\r\n"},
				{"EXPIRE a 20 NX", ":0\r\n"},
				{"EXPIRE a 5 GT", ":0\r\n"},
				{"EXPIRE a 20 GT", ":1\r\n"},
				{"PEXPIRE a 1500 LT", ":1\r\n"},
				{"TTL a", ":2\r\n"},
				{"PERSIST a", ":1\r\n"},
				{"PERSIST a", ":0\r\n"},
				{"TTL a", ":-1\r\n"},
				{"EXPIRE a -1", ":1\r\n"},
				{"EXISTS a", ":0\r\n"},
				{"SELECT 0", "+OK\r\n"},
				{"SELECT 1", "-ERR DB index is out of range\r\n"},
				{"COMMAND DOCS", "*0\r\n"},
				{"CONFIG GET save appendonly", "*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"},
				{"FOO a b", "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n"},
				{"FLUSHALL", "+OK\r\n"},
				{"DBSIZE", ":0\r\n"},
				{"QUIT", "+OK\r\n"},
			})
		})
	}
}

func TestEmptyKeyAndValue(t *testing.T) {
	s, _ := newTest(4)
	out := s.Exec([][]byte{[]byte("SET"), {}, {}}, nil)
	out = s.Exec([][]byte{[]byte("GET"), {}}, out)
	out = s.Exec([][]byte{[]byte("EXPIRE"), {}, []byte("5")}, out)
	out = s.Exec([][]byte{[]byte("TTL"), {}}, out)
	if string(out) != "+OK\r\n$0\r\n\r\n:1\r\n:5\r\n" {
		t.Fatalf("got %q", out)
	}
}

func TestExpiry(t *testing.T) {
	s, c := newTest(8)
	check(t, s, []step{
		{"SET a 1 PX 100", "+OK\r\n"},
		{"SET b 1 EX 1", "+OK\r\n"},
		{"SET c 1", "+OK\r\n"},
		{"SET d 1 PXAT 1000500", "+OK\r\n"},
		{"SET e 1 EXAT 999", "+OK\r\n"}, // in the past
		{"EXISTS e", ":0\r\n"},
		{"PTTL a", ":100\r\n"},
		{"PTTL d", ":500\r\n"},
		{"INCR b", ":2\r\n"}, // keeps the deadline
		{"PTTL b", ":1000\r\n"},
		{"SET d 22 KEEPTTL", "+OK\r\n"}, // new allocation, deadline kept
		{"PTTL d", ":500\r\n"},
		{"SET b 3", "+OK\r\n"}, // clears it
		{"TTL b", ":-1\r\n"},
	})
	c.ms.Add(100)
	check(t, s, []step{
		{"GET a", "$-1\r\n"}, // lazily deleted
		{"GET d", "$2\r\n22\r\n"},
	})
	c.ms.Add(400)
	check(t, s, []step{{"MGET d c", "*2\r\n$-1\r\n$1\r\n1\r\n"}})
	if n := s.Len(); n != 2 { // b and c
		t.Fatalf("Len = %d, want 2", n)
	}
}

func TestActiveExpire(t *testing.T) {
	s, c := newTest(16)
	const n = 10000
	for i := range n {
		ttl := "100"
		if i%2 == 0 {
			ttl = "100000"
		}
		run(s, fmt.Sprintf("SET k%d v PX %s", i, ttl))
	}
	run(s, "SET forever v")
	c.ms.Add(200)
	// One call does bounded work.
	if got := s.ActiveExpire(100); got > 100 || got == 0 {
		t.Fatalf("ActiveExpire(100) deleted %d", got)
	}
	// Repeated calls remove (nearly) all expired keys without touching
	// the others: the loop stops when a sample finds few expired keys.
	for range 2000 {
		s.ActiveExpire(1000)
	}
	if got := s.Len(); got > n/2+1+n/20 || got < n/2+1 {
		t.Fatalf("after sweeping: %d keys, want about %d", got, n/2+1)
	}
	// Lazy expiry takes care of the rest; no live key was lost.
	for i := range n {
		want := "$-1\r\n"
		if i%2 == 0 {
			want = "$1\r\nv\r\n"
		}
		if got := run(s, fmt.Sprintf("GET k%d", i)); got != want {
			t.Fatalf("GET k%d = %q", i, got)
		}
	}
	if got := s.Len(); got != n/2+1 {
		t.Fatalf("Len = %d", got)
	}
}

// TestConcurrent hammers one store from many goroutines (run it with
// -race): INCR must not lose updates, MSET/MGET must be atomic.
func TestConcurrent(t *testing.T) {
	s := New()
	const workers, iters = 8, 2000
	var wg sync.WaitGroup
	var bad atomic.Int32
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out []byte
			for i := range iters {
				out = s.Exec([][]byte{[]byte("INCR"), []byte("counter")}, out[:0])
				v := []byte(strconv.Itoa(w*iters + i))
				out = s.Exec([][]byte{[]byte("MSET"), []byte("x"), v, []byte("y"), v}, out[:0])
				out = s.Exec([][]byte{[]byte("MGET"), []byte("x"), []byte("y")}, out[:0])
				// The two values in the reply must be equal.
				parts := strings.Split(string(out), "\r\n")
				if len(parts) < 5 || parts[2] != parts[4] {
					bad.Add(1)
				}
				s.Exec([][]byte{[]byte("SET"), []byte("t" + strconv.Itoa(i%50)), v, []byte("PX"), []byte("1")}, nil)
				if i%100 == 0 {
					s.ActiveExpire(50)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d MGET replies saw a half-done MSET", bad.Load())
	}
	if got := run(s, "GET counter"); got != fmt.Sprintf("$5\r\n%d\r\n", workers*iters) {
		t.Fatalf("counter = %q", got)
	}
}

func TestExecAllocs(t *testing.T) {
	s := New()
	set := [][]byte{[]byte("SET"), []byte("key:000000000001"), []byte("xxx")}
	get := [][]byte{[]byte("GET"), []byte("key:000000000001")}
	out := make([]byte, 0, 256)
	s.Exec(set, out)
	allocs := testing.AllocsPerRun(1000, func() {
		out = s.Exec(set, out[:0]) // same length: overwritten in place
		out = s.Exec(get, out[:0])
	})
	if allocs != 0 {
		t.Fatalf("SET+GET of an existing key: %v allocations, want 0", allocs)
	}
}

// heapPerKey fills a store with n keys like redis-benchmark's
// ("key:%012d", a 3-byte value) and returns the heap growth per key.
func heapPerKey(t testing.TB, n int, withTTL bool) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := New()
	var key [16]byte
	val := []byte("xxx")
	var out []byte
	setArgs := [][]byte{[]byte("SET"), nil, val}
	if withTTL {
		setArgs = append(setArgs, []byte("EX"), []byte("3600"))
	}
	for i := range n {
		k := fmt.Appendf(key[:0], "key:%012d", i)
		setArgs[1] = k
		out = s.Exec(setArgs, out[:0])
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if s.Len() != n {
		t.Fatalf("Len = %d", s.Len())
	}
	runtime.KeepAlive(s)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// TestHeapPerKey measures the heap one key costs with 1M keys (16-byte
// key, 3-byte value), with and without a deadline, and fails if it grows
// past a generous bound. Under the race detector, which makes filling the
// store slow, it uses 250k keys.
func TestHeapPerKey(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: fills a store with 1M keys")
	}
	n := 1_000_000
	if race.Enabled {
		n = 250_000
	}
	plain := heapPerKey(t, n, false)
	ttl := heapPerKey(t, n, true)
	t.Logf("heap per key, %d keys of 16 B with 3-byte values: %.1f B; with a deadline: %.1f B", n, plain, ttl)
	if plain > 80 || ttl > 100 {
		t.Fatalf("heap per key too large: %.1f B plain, %.1f B with TTL", plain, ttl)
	}
}

// BenchmarkExec compares a single lock with the default sharding on a
// parallel 50/50 GET/SET load over 100k keys.
func BenchmarkExec(b *testing.B) {
	for _, shards := range []int{1, 64} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			s := NewWith(Options{Shards: shards})
			for i := range 100000 {
				s.Set(fmt.Appendf(nil, "key:%012d", i), []byte("xxx"))
			}
			var seq atomic.Uint64
			b.RunParallel(func(pb *testing.PB) {
				x := seq.Add(1) * 7919
				out := make([]byte, 0, 64)
				var key [16]byte
				set := [][]byte{[]byte("SET"), nil, []byte("yyy")}
				get := [][]byte{[]byte("GET"), nil}
				for pb.Next() {
					x = x*6364136223846793005 + 1442695040888963407
					k := fmt.Appendf(key[:0], "key:%012d", (x>>33)%100000)
					if x&(1<<20) != 0 {
						set[1] = k
						out = s.Exec(set, out[:0])
					} else {
						get[1] = k
						out = s.Exec(get, out[:0])
					}
				}
			})
		})
	}
}

// TestTableModel checks the open-addressing table against a Go map over a
// random mix of inserts, overwrites (changing length and deadline layout)
// and deletes on a small key space, so probe runs wrap and shift often.
func TestTableModel(t *testing.T) {
	s, c := newTest(1)
	model := map[string]string{}
	x := uint64(1)
	for i := range 200000 {
		x = x*6364136223846793005 + 1442695040888963407
		k := "k" + strconv.Itoa(int(x>>40)%300)
		switch op := (x >> 20) % 8; {
		case op < 3:
			v := strings.Repeat("v", int(x>>50)%5)
			run(s, "SET "+k+" x"+v)
			model[k] = "x" + v
		case op == 3:
			run(s, "SET "+k+" y PX 1000000")
			model[k] = "y"
		case op == 4:
			run(s, "EXPIRE "+k+" 1000")
		case op == 5:
			run(s, "PERSIST "+k)
		default:
			run(s, "DEL "+k)
			delete(model, k)
		}
		if i%1000 == 0 {
			c.ms.Add(1)
		}
	}
	if s.Len() != len(model) {
		t.Fatalf("Len = %d, model has %d", s.Len(), len(model))
	}
	for i := range 300 {
		k := "k" + strconv.Itoa(i)
		want := "$-1\r\n"
		if v, ok := model[k]; ok {
			want = fmt.Sprintf("$%d\r\n%s\r\n", len(v), v)
		}
		if got := run(s, "GET "+k); got != want {
			t.Fatalf("GET %s = %q, want %q", k, got, want)
		}
	}
}

// FuzzExec runs arbitrary commands (split from the input on spaces)
// against a small store and checks that Exec never panics and always
// appends exactly one well-formed reply.
func FuzzExec(f *testing.F) {
	for _, s := range []string{"SET k v EX 10 NX GET", "INCRBY k -9223372036854775808", "MSET a 1 b", "EXPIRE k 5 GT LT", "SET k v PXAT 1"} {
		f.Add(s)
	}
	s, c := newTest(4)
	f.Fuzz(func(t *testing.T, cmd string) {
		var args [][]byte
		for _, w := range strings.Split(cmd, " ") {
			args = append(args, []byte(w))
		}
		c.ms.Add(7)
		out := s.Exec(args, nil)
		// One reply: a known type byte, ending in CRLF.
		if len(out) < 3 || string(out[len(out)-2:]) != "\r\n" || !strings.ContainsRune("+-:$*", rune(out[0])) {
			t.Fatalf("%q: malformed reply %q", cmd, out)
		}
		s.ActiveExpire(10)
	})
}
