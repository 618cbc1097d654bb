package rt

import (
	"strings"
	"testing"
)

// withChaos runs fn with the process in chaos mode ASYNCGO_CHAOS=v (as if
// the variable had been set at start-up), then restores the mode.
func withChaos(v string, fn func()) {
	saved := chaos
	defer func() { chaos = saved }()
	chaos = parseChaos(v)
	fn()
}

// traceRun runs detRoot's program with RunFuture and the given options and
// returns its log (the order in which the tasks ran, with virtual times
// when the runtime is deterministic).
func traceRun(opts ...Option) string {
	var log []string
	RunFuture(detRoot{k: 12, log: &log}, opts...)
	return strings.Join(log, "\n")
}

// TestChaosSeedsWakeOrder: with ASYNCGO_CHAOS=SEED[:K] set, RunFuture and
// Run without a scheduler option run deterministically with SEED: the
// trace equals that of Deterministic(SEED), repeats bit for bit, and
// another seed gives another order. An explicit option wins.
func TestChaosSeedsWakeOrder(t *testing.T) {
	var a1, a2, b string
	withChaos("11:0", func() { a1 = traceRun(); a2 = traceRun() })
	withChaos("12:0", func() { b = traceRun() })
	want11 := detTrace(11)
	if a1 != want11 {
		t.Fatalf("ASYNCGO_CHAOS=11:0: trace differs from Deterministic(11):\n%s\n--- want:\n%s", a1, want11)
	}
	if a1 != a2 {
		t.Fatal("ASYNCGO_CHAOS=11:0: two runs gave different traces")
	}
	if b == a1 {
		t.Fatal("ASYNCGO_CHAOS=12:0 gave the same trace as seed 11: the wake order is not seeded")
	}
	// With K > 0 injected pendings as well: still reproducible (the chaos
	// PRNG is reset between runs, as it would be in a new process).
	var c1, c2 string
	withChaos("5:3", func() { c1 = traceRun() })
	withChaos("5:3", func() { c2 = traceRun() })
	if c1 != c2 {
		t.Fatal("ASYNCGO_CHAOS=5:3: two runs gave different traces")
	}

	// Run(main) too: main runs in a deterministic runtime (the scheduler
	// runs inside its blocking calls).
	withChaos("11:0", func() {
		var det bool
		Run(func() { det = currentG().exec.det != nil })
		if !det {
			t.Fatal("Run under ASYNCGO_CHAOS did not run deterministically")
		}
		// An explicit scheduler option wins over the environment.
		for _, opt := range []Option{Workers(2), SingleThreaded()} {
			var got bool
			var log []string
			RunFuture(detProbe{det: &got, log: &log}, opt)
			if got {
				t.Fatal("an explicit Workers/SingleThreaded option was overridden by ASYNCGO_CHAOS")
			}
		}
		if tr := traceRun(Deterministic(12)); tr != b {
			t.Fatal("an explicit Deterministic(12) under ASYNCGO_CHAOS=11 did not use seed 12")
		}
	})
}

// detProbe records whether it runs in a deterministic runtime.
type detProbe struct {
	det *bool
	log *[]string
}

func (f *detProbe) Poll(*Context) bool {
	*f.det = currentG().exec.det != nil
	return true
}
func (f *detProbe) Cancel() {}
