// Command benchall builds asyncgo's example servers and the goroutine,
// gnet and redis-server baselines, runs every workload against each of them
// side by side in one run, and writes docs/benchmarks/README.md,
// results.json and chart.svg.
//
// Usage (from the bench directory):
//
//	go run ./cmd/benchall              # full run (5 rounds), about 13 minutes
//	go run ./cmd/benchall -quick       # smoke run, about 1.5 minutes
//	go run ./cmd/benchall -rounds 1    # full run, one round: about 5 minutes
//	go run ./cmd/benchall -only echo,idle -out /tmp/b
//
// Every server is a separate process started on a free loopback port and
// checked for correct answers before it is measured; a server that fails
// its check or its run gets a failed row with the reason, and the run
// goes on. All processes are killed on exit and on SIGINT/SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/asyncgo/asyncgo/bench/internal/proc"
	"github.com/asyncgo/asyncgo/bench/internal/report"
)

// idleLevel is one idle-connection measurement: n connections (0 for as
// many as RLIMIT_NOFILE allows), each used for one echo first or not.
type idleLevel struct {
	n    int
	used bool
}

// config holds the durations and sizes of one mode.
type config struct {
	mode             string
	echoConns        []int
	echoWarm         time.Duration
	echoDur          time.Duration
	httpConns        int
	httpWarm         time.Duration
	httpDur          time.Duration
	idleLevels       []idleLevel
	idleSettleMin    time.Duration
	idleSettleMax    time.Duration
	kvN1, kvN16      int // redis-benchmark -n for -P 1 and -P 16
	kvKeyspace       int // redis-benchmark -r
	kvKeys           int // keys loaded for the memory row
	memSettle        time.Duration
	clientTimeoutPad time.Duration
	rounds           int           // measurements of each throughput row; the median is reported
	instrDur         time.Duration // load applied while instructions are counted
}

func fullConfig() config {
	return config{
		mode:      "full",
		echoConns: []int{50, 1000}, echoWarm: 2 * time.Second, echoDur: 6 * time.Second,
		httpConns: 100, httpWarm: 2 * time.Second, httpDur: 6 * time.Second,
		idleLevels: []idleLevel{{10000, true}, {0, true}, {10000, false}}, idleSettleMin: 3 * time.Second, idleSettleMax: 20 * time.Second,
		kvN1: 300000, kvN16: 3000000, kvKeyspace: 100000, kvKeys: 1000000,
		memSettle: 3 * time.Second, clientTimeoutPad: 90 * time.Second,
		rounds: 5, instrDur: 4 * time.Second,
	}
}

func quickConfig() config {
	return config{
		mode:      "quick",
		echoConns: []int{50, 1000}, echoWarm: 1 * time.Second, echoDur: 2 * time.Second,
		httpConns: 100, httpWarm: 1 * time.Second, httpDur: 2 * time.Second,
		idleLevels: []idleLevel{{10000, true}, {0, true}}, idleSettleMin: 1 * time.Second, idleSettleMax: 5 * time.Second,
		kvN1: 40000, kvN16: 400000, kvKeyspace: 100000, kvKeys: 100000,
		memSettle: 500 * time.Millisecond, clientTimeoutPad: 60 * time.Second,
		rounds: 1, instrDur: 2 * time.Second,
	}
}

// workloads in the order they run and appear in the report.
var workloads = []string{"echo", "http", "idle", "kv", "kv-memory", "instructions"}

