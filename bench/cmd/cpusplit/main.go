// Command cpusplit reads the samples of `perf script` (perf record with
// call graphs, -g) on standard input and splits a server's CPU time by
// where it was spent: each system call the server makes (send, read,
// epoll_wait, futex, nanosleep, others), the kernel outside system calls
// (interrupts, page faults), and user space. It is how bench/README.md
// shows that most of a loopback server's CPU is the kernel's TCP path,
// which every server pays alike.
//
// Usage, with a server running as PID under load:
//
//	perf record -e cpu-clock -g -p PID -o perf.data -- sleep 5
//	perf script -i perf.data | go run ./cmd/cpusplit
//	perf script -i perf.data | go run ./cmd/cpusplit -cpu 4.6 -ops 512000
//
// With -cpu (the server's CPU seconds over the recording, from
// /proc/PID/stat) and -ops (the operations it served meanwhile), each
// share is also given in microseconds per operation. The classification
// looks at the kernel frame under do_syscall_64 of each sample's call
// chain, so it needs call graphs that reach the kernel entry.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
)

func main() {
	cpu := flag.Float64("cpu", 0, "the server's CPU seconds over the recording (with -ops: microseconds per operation)")
	ops := flag.Float64("ops", 0, "operations the server served over the recording")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("cpusplit: ")
	s, err := split(os.Stdin)
	if err != nil {
		log.Fatal(err)
	}
	if s.total == 0 {
		log.Fatal("no samples on standard input (pipe `perf script` output in)")
	}
	write(os.Stdout, s, *cpu, *ops)
}

// Categories, in the order they are printed when their counts tie.
const (
	catSend      = "send (sendto, write)"
	catRead      = "read (read, recvfrom)"
	catEpoll     = "epoll_wait"
	catFutex     = "futex"
	catSleep     = "nanosleep"
	catEntry     = "system call entry and exit"
	catSyscall   = "other system calls"
	catKernel    = "kernel outside system calls"
	catUser      = "user space"
	catUnclassed = "unclassified"
)

var order = []string{catSend, catRead, catEpoll, catFutex, catSleep, catEntry, catSyscall, catKernel, catUser, catUnclassed}

// syscallCategory maps the kernel function called by do_syscall_64 to a
// category; names not listed are other system calls.
func syscallCategory(fn string) string {
	switch {
	case fn == "":
		return catEntry // the sample is in do_syscall_64 itself
	case strings.Contains(fn, "sendto"), strings.Contains(fn, "sendmsg"), fn == "ksys_write", strings.HasSuffix(fn, "sys_write"), strings.HasSuffix(fn, "sys_writev"):
		return catSend
	case fn == "ksys_read", strings.HasSuffix(fn, "sys_read"), strings.Contains(fn, "recvfrom"), strings.Contains(fn, "recvmsg"), strings.HasSuffix(fn, "sys_readv"):
		return catRead
	case strings.Contains(fn, "epoll_wait"), strings.Contains(fn, "epoll_pwait"):
		return catEpoll
	case strings.Contains(fn, "futex"):
		return catFutex
	case strings.Contains(fn, "nanosleep"):
		return catSleep
	case fn == "exit_to_user_mode_loop", fn == "syscall_exit_to_user_mode", fn == "x64_sys_call", strings.Contains(fn, "return_thunk"):
		return catEntry
	}
	return catSyscall
}

// samples counts samples per category.
type samples struct {
	count map[string]int
	total int
}

// split reads perf script output: a header line per sample, then one
// indented line per frame, leaf first, then a blank line.
func split(r io.Reader) (*samples, error) {
	s := &samples{count: map[string]int{}}
	var (
		in       bool   // inside a sample
		cat      string // category once decided
		kernel   bool   // saw a kernel frame
		prev     string // the previous (deeper) frame's function
		anyFrame bool
	)
	end := func() {
		if !in {
			return
		}
		switch {
		case cat != "":
		case kernel:
			cat = catKernel
		case anyFrame:
			cat = catUser
		default:
			cat = catUnclassed
		}
		s.count[cat]++
		s.total++
		in, cat, kernel, prev, anyFrame = false, "", false, "", false
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			end()
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			end() // a header without a blank line before it
			in = true
			continue
		}
		if !in {
			continue
		}
		fn, module := frame(line)
		anyFrame = true
		if strings.Contains(module, "kernel.kallsyms") {
			kernel = true
		}
		if cat == "" && fn == "do_syscall_64" {
			cat = syscallCategory(prev)
		}
		prev = fn
	}
	end()
	return s, sc.Err()
}

// frame parses "\tffffffff81e2e560 sock_recvmsg+0x50 ([kernel.kallsyms])"
// into the function name and the module in parentheses.
func frame(line string) (fn, module string) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", ""
	}
	fn = f[1]
	if i := strings.LastIndex(fn, "+0x"); i > 0 {
		fn = fn[:i]
	}
	if i := strings.LastIndexByte(line, '('); i >= 0 {
		module = strings.TrimSuffix(line[i+1:], ")")
	}
	return fn, module
}

// write prints the split as a markdown table, largest share first.
func write(w io.Writer, s *samples, cpu, ops float64) {
	perOp := cpu > 0 && ops > 0
	cats := make([]string, 0, len(s.count))
	for c := range s.count {
		cats = append(cats, c)
	}
	rank := map[string]int{}
	for i, c := range order {
		rank[c] = i
	}
	sort.Slice(cats, func(i, j int) bool {
		if s.count[cats[i]] != s.count[cats[j]] {
			return s.count[cats[i]] > s.count[cats[j]]
		}
		return rank[cats[i]] < rank[cats[j]]
	})
	if perOp {
		fmt.Fprintf(w, "%d samples; %.3g CPU-s over %.0f operations: %.3f µs per operation\n\n", s.total, cpu, ops, cpu*1e6/ops)
		fmt.Fprintln(w, "| where | share | µs per operation |")
		fmt.Fprintln(w, "|---|---:|---:|")
	} else {
		fmt.Fprintf(w, "%d samples\n\n", s.total)
		fmt.Fprintln(w, "| where | share |")
		fmt.Fprintln(w, "|---|---:|")
	}
	for _, c := range cats {
		share := float64(s.count[c]) / float64(s.total)
		if perOp {
			fmt.Fprintf(w, "| %s | %.1f%% | %.3f |\n", c, 100*share, share*cpu*1e6/ops)
		} else {
			fmt.Fprintf(w, "| %s | %.1f%% |\n", c, 100*share)
		}
	}
}
