// Package store is the keyspace of the kv example: string keys and values
// with optional expiry, and the Redis commands that act on them. A command
// is executed by Exec, which appends its RESP2 reply to a byte slice, so any
// server (the async example, a goroutine-per-connection server, an event
// loop) runs the identical command code:
//
//	st := store.New()
//	var p resp.Parser
//	args, n, err := p.Parse(in)   // one complete command
//	out = st.Exec(args, out)      // its reply appended to out
//
// It is plain Go, safe for concurrent use. Keys are spread over shards, each
// a Go map behind its own sync.Mutex held only for the few map operations of
// one command (never across I/O), so it can be called from async tasks.
//
// Expiry is lazy (a key found expired on access is deleted) plus an active
// sweep, ActiveExpire, that a server calls periodically: it samples keys
// that have a deadline and deletes the expired ones with bounded work per
// call, as Redis does.
//
// Entries are lean: a key, its value and its deadline (if any) share one
// allocation, and each shard's open-addressing table holds a 16-byte slot
// pointing to it.
package store

import (
	"hash/maphash"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultShards is the number of shards of New.
const DefaultShards = 64

// MaxShards is the largest number of shards a Store can have.
const MaxShards = 64

// Options configures a Store made by NewWith.
type Options struct {
	// Shards is the number of independently locked parts of the keyspace,
	// rounded up to a power of two, at most MaxShards (0: DefaultShards).
	Shards int
	// Now returns the current time in Unix milliseconds; it is the clock
	// of deadlines (nil: the system clock).
	Now func() int64
}

// Store is an in-memory keyspace. Create one with New or NewWith.
type Store struct {
	shards []shard
	mask   uint64
	seed   maphash.Seed
	now    func() int64
	sweep  atomic.Uint32 // next shard the active sweep starts at
}

type shard struct {
	mu sync.Mutex
	t  table
	_  [64]byte // keep shards' locks on separate cache lines
}

// New returns an empty Store with DefaultShards shards and the system clock.
func New() *Store { return NewWith(Options{}) }

// NewWith returns an empty Store configured by o.
func NewWith(o Options) *Store {
	n := o.Shards
	if n <= 0 {
		n = DefaultShards
	}
	n = min(1<<bits.Len(uint(n-1)), MaxShards)
	s := &Store{shards: make([]shard, n), mask: uint64(n - 1), seed: maphash.MakeSeed(), now: o.Now}
	if s.now == nil {
		s.now = func() int64 { return time.Now().UnixMilli() }
	}
	for i := range s.shards {
		s.shards[i].t.seed = s.seed
	}
	return s
}

// locate returns the shard of key and the key's hash.
func (s *Store) locate(key []byte) (*shard, uint64) {
	h := maphash.Bytes(s.seed, key)
	return &s.shards[(h>>58)&s.mask], h
}

// lockKeys locks the shards of keys (every step-th element of keys), in
// ascending order, and returns the set of shards locked.
func (s *Store) lockKeys(keys [][]byte, step int) uint64 {
	var set uint64
	for i := 0; i < len(keys); i += step {
		_, h := s.locate(keys[i])
		set |= 1 << ((h >> 58) & s.mask)
	}
	for m := set; m != 0; m &= m - 1 {
		s.shards[bits.TrailingZeros64(m)].mu.Lock()
	}
	return set
}

func (s *Store) unlock(set uint64) {
	for m := set; m != 0; m &= m - 1 {
		s.shards[bits.TrailingZeros64(m)].mu.Unlock()
	}
}

// Len returns the number of keys, counting expired keys not yet deleted
// (as Redis's DBSIZE does).
func (s *Store) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += sh.t.count
		sh.mu.Unlock()
	}
	return n
}

// Flush deletes every key.
func (s *Store) Flush() {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		sh.t.slots, sh.t.count, sh.t.cursor = nil, 0, 0
		sh.mu.Unlock()
	}
}

