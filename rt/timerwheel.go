package rt

// The timer wheel.
//
// # Theory of operation
//
// Time is counted in ticks of one millisecond on a clock (real or
// virtual, see clock.go). A timer is an intrusive entry (timerEntry) that
// lives inside the future that sleeps: registering, firing and cancelling
// never allocate, and cancelling is an O(1) unlink.
//
// The wheel is hierarchical: 6 levels of 64 slots. Level L slot s covers
// 64^L ticks. elapsed is the tick up to which the wheel has been advanced.
// An entry due at tick t > elapsed is stored at the level of the highest
// 6-bit digit in which t differs from elapsed, in the slot given by t's
// digit at that level. So level 0 holds the timers of the next (at most)
// 64 ticks one per tick, level 1 those of the current 4,096-tick block by
// 64-tick slot, and so on up to 64^6 ticks (about 2.2 years); later
// deadlines are placed at the far end and re-placed when they get there.
//
// Invariant: every entry at level L < 5 agrees with elapsed on all digits
// above L, and its digit at L is greater than elapsed's. Hence every entry
// at level L is due before every entry at a level above L, and the next
// slot to process is the first occupied slot after elapsed's digit in the
// lowest non-empty level (found with one bit scan of the level's
// occupancy word). Level 5 may also hold entries of the next 64^6 block
// (a digit not above elapsed's then means "next round").
//
// advance(now) repeatedly takes the next slot whose start tick is <= now,
// sets elapsed to that start, fires its entries that are due and re-places
// the others (they land on lower levels, as they now agree with elapsed on
// one more digit), until the next slot starts after now; then elapsed
// becomes now. Re-placing keeps the invariant for every other entry, since
// elapsed only moves within the block they were placed against. Each entry
// is touched at most once per level: insert and cancel are O(1), firing is
// O(levels).
//
// A timer never fires early: its tick is the deadline rounded up, and the
// wheel is only advanced to the current time rounded down.
//
// # Concurrency
//
// One mutex guards the wheel and the entries' links and wakers. A future
// polls, registers and cancels its entry under it; the goroutine that
// advances the wheel (the driver holder, see driver.go) fires under it and
// wakes the collected wakers after unlocking. An entry's state is also
// readable without the lock (atomic), so a poll after firing is lock-free.
// When a new entry is due before the tick the driver holder sleeps until
// (parkedUntil), the inserter interrupts the holder's park.
//
// # Movable timers
//
// A Deadline's entry is movable: its due tick is e.want, which the owner
// may move later without the lock, by a compare-and-swap from the value it
// last saw (moveLater). The entry stays queued at its earlier tick; when
// that tick comes, advance re-queues it at e.want instead of firing it. So
// pushing a deadline back, which a connection's idle timeout does once per
// request, costs one atomic instruction instead of an unlink and an insert
// under the lock, and the wheel touches the entry at most once per period
// the deadline was pushed back by.
//
// Firing a movable entry is a compare-and-swap of e.want to wantFired
// (under mu). A move and a firing that race are ordered by their two CAS:
// either the move wins and the entry is re-queued, or the firing wins and
// the owner's CAS fails, and the owner re-arms the entry under the lock
// (rearm). A movable entry keeps its waker when it fires (only its owner
// writes it, under mu, so the owner may compare it without the lock before
// a wait); stop clears it.

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

const (
	wheelBits   = 6
	wheelSlots  = 1 << wheelBits
	wheelLevels = 6
	wheelMax    = 1<<(wheelBits*wheelLevels) - 1 // farthest placement, in ticks
	tickNs      = int64(time.Millisecond)
	maxTick     = math.MaxInt64 // parkedUntil: the holder sleeps with no deadline
	minTick     = math.MinInt64 // parkedUntil: nobody sleeps on the wheel
)

// The values of a movable entry's want besides a due tick (ticks are > 0:
// a deadline at or before the clock's start is past when armed).
const (
	wantIdle  int64 = 0  // not queued
	wantFired int64 = -1 // fired, and not re-armed since
)

// Timer entry states.
const (
	timerIdle   uint32 = iota // not in the wheel (never registered, or cancelled)
	timerQueued               // linked into a slot
	timerFired                // due: removed from the wheel and its waker woken
)

// timerEntry is the intrusive wheel node embedded in timer futures.
type timerEntry struct {
	next, prev *timerEntry
	tick       int64 // deadline, in ticks (rounded up)
	waker      Waker
	state      uint32 // atomic (a plain uint32 keeps futures copyable before their first poll)
	level      uint8
	slot       uint8
	movable    bool  // a Deadline's entry: see "Movable timers"
	want       int64 // movable entries: the due tick, wantIdle or wantFired (atomic)
}

type wheelLevel struct {
	occupied uint64
	slots    [wheelSlots]*timerEntry
}