func main() {
	quick := flag.Bool("quick", false, "short smoke run (about 2 minutes) instead of the full run")
	out := flag.String("out", "", "directory for README.md, results.json and chart.svg (default: <repo>/docs/benchmarks)")
	only := flag.String("only", "", "comma-separated workloads to run: "+strings.Join(workloads, ","))
	rounds := flag.Int("rounds", 0, "measure each throughput row this many times and report the median (0: 5 in the full run, 1 with -quick)")
	from := flag.String("from", "", "run nothing: re-render README.md and chart.svg (into -out, default beside it) from this results.json")
	idleMax := flag.Int("idle-max", 0, "cap on the largest idle-connection level (0: as many as RLIMIT_NOFILE allows)")
	flag.Parse()
	log.SetFlags(log.Ltime)
	log.SetPrefix("benchall: ")

	if *from != "" {
		os.Exit(rerender(*from, *out))
	}
	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	if *rounds > 0 {
		cfg.rounds = *rounds
	}
	selected := workloads
	if *only != "" {
		selected = strings.Split(*only, ",")
		for _, w := range selected {
			if !slices.Contains(workloads, w) {
				log.Fatalf("-only: unknown workload %q (have %s)", w, strings.Join(workloads, ","))
			}
		}
	}

	// Servers run with the Go runtime's defaults (GOGC=100, GOMAXPROCS =
	// cores), whatever the caller's environment says.
	for _, v := range []string{"GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GODEBUG"} {
		os.Unsetenv(v)
	}
	nofile := raiseNoFile()

	h := &harness{cfg: cfg, group: proc.NewGroup()}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		// Wait for a report being written to be complete; then no
		// partial report can be written any more.
		h.writeMu.Lock()
		h.interrupted = true
		log.Printf("%v: killing every process; no report written", s)
		h.group.StopAll()
		h.cleanup()
		os.Exit(130)
	}()
	code := h.run(selected, *out, *idleMax, nofile)
	h.group.StopAll()
	h.cleanup()
	os.Exit(code)
}

// run builds, runs the selected workloads and writes the report. It
// returns the exit status.
func (h *harness) run(selected []string, outDir string, idleMax int, nofile uint64) int {
	start := time.Now()
	root, err := repoRoot()
	if err != nil {
		log.Print(err)
		return 1
	}
	if outDir == "" {
		outDir = filepath.Join(root, "docs", "benchmarks")
	}
	if err := h.build(root); err != nil {
		log.Print(err)
		return 1
	}
	run := &report.Run{Date: start.UTC(), Mode: h.cfg.mode, Command: command(), Machine: describeMachine(nofile)}
	for _, w := range selected {
		var secs []*report.Section
		switch w {
		case "echo":
			secs = h.echo()
		case "http":
			secs = h.http()
		case "idle":
			secs = h.idle(nofile, idleMax)
		case "kv":
			secs = h.kv()
		case "kv-memory":
			secs = h.kvMemory()
		case "instructions":
			secs = h.instructions()
		}
		run.Sections = append(run.Sections, secs...)
	}
	run.Targets = report.Targets(run.Sections)
	run.Notes = h.notes()
	run.Elapsed = time.Since(start).Seconds()
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	if h.interrupted {
		return 130
	}
	if err := report.Write(outDir, run); err != nil {
		log.Print(err)
		return 1
	}
	log.Printf("done in %v; wrote %s", time.Since(start).Round(time.Second), outDir)
	fmt.Print(report.Markdown(run))
	return 0
}

// command is how this run was invoked, as a reproducible shell command.
func command() string {
	return strings.TrimSpace("cd bench && go run ./cmd/benchall " + strings.Join(os.Args[1:], " "))
}

// raiseNoFile lifts RLIMIT_NOFILE as far as allowed (children inherit it)
// and returns the resulting hard limit.
func raiseNoFile() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		log.Fatalf("getrlimit: %v", err)
	}
	// Try the kernel's ceiling first (needs CAP_SYS_RESOURCE), then the
	// current hard limit.
	if b, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
		var nrOpen uint64
		if _, err := fmt.Sscan(string(b), &nrOpen); err == nil && nrOpen > l.Max {
			if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: nrOpen, Max: nrOpen}) == nil {
				return nrOpen
			}
		}
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		log.Printf("setrlimit: %v", err)
	}
	return l.Max
}

// rerender rewrites the report files from a saved results.json, with the
// targets re-evaluated, so the renderer can change without a new run.
func rerender(from, outDir string) int {
	run, err := report.Read(from)
	if err != nil {
		log.Print(err)
		return 1
	}
	if outDir == "" {
		outDir = filepath.Dir(from)
	}
	run.Targets = report.Targets(run.Sections)
	if err := report.Write(outDir, run); err != nil {
		log.Print(err)
		return 1
	}
	log.Printf("re-rendered %s into %s", from, outDir)
	return 0
}