// lookup returns the slot of key (hash h) in sh (locked), deleting it if
// it has expired. now is read from the clock (once) only for keys with a
// deadline.
func (s *Store) lookup(sh *shard, key []byte, h uint64, now *int64) (slot, bool) {
	i, ok := sh.t.find(key, h)
	if !ok {
		return slot{}, false
	}
	e := sh.t.slots[i]
	if !e.hasTTL() {
		return e, true
	}
	if *now == 0 {
		*now = s.now()
	}
	if e.deadline() <= *now {
		sh.t.removeAt(i)
		return slot{}, false
	}
	return e, true
}

// remove deletes key (hash h) from sh (locked) if it is there.
func remove(sh *shard, key []byte, h uint64) {
	if i, ok := sh.t.find(key, h); ok {
		sh.t.removeAt(i)
	}
}

// put stores val under key (hash h) in sh (locked). deadline > 0 sets a
// deadline; otherwise keepTTL keeps the existing one, if any, and without
// it the key has none. A value of the same length and layout is
// overwritten in place. val may alias the key's current value.
func put(sh *shard, key, val []byte, h uint64, deadline int64, keepTTL bool) {
	i, ok := sh.t.find(key, h)
	if ok {
		old := sh.t.slots[i]
		if deadline <= 0 && keepTTL && old.hasTTL() {
			deadline = old.deadline()
		}
		if int(old.vlen) == len(val) && old.hasTTL() == (deadline > 0) {
			copy(old.value(), val)
			if deadline > 0 {
				old.setDeadline(deadline)
			}
			return
		}
		sh.t.slots[i] = newSlot(key, val, h, deadline)
		return
	}
	sh.t.insert(newSlot(key, val, h, deadline), h)
}

// Get returns a copy of the value of key, or false if it does not exist.
func (s *Store) Get(key []byte) ([]byte, bool) {
	sh, h := s.locate(key)
	var now int64
	sh.mu.Lock()
	e, ok := s.lookup(sh, key, h, &now)
	var v []byte
	if ok {
		v = append([]byte{}, e.value()...)
	}
	sh.mu.Unlock()
	return v, ok
}

// Set stores val under key with no deadline. Keys longer than MaxKeyLen
// are ignored.
func (s *Store) Set(key, val []byte) {
	if len(key) > MaxKeyLen || len(val) > math.MaxUint32 {
		return
	}
	sh, h := s.locate(key)
	sh.mu.Lock()
	put(sh, key, val, h, 0, false)
	sh.mu.Unlock()
}

// sweepSample is how many keys with a deadline one sample of the active
// sweep examines, as Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP.
const sweepSample = 20

// ActiveExpire deletes expired keys with bounded work, as Redis's active
// expire cycle does. It visits the shards in turn, starting where the last
// call stopped; in each it continues scanning the table where the last
// scan stopped until it has seen 20 keys with a deadline, deleting the
// expired ones, and while more than a quarter of those had expired it
// scans on in the same shard. It stops once it has examined maxChecks
// slots in all or gone round every shard, and returns the number of keys
// deleted. Call it periodically (Redis does 10 times a second); a full
// pass over a table of n slots takes about n/maxChecks calls.
func (s *Store) ActiveExpire(maxChecks int) (deleted int) {
	now := s.now()
	checked := 0
	for range len(s.shards) {
		i := int(s.sweep.Add(1)-1) & int(s.mask)
		sh := &s.shards[i]
		for {
			seen, expired := 0, 0
			sh.mu.Lock()
			t := &sh.t
			for n := 0; n < len(t.slots) && seen < sweepSample && checked < maxChecks; n++ {
				checked++
				j := t.cursor & (len(t.slots) - 1)
				e := t.slots[j]
				if e.p != nil && e.hasTTL() {
					seen++
					if e.deadline() <= now {
						t.removeAt(j) // a later entry may shift into j: look again
						expired++
						continue
					}
				}
				t.cursor = j + 1
			}
			sh.mu.Unlock()
			deleted += expired
			if checked >= maxChecks {
				return deleted
			}
			if seen == 0 || expired*4 <= seen {
				break
			}
		}
	}
	return deleted
}

// addDeadline returns now+d (milliseconds), or false on overflow.
func addDeadline(now, d int64) (int64, bool) {
	if d > 0 && now > math.MaxInt64-d {
		return 0, false
	}
	return now + d, true
}