// timerWheel is a hierarchical timing wheel over a clock.
type timerWheel struct {
	mu      sync.Mutex
	clk     clock
	elapsed int64 // ticks
	count   int   // queued entries
	levels  [wheelLevels]wheelLevel
	fired   []Waker // scratch for advance, guarded by mu

	// parkedUntil is the tick the driver holder sleeps until (maxTick:
	// with no deadline; minTick: nobody sleeps on this wheel). wake
	// interrupts that sleep; nil for wheels without a concurrent driver.
	parkedUntil atomic.Int64
	wake        func()

	// Statistics. registered is counted under mu, where register already
	// is (an atomic add would be one more locked instruction per timer).
	registered uint64
	firedTotal atomic.Uint64
}

func newTimerWheel(clk clock, wake func()) *timerWheel {
	w := &timerWheel{clk: clk, wake: wake}
	w.parkedUntil.Store(minTick)
	w.elapsed = clk.now() / tickNs
	return w
}

// deadlineTick rounds a deadline (clock nanoseconds) up to a tick.
func deadlineTick(ns int64) int64 {
	if ns <= 0 {
		return 0
	}
	return (ns + tickNs - 1) / tickNs
}

// register queues e to fire at clock time deadline (ns) and wake w. now
// is the current clock time, as read by the caller. It returns false if
// the deadline has already passed (e is not queued).
func (tw *timerWheel) register(e *timerEntry, deadline, now int64, w Waker) bool {
	t := deadlineTick(deadline)
	if deadline <= now {
		atomic.StoreUint32(&e.state, timerFired)
		return false
	}
	tw.mu.Lock()
	if t <= tw.elapsed {
		tw.mu.Unlock()
		atomic.StoreUint32(&e.state, timerFired)
		return false
	}
	e.waker = w
	tw.enqueueUnlock(e, t)
	return true
}

// enqueueUnlock queues e, a new registration, at tick t (> elapsed), then
// unlocks mu, and interrupts the driver holder's park if e is due before
// the holder would wake. Called with mu held.
func (tw *timerWheel) enqueueUnlock(e *timerEntry, t int64) {
	e.tick = t
	tw.insert(e)
	tw.count++
	tw.registered++
	interrupt := t < tw.parkedUntil.Load()
	tw.mu.Unlock()
	if interrupt && tw.wake != nil {
		tw.wake()
	}
}

// insert links e (e.tick > elapsed) into its slot. Called with mu held.
func (tw *timerWheel) insert(e *timerEntry) {
	t := e.tick
	if t-tw.elapsed > wheelMax {
		t = tw.elapsed + wheelMax
	}
	lv := (bits.Len64(uint64(tw.elapsed^t)) - 1) / wheelBits
	if lv >= wheelLevels {
		lv = wheelLevels - 1
	}
	s := uint8(t >> (wheelBits * lv) & (wheelSlots - 1))
	l := &tw.levels[lv]
	e.level, e.slot = uint8(lv), s
	e.prev = nil
	e.next = l.slots[s]
	if e.next != nil {
		e.next.prev = e
	}
	l.slots[s] = e
	l.occupied |= 1 << s
	atomic.StoreUint32(&e.state, timerQueued)
}

// unlink removes a queued e from its slot. Called with mu held.
func (tw *timerWheel) unlink(e *timerEntry) {
	l := &tw.levels[e.level]
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.slots[e.slot] = e.next
		if e.next == nil {
			l.occupied &^= 1 << e.slot
		}
	}
	if e.next != nil {
		e.next.prev = e.prev
	}
	e.next, e.prev = nil, nil
}

// poll reports whether e has fired; otherwise it makes sure w is the
// waker that firing will wake.
func (tw *timerWheel) poll(e *timerEntry, w Waker) bool {
	if atomic.LoadUint32(&e.state) == timerFired {
		return true
	}
	tw.mu.Lock()
	fired := atomic.LoadUint32(&e.state) == timerFired
	if !fired && !e.waker.WillWake(w) {
		e.waker = w
	}
	tw.mu.Unlock()
	return fired
}

// cancel removes e from the wheel if it is queued. Idempotent.
func (tw *timerWheel) cancel(e *timerEntry) {
	if atomic.LoadUint32(&e.state) != timerQueued {
		return
	}
	tw.mu.Lock()
	if atomic.LoadUint32(&e.state) == timerQueued {
		tw.unlink(e)
		tw.count--
		atomic.StoreUint32(&e.state, timerIdle)
	}
	e.waker = Waker{}
	tw.mu.Unlock()
}

// nextExpiration returns the start tick of the next slot to process, and
// false if the wheel is empty. Called with mu held.
func (tw *timerWheel) nextExpiration() (lv int, s uint, start int64, ok bool) {
	for lv = 0; lv < wheelLevels; lv++ {
		l := &tw.levels[lv]
		if l.occupied == 0 {
			continue
		}
		shift := uint(wheelBits * lv)
		cur := uint(tw.elapsed>>shift) & (wheelSlots - 1)
		// Search circularly from the digit after elapsed's.
		from := (cur + 1) & (wheelSlots - 1)
		rot := bits.RotateLeft64(l.occupied, -int(from))
		s = (from + uint(bits.TrailingZeros64(rot))) & (wheelSlots - 1)
		blockRange := int64(1) << (shift + wheelBits)
		blockStart := tw.elapsed &^ (blockRange - 1)
		start = blockStart + int64(s)<<shift
		if s <= cur { // only at the top level: the next round
			start += blockRange
		}
		return lv, s, start, true
	}
	return 0, 0, 0, false
}

