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
// in gidTable; it deregisters before exiting, so a recycled goroutine is
// never mistaken for a worker.
//
// The table is read on every wake, so it is built for the read: an
// immutable open-addressing hash table (Fibonacci hashing, linear
// probing, at most half full), replaced whole by each registration and
// read with one atomic load and, nearly always, one probe. A Go map
// cost about 60 instructions per look-up here, this about 15.

// gidEntry is what a registered goroutine is.
type gidEntry struct {
	exec   *executor
	worker *worker // nil for Run's main goroutine (BlockOn allowed there)
}

// gidSlot is one slot of a gidTab; g == 0 marks an empty slot.
type gidSlot struct {
	g uintptr
	e gidEntry
}

// gidTab is an immutable snapshot of the registered goroutines.
type gidTab struct {
	shift uint      // 64 - log2(len(slots))
	slots []gidSlot // the registrations, and empty slots
}

var gidTable struct {
	mu sync.Mutex // serialises writers
	t  atomic.Pointer[gidTab]
}

// newGidTab builds a table holding the registrations in all.
func newGidTab(all []gidSlot) *gidTab {
	bits := uint(3)
	for 1<<bits < 2*len(all) {
		bits++
	}
	t := &gidTab{shift: 64 - bits, slots: make([]gidSlot, 1<<bits)}
	for _, s := range all {
		i := t.home(s.g)
		for t.slots[i].g != 0 {
			i = (i + 1) & uintptr(len(t.slots)-1)
		}
		t.slots[i] = s
	}
	return t
}

// home is the first slot probed for g.
func (t *gidTab) home(g uintptr) uintptr {
	return uintptr(uint64(g)*0x9E3779B97F4A7C15) >> t.shift
}

// lookup returns g's registration, or the zero gidEntry.
func (t *gidTab) lookup(g uintptr) gidEntry {
	mask := uintptr(len(t.slots) - 1)
	for i := t.home(g); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.g == g {
			return s.e
		}
		if s.g == 0 {
			return gidEntry{}
		}
	}
}

// registerG records the calling goroutine and returns its identity and
// its previous registration (a nested Run), for deregisterG to restore.
func registerG(e gidEntry) (g uintptr, prev gidEntry) {
	g = getg()
	gidTable.mu.Lock()
	defer gidTable.mu.Unlock()
	all, prev := othersThan(g)
	gidTable.t.Store(newGidTab(append(all, gidSlot{g: g, e: e})))
	return g, prev
}

// deregisterG restores goroutine g's previous registration (usually none).
func deregisterG(g uintptr, prev gidEntry) {
	gidTable.mu.Lock()
	defer gidTable.mu.Unlock()
	all, _ := othersThan(g)
	if prev.exec != nil {
		all = append(all, gidSlot{g: g, e: prev})
	}
	if len(all) == 0 {
		gidTable.t.Store(nil)
		return
	}
	gidTable.t.Store(newGidTab(all))
}

// othersThan returns the current registrations other than g's, and g's
// own (zero if none). Called with gidTable.mu held.
func othersThan(g uintptr) (all []gidSlot, own gidEntry) {
	old := gidTable.t.Load()
	if old == nil {
		return nil, gidEntry{}
	}
	all = make([]gidSlot, 0, len(old.slots)/2+1)
	for _, s := range old.slots {
		switch s.g {
		case 0:
		case g:
			own = s.e
		default:
			all = append(all, s)
		}
	}
	return all, own
}

// currentG returns the registration of the calling goroutine, if any.
func currentG() gidEntry {
	t := gidTable.t.Load()
	if t == nil {
		return gidEntry{}
	}
	return t.lookup(getg())
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
