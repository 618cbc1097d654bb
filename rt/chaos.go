package rt

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
)

// ChaosEnv is the environment variable that turns on chaos mode for a
// process: ASYNCGO_CHAOS=SEED or SEED:K (K defaults to 3). In chaos mode
// every suspension point of generated code is made pending 0 to K times,
// chosen by a PRNG seeded with SEED, before its child future is polled:
// code that is only correct when a child happens to complete at once, or
// in one particular order, fails under it. The compiler's tests run every
// program this way.
//
// Chaos mode also seeds the wake order: Run and RunFuture called without an
// option that chooses the scheduler (Workers, SingleThreaded,
// Deterministic) run as with Deterministic(SEED), so the next ready task is
// chosen by a PRNG seeded with SEED as well, and the same SEED replays the
// same schedule. Like every deterministic runtime, such a runtime has one
// thread and a virtual clock that jumps to the next timer when no task is
// runnable (see Deterministic). An explicit scheduler option wins over the
// environment; the process's default runtime (spawns outside any Run) is
// not affected.
const ChaosEnv = "ASYNCGO_CHAOS"

// chaos is the process's chaos state, nil when chaos mode is off.
var chaos = parseChaos(os.Getenv(ChaosEnv))

type chaosState struct {
	seed    uint64 // SEED, also the seed of Run's deterministic mode
	mu      sync.Mutex
	rng     *rand.Rand
	max     int
	streaks map[Wakeable]int // consecutive injected pendings per task
}

func parseChaos(v string) *chaosState {
	if v == "" {
		return nil
	}
	seedText, kText, hasK := strings.Cut(v, ":")
	seed, err := strconv.ParseUint(seedText, 10, 64)
	k := 3
	if err == nil && hasK {
		k, err = strconv.Atoi(kText)
	}
	if err != nil || k < 0 {
		panic(fmt.Sprintf("rt: %s=%q: want SEED or SEED:K with non-negative integers", ChaosEnv, v))
	}
	return &chaosState{seed: seed, rng: rand.New(rand.NewPCG(seed, 0x6173796e63676f)), max: k, streaks: map[Wakeable]int{}}
}

// InjectPending is called by generated code at every suspension point,
// just before it polls the child future there. It returns false, at the
// cost of one predictable branch, unless the process runs in chaos mode
// (see ChaosEnv); then it may instead wake the task and return true, and
// the caller returns pending and retries the same point when polled again.
// A point is made pending at most K times in a row.
func (cx *Context) InjectPending() bool {
	if chaos == nil {
		return false
	}
	return chaos.inject(cx)
}

func (c *chaosState) inject(cx *Context) bool {
	key := cx.waker.target
	c.mu.Lock()
	n := c.streaks[key]
	pend := n < c.max && c.rng.IntN(2) == 0
	if pend {
		c.streaks[key] = n + 1
	} else {
		delete(c.streaks, key)
	}
	c.mu.Unlock()
	if pend {
		cx.waker.Wake()
	}
	return pend
}
