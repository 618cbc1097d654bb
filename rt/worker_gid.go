package rt

import (
	"sync"
	"sync/atomic"
)

// Goroutine identity.
//
// Go has no goroutine-local storage, yet the executor needs to know, in
// Wake, Spawn and BlockOn, whether the calling goroutine is one of its
// workers (to use the worker's LIFO slot and local queue, to pick the
// current runtime, to refuse blocking). Every worker goroutine, and the
// goroutine running Run's main function, registers its identity (getg)
// in gidTable, a copy-on-write map read with one atomic load; it
// deregisters before exiting, so a recycled goroutine is never mistaken
// for a worker.

// gidEntry is what a registered goroutine is.
type gidEntry struct {
	exec   *executor
	worker *worker // nil for Run's main goroutine (BlockOn allowed there)
}

var gidTable struct {
	mu sync.Mutex // serialises writers
	m  atomic.Pointer[map[uintptr]gidEntry]
}

// registerG records the calling goroutine and returns its identity and
// its previous registration (a nested Run), for deregisterG to restore.
func registerG(e gidEntry) (g uintptr, prev gidEntry) {
	g = getg()
	gidTable.mu.Lock()
	defer gidTable.mu.Unlock()
	old := gidTable.m.Load()
	m := make(map[uintptr]gidEntry, 1+lenMap(old))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	prev = m[g]
	m[g] = e
	gidTable.m.Store(&m)
	return g, prev
}

// deregisterG restores goroutine g's previous registration (usually none).
func deregisterG(g uintptr, prev gidEntry) {
	gidTable.mu.Lock()
	defer gidTable.mu.Unlock()
	old := gidTable.m.Load()
	m := make(map[uintptr]gidEntry, lenMap(old))
	if old != nil {
		for k, v := range *old {
			if k != g {
				m[k] = v
			}
		}
	}
	if prev.exec != nil {
		m[g] = prev
	}
	gidTable.m.Store(&m)
}

func lenMap(m *map[uintptr]gidEntry) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// currentG returns the registration of the calling goroutine, if any.
func currentG() gidEntry {
	m := gidTable.m.Load()
	if m == nil || len(*m) == 0 {
		return gidEntry{}
	}
	return (*m)[getg()]
}

// currentWorker returns the worker running on the calling goroutine, or nil.
func currentWorker() *worker { return currentG().worker }

func init() {
	onWorker = func() bool {
		w := currentWorker()
		return w != nil && (w.exec.det == nil || w.polling)
	}
}

// parseGoid extracts the goroutine id from the first line of a
// runtime.Stack dump ("goroutine 123 [running]:").
func parseGoid(b []byte) uint64 {
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	b = b[len(prefix):]
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