// nextDeadline returns the clock time (ns) at which advance next has work
// to do, and false if no timer is queued.
func (tw *timerWheel) nextDeadline() (int64, bool) {
	tw.mu.Lock()
	_, _, start, ok := tw.nextExpiration()
	tw.mu.Unlock()
	return start * tickNs, ok
}

// advance fires every entry due at clock time now (ns) and returns how
// many it fired. Wakers are woken after the lock is released.
func (tw *timerWheel) advance(now int64) int {
	nowTick := now / tickNs
	tw.mu.Lock()
	for {
		lv, s, start, ok := tw.nextExpiration()
		if !ok || start > nowTick {
			break
		}
		tw.elapsed = start
		l := &tw.levels[lv]
		e := l.slots[s]
		l.slots[s] = nil
		l.occupied &^= 1 << s
		for e != nil {
			next := e.next
			e.next, e.prev = nil, nil
			if e.tick <= nowTick && e.movable {
				if t := settle(e, nowTick); t > nowTick {
					e.tick = t // moved later: re-queue
				}
			}
			if e.tick <= nowTick {
				tw.fired = append(tw.fired, e.waker)
				if !e.movable {
					e.waker = Waker{}
				}
				tw.count--
				atomic.StoreUint32(&e.state, timerFired)
			} else {
				tw.insert(e)
			}
			e = next
		}
	}
	if nowTick > tw.elapsed {
		tw.elapsed = nowTick
	}
	fired := tw.fired
	tw.fired = nil
	tw.mu.Unlock()
	for i := range fired {
		fired[i].Wake()
		fired[i] = Waker{}
	}
	n := len(fired)
	if n > 0 {
		tw.firedTotal.Add(uint64(n))
	}
	tw.mu.Lock()
	if tw.fired == nil {
		tw.fired = fired[:0]
	}
	tw.mu.Unlock()
	return n
}

// settle decides a due movable entry: it returns the later tick its
// owner moved it to, or marks it fired (the CAS its owner's moveLater
// races with) and returns wantFired. Called with mu held.
func settle(e *timerEntry, nowTick int64) int64 {
	for {
		t := atomic.LoadInt64(&e.want)
		if t > nowTick {
			return t
		}
		if atomic.CompareAndSwapInt64(&e.want, t, wantFired) {
			return wantFired
		}
	}
}

// moveLater moves the deadline of a queued movable entry to tick t,
// without the lock. It fails (false) if the entry is not queued, if t is
// earlier than its current tick, or if the entry fired meanwhile: the
// owner then re-arms it with rearm. Only the entry's owner calls it.
func moveLater(e *timerEntry, t int64) bool {
	cur := atomic.LoadInt64(&e.want)
	return cur > 0 && t >= cur && (t == cur || atomic.CompareAndSwapInt64(&e.want, cur, t))
}

// rearm queues the movable entry e at clock time deadline (ns), first
// unlinking it if it is queued. now is the current clock time, as read by
// the caller. It returns false if the deadline has already passed: e is
// then fired, and its waker is not woken (the owner, who calls rearm,
// knows).
func (tw *timerWheel) rearm(e *timerEntry, deadline, now int64) bool {
	t := deadlineTick(deadline)
	tw.mu.Lock()
	if atomic.LoadUint32(&e.state) == timerQueued {
		tw.unlink(e)
		tw.count--
	}
	e.movable = true
	if deadline <= now || t <= tw.elapsed {
		atomic.StoreInt64(&e.want, wantFired)
		atomic.StoreUint32(&e.state, timerFired)
		tw.mu.Unlock()
		return false
	}
	atomic.StoreInt64(&e.want, t)
	tw.enqueueUnlock(e, t)
	return true
}

// watch makes w the waker that the firing of the movable entry e will
// wake, and reports whether it has already fired.
func (tw *timerWheel) watch(e *timerEntry, w Waker) (fired bool) {
	tw.mu.Lock()
	fired = atomic.LoadInt64(&e.want) == wantFired
	if !fired {
		e.waker = w
	}
	tw.mu.Unlock()
	return fired
}

// stop removes the movable entry e from the wheel if it is queued, and
// drops its waker. Idempotent.
func (tw *timerWheel) stop(e *timerEntry) {
	tw.mu.Lock()
	if atomic.LoadUint32(&e.state) == timerQueued {
		tw.unlink(e)
		tw.count--
	}
	atomic.StoreUint32(&e.state, timerIdle)
	atomic.StoreInt64(&e.want, wantIdle)
	e.waker = Waker{}
	tw.mu.Unlock()
}

// registeredTotal returns the number of timers ever registered.
func (tw *timerWheel) registeredTotal() uint64 {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return tw.registered
}

// live returns the number of queued timers.
func (tw *timerWheel) live() int {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return tw.count
}
