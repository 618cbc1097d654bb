package rt

import (
	"sync/atomic"
	"time"
)

// clock is the source of time of a timer wheel: the real monotonic clock
// of the process, or the virtual clock of a deterministic runtime. Times
// are nanoseconds since the clock's epoch.
type clock interface {
	// now returns the current time.
	now() int64
	// fromTime converts a time.Time to the clock's scale.
	fromTime(t time.Time) int64
	// toTime converts a clock time to a time.Time.
	toTime(ns int64) time.Time
}

// realClock is the process's monotonic clock; its epoch is the moment
// the package was initialised.
type realClock struct{ epoch time.Time }

var processClock = &realClock{epoch: time.Now()}

func (c *realClock) now() int64                 { return int64(time.Since(c.epoch)) }
func (c *realClock) fromTime(t time.Time) int64 { return int64(t.Sub(c.epoch)) }
func (c *realClock) toTime(ns int64) time.Time  { return c.epoch.Add(time.Duration(ns)) }

// virtualEpoch is where every virtual clock starts, so that traces of
// deterministic runs are identical from one process to the next.
var virtualEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// virtualClock only moves when told to (the deterministic executor jumps
// it to the next timer when nothing is runnable).
type virtualClock struct{ ns atomic.Int64 }

func (c *virtualClock) now() int64                 { return c.ns.Load() }
func (c *virtualClock) fromTime(t time.Time) int64 { return int64(t.Sub(virtualEpoch)) }
func (c *virtualClock) toTime(ns int64) time.Time  { return virtualEpoch.Add(time.Duration(ns)) }

// set moves the clock forward to ns (never backwards).
func (c *virtualClock) set(ns int64) {
	if ns > c.ns.Load() {
		c.ns.Store(ns)
	}
}
