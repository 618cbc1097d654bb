package rt

// The I/O reactor.
//
// # Theory of operation
//
// One process-wide reactor owns a driver (epoll on Linux, see
// reactor_epoll.go; a simulated driver can replace it) and a table of
// Sources. A Source is the per-fd record: it is registered with the driver
// once, edge-triggered, for both directions, and stays registered until
// Close. Waiting never adds or removes kernel interest; it only stores a
// Waker in the Source.
//
// Whoever turns the global driver (an idle worker, or the fallback poller
// goroutine: see driver.go) parks in the platform driver, receives events
// in batches, maps each event's token to its Source through the table (the
// token carries a slot index and a generation, so a late event for a
// closed Source never reaches the Source that reused its slot), and calls
// setReadiness, which ORs the new readiness bits into the Source's state and
// wakes the waiters whose direction became ready.
//
// # The readiness word and the tick
//
// Source.state packs the readiness bits (low 8 bits) and a tick (the high
// 48 bits): the number of events delivered to the Source. Every event
// increments the tick, atomically with setting its bits.
//
// A task that wants to read follows this protocol:
//
//	for {
//		ev := src.Snapshot(Readable)   // readiness bits + tick, one atomic load
//		if ev.Ready() != 0 {           // not known to be drained: try
//			n, err := read(fd)     // most reads succeed at once
//			if err != EAGAIN {
//				if short read { src.ClearReady(ev.Only(ReadyReadable)) }
//				return done
//			}
//			src.ClearReady(ev)     // clears only if the tick is still ev's
//		}
//		if _, ok := src.PollReadable(cx); !ok {
//			return pending         // waker stored; woken by the next edge
//		}
//	}
//
// ClearReady(ev) clears the bits only if no event arrived since ev was
// taken, and ev is always taken BEFORE the syscall that proved them stale.
// An edge that arrives between that syscall and the clear has incremented
// the tick, so the clear is refused and PollReadable reports ready: the
// edge cannot be lost. (A snapshot from PollReady serves as well, as long
// as it was taken before the syscall.)
//
// A syscall that failed with EAGAIN proves the readiness stale; so does a
// short read from a TCP socket (its receive queue is empty) or a short
// send (its send buffer is full), which is how a busy connection does one
// read and one write per request, not a third syscall that says EAGAIN.
// A Source whose readiness is clear is not tried at all: the task waits
// for the next edge.
//
// A new Source starts out assumed ready in both directions (tick 0), so
// its first read or write is tried at once; the first event replaces the
// assumption with the kernel's full answer (epoll reports the whole
// current mask), later events add their bits.
//
// Registering a waiter cannot miss an event either: PollReady stores the
// waker under Source.mu and then re-reads the state, while setReadiness
// publishes the state first and then takes Source.mu to collect the
// wakers. Either the poller's critical section comes after the waiter's
// (and it finds the waker) or before it (and the waiter's re-read sees the
// new bits).
//
// Reads wait for readable (or read-closed, error, shutdown); writes wait for
// writable (or write-closed, error, shutdown). The two directions have
// separate waiter slots and separate clear masks, so a reader can neither
// consume nor wait for a writer's readiness.
//
// # Closing
//
// Close marks the Source shut down (a final readiness bit that satisfies
// every interest), deregisters the fd, and wakes every waiter; their next
// operation fails with ErrSourceClosed. The fd itself is closed when the
// last in-flight syscall (bracketed by Acquire/Release) has finished, so a
// concurrent Close can never make a syscall hit a reused fd number.

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrSourceClosed is returned by Source.Acquire and Source.Close once the
// Source has been closed.
var ErrSourceClosed = errors.New("rt: use of closed I/O source")

// Interest is a set of directions a task can wait for on a Source.
type Interest uint8

// The directions of Interest.
const (
	// Readable waits until the fd may be read (or the peer closed its
	// write side, or an error is pending, or the Source was closed).
	Readable Interest = 1 << iota
	// Writable waits until the fd may be written (or its write side was
	// closed, or an error is pending, or the Source was closed).
	Writable
)

// Ready is a set of readiness bits reported by the reactor.
type Ready uint8

// The readiness bits.
const (
	// ReadyReadable: data (or a connection, for a listener) may be read.
	ReadyReadable Ready = 1 << iota
	// ReadyWritable: the fd has room for writing.
	ReadyWritable
	// ReadyReadClosed: the peer shut down its writing side (final).
	ReadyReadClosed
	// ReadyWriteClosed: the fd can no longer be written (final).
	ReadyWriteClosed
	// ReadyError: an error is pending on the fd (retrieved by the next
	// syscall or by SO_ERROR).
	ReadyError
	// ReadyShutdown: the Source was closed (final). Operations fail with
	// ErrSourceClosed.
	ReadyShutdown
)

// mask returns the readiness bits that satisfy interest i.
func (i Interest) mask() Ready {
	var m Ready = ReadyError | ReadyShutdown
	if i&Readable != 0 {
		m |= ReadyReadable | ReadyReadClosed
	}
	if i&Writable != 0 {
		m |= ReadyWritable | ReadyWriteClosed
	}
	return m
}

// final readiness bits are never cleared.
const finalReady = ReadyReadClosed | ReadyWriteClosed | ReadyShutdown

const (
	tickShift = 16
	tickOne   = 1 << tickShift
	readyMask = 0xff
)

// ReadyEvent is a snapshot of a Source's readiness, restricted to the
// interest it was polled for, taken by PollReady. Pass it to ClearReady
// after the operation it allowed failed with EAGAIN.
type ReadyEvent struct {
	tick  uint64
	ready Ready
}

// Ready returns the readiness bits of the snapshot.
func (ev ReadyEvent) Ready() Ready { return ev.ready }

// Only returns the snapshot restricted to the bits in r. ClearReady of
// ev.Only(ReadyReadable) clears readability alone (after a short read
// has proven the socket drained) and keeps an error bit.
func (ev ReadyEvent) Only(r Ready) ReadyEvent { return ReadyEvent{tick: ev.tick, ready: ev.ready & r} }

// Assumed reports whether no event has reached the Source yet when ev
// was taken: its readiness bits are then NewSource's initial assumption
// (or a Close), not the kernel's word.
func (ev ReadyEvent) Assumed() bool { return ev.tick == 0 }

// Source is an fd registered with the reactor, the model being Tokio's
// AsyncFd: a non-blocking fd plus readiness tracking and one waiter per
// direction (further concurrent waiters in the same direction are kept in
// a rarely used overflow list). It is safe for concurrent use.
//
// A Source owns its fd: Close closes it. Syscalls on the fd should be
// bracketed by Acquire and Release, so that a concurrent Close cannot
// close the fd (and let its number be reused) under them.
//
// Every idle connection holds one, so it is kept at 80 bytes (a size
// class): the fd and the reference count share a word.
type Source struct {
	fd int32

	// refs: in-flight Acquires plus one for the owner, and refClosed once
	// Close has begun. The fd is closed when it drops to refClosed.
	refs atomic.Int32

	r     *reactor
	token uint64 // slot index (low 32 bits) and generation (high 32 bits)

	// state: readiness bits (low 8) and tick (high 48). Written by the
	// poller (setReadiness), by ClearReady and by Close.
	state atomic.Uint64

	mu     sync.Mutex // guards the waiter slots
	reader Waker
	writer Waker
	more   *[]waiter // further waiters; nil in the common case (a pointer: 8 bytes per Source, not 24)
}

type waiter struct {
	dir Interest
	w   Waker
}

// refClosed is far above any number of concurrent Acquires.
const refClosed = 1 << 30

// NewSource registers fd (which must be in non-blocking mode) with the
// process-wide reactor, edge-triggered for both directions. On success the
// Source owns fd and Close closes it; on failure the caller still owns it.
//
// A new Source starts out assumed ready in both directions (as if an
// event had said so): the first read or write tries its syscall at once,
// as Go's own netpoller does, instead of waiting for the registration's
// first event; an EAGAIN clears the assumption like any stale readiness.
func NewSource(fd int) (*Source, error) {
	r, err := defaultReactor()
	if err != nil {
		return nil, err
	}
	return r.newSource(fd, ReadyReadable|ReadyWritable)
}

// Fd returns the Source's fd. Prefer Acquire/Release around syscalls.
func (s *Source) Fd() int { return int(s.fd) }

// Acquire returns the fd for one syscall and keeps it open until the
// matching Release. It fails with ErrSourceClosed after Close.
func (s *Source) Acquire() (int, error) {
	for {
		n := s.refs.Load()
		if n&refClosed != 0 {
			return -1, ErrSourceClosed
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return int(s.fd), nil
		}
	}
}

// Closed reports whether Close has begun. It takes no reference: use it
// to answer "is this still open" where no system call follows (an
// Acquire and Release pair costs two atomic read-modify-writes, this one
// load).
func (s *Source) Closed() bool { return s.refs.Load()&refClosed != 0 }

// Release ends a successful Acquire.
func (s *Source) Release() { s.release() }

func (s *Source) release() error {
	if s.refs.Add(-1) == refClosed {
		return s.r.drv.closeFD(int(s.fd))
	}
	return nil
}

// Snapshot returns the current readiness for interest i, without
// registering anything. Take it before an operation; if the operation then
// fails with EAGAIN, ClearReady(snapshot) clears exactly the readiness
// that the operation has proven stale.
func (s *Source) Snapshot(i Interest) ReadyEvent {
	st := s.state.Load()
	return ReadyEvent{tick: st >> tickShift, ready: Ready(st) & i.mask()}
}

// PollReadable is PollReady(cx, Readable).
func (s *Source) PollReadable(cx *Context) (ReadyEvent, bool) { return s.PollReady(cx, Readable) }

// PollWritable is PollReady(cx, Writable).
func (s *Source) PollWritable(cx *Context) (ReadyEvent, bool) { return s.PollReady(cx, Writable) }

// PollReady reports whether the Source is ready for interest i. If it is,
// it returns the readiness snapshot (bits restricted to i, and the event
// tick) and true. Otherwise it stores cx.Waker() as the waiter for each
// direction in i, to be woken by the next matching event or by Close, and
// returns false. A ready result may be stale (the edge has already been
// consumed): try the operation, and on EAGAIN call ClearReady with this
// snapshot (or one taken later but before the operation) and poll again.
//
// Each direction has one waiter slot; a different waker polling the same
// direction while the slot is taken is kept in an overflow list, so no
// waiter is ever dropped. CancelWait removes a waiter.
func (s *Source) PollReady(cx *Context, i Interest) (ReadyEvent, bool) {
	m := i.mask()
	st := s.state.Load()
	if r := Ready(st) & m; r != 0 {
		return ReadyEvent{tick: st >> tickShift, ready: r}, true
	}
	w := cx.Waker()
	s.mu.Lock()
	if i&Readable != 0 {
		s.addWaiter(&s.reader, Readable, w)
	}
	if i&Writable != 0 {
		s.addWaiter(&s.writer, Writable, w)
	}
	// Re-read under the lock: an event published before setReadiness took
	// the lock is visible here; one published later finds the waker.
	st = s.state.Load()
	s.mu.Unlock()
	if r := Ready(st) & m; r != 0 {
		return ReadyEvent{tick: st >> tickShift, ready: r}, true
	}
	return ReadyEvent{}, false
}

// addWaiter stores w in slot, or in the overflow list if slot holds a
// different waker. Called with s.mu held.
func (s *Source) addWaiter(slot *Waker, dir Interest, w Waker) {
	if slot.IsZero() || slot.WillWake(w) {
		*slot = w
		return
	}
	if s.more == nil {
		s.more = new([]waiter)
	}
	for _, x := range *s.more {
		if x.dir == dir && x.w.WillWake(w) {
			return
		}
	}
	*s.more = append(*s.more, waiter{dir: dir, w: w})
}

// ClearReady clears the non-final readiness bits of ev, unless an event
// arrived after ev was taken (the tick moved on), in which case the
// Source stays ready and the next PollReady reports it. Call it only with
// a snapshot taken before the syscall that failed with EAGAIN.
func (s *Source) ClearReady(ev ReadyEvent) {
	clr := uint64(ev.ready &^ finalReady)
	if clr == 0 {
		return
	}
	for {
		old := s.state.Load()
		if old>>tickShift != ev.tick {
			return
		}
		nw := old &^ clr
		if nw == old || s.state.CompareAndSwap(old, nw) {
			return
		}
	}
}

// CancelWait removes w from the waiters of the directions in i. Futures
// call it from Cancel (and when they complete after having waited), so a
// waiter slot never outlives its future.
func (s *Source) CancelWait(i Interest, w Waker) {
	if w.IsZero() {
		return
	}
	s.mu.Lock()
	if i&Readable != 0 && s.reader.WillWake(w) {
		s.reader = Waker{}
	}
	if i&Writable != 0 && s.writer.WillWake(w) {
		s.writer = Waker{}
	}
	if s.more != nil {
		list := *s.more
		kept := list[:0]
		for _, x := range list {
			if x.dir&i == 0 || !x.w.WillWake(w) {
				kept = append(kept, x)
			}
		}
		clear(list[len(kept):])
		*s.more = kept
		if len(kept) == 0 {
			s.more = nil
		}
	}
	s.mu.Unlock()
}

// setReadiness records an event: it ORs r into the readiness bits and
// advances the tick in one atomic step, then removes the waiters whose
// interest r satisfies and appends their wakers to out, for the caller to
// wake (see reactor.dispatch). Called by the poller.
func (s *Source) setReadiness(r Ready, out []Waker) []Waker {
	for {
		old := s.state.Load()
		if Ready(old)&ReadyShutdown != 0 {
			return out
		}
		nw := (old + tickOne) | uint64(r)
		if old>>tickShift == 0 {
			// The first event is the kernel's full answer (epoll reports
			// the whole current mask): it replaces NewSource's assumption.
			nw = tickOne | uint64(Ready(old)&finalReady|r)
		}
		if s.state.CompareAndSwap(old, nw) {
			break
		}
	}
	return s.takeWaiters(r, out)
}

// wake wakes (and removes) the waiters whose interest r satisfies.
func (s *Source) wake(r Ready) {
	var buf [2]Waker
	for _, w := range s.takeWaiters(r, buf[:0]) {
		w.Wake()
	}
}

// takeWaiters removes the waiters whose interest r satisfies and appends
// their wakers to out.
func (s *Source) takeWaiters(r Ready, out []Waker) []Waker {
	rd := r&Readable.mask() != 0
	wr := r&Writable.mask() != 0
	s.mu.Lock()
	if rd && !s.reader.IsZero() {
		out = append(out, s.reader)
		s.reader = Waker{}
	}
	if wr && !s.writer.IsZero() {
		out = append(out, s.writer)
		s.writer = Waker{}
	}
	if s.more != nil {
		var kept []waiter
		for _, x := range *s.more {
			if (x.dir == Readable && rd) || (x.dir == Writable && wr) {
				out = append(out, x.w)
			} else {
				kept = append(kept, x)
			}
		}
		*s.more = kept
		if len(kept) == 0 {
			s.more = nil
		}
	}
	s.mu.Unlock()
	return out
}

// Close shuts the Source down: the ReadyShutdown bit is set, the fd is
// deregistered from the reactor, every waiter is woken (its next Acquire
// fails with ErrSourceClosed), and the fd is closed as soon as no
// Acquire is outstanding. Close returns the error of closing the fd when
// it closes it itself, and ErrSourceClosed when called again.
func (s *Source) Close() error {
	for {
		n := s.refs.Load()
		if n&refClosed != 0 {
			return ErrSourceClosed
		}
		if s.refs.CompareAndSwap(n, n|refClosed) {
			break
		}
	}
	s.state.Or(uint64(ReadyShutdown))
	// The fd is still open here (the owner's reference is released last),
	// so deregistering cannot hit a reused number. Its error is of no
	// use to the caller: the fd is going away either way.
	_ = s.r.remove(s)
	s.wake(Readable.mask() | Writable.mask())
	return s.release()
}

// driver is the platform part of the reactor: the kernel interface that
// reports readiness (epoll), or a simulation of it.
type driver interface {
	// register adds fd, edge-triggered, for readable and writable, and
	// tags its events with token.
	register(fd int, token uint64) error
	// deregister removes fd.
	deregister(fd int) error
	// closeFD closes fd.
	closeFD(fd int) error
	// park waits until at least one event is available, unpark is called,
	// or timeout passes (a negative timeout waits forever, zero does not
	// wait), and appends the events to evs: at most limit of them (at
	// least one); the others are returned by later parks, oldest first.
	park(evs []event, limit int, timeout time.Duration) ([]event, error)
	// unpark makes a concurrent or the next park return promptly. Safe
	// from any goroutine.
	unpark()
}

// event is one readiness report from a driver.
type event struct {
	token uint64
	ready Ready
}

// newDriver constructs the platform driver; set by the platform file.
var newDriver func() (driver, error)

// reactor maps driver tokens to Sources and dispatches events.
type reactor struct {
	drv driver

	mu    sync.Mutex
	slots []slot
	free  []uint32
}

type slot struct {
	src *Source
	gen uint32
}

// defaultReactor returns the process-wide reactor (part of the global
// driver, see driver.go).
func defaultReactor() (*reactor, error) {
	d := globalDriver()
	if d.r == nil {
		return nil, d.rerr
	}
	return d.r, nil
}

func newReactor(drv driver) *reactor { return &reactor{drv: drv} }

// newSource allocates a slot for fd and registers it with the driver,
// with initial as its readiness until the first event or clear.
func (r *reactor) newSource(fd int, initial Ready) (*Source, error) {
	s := &Source{fd: int32(fd), r: r}
	s.state.Store(uint64(initial))
	s.refs.Store(1) // the owner's reference, dropped by Close
	r.mu.Lock()
	var idx uint32
	if n := len(r.free); n > 0 {
		idx = r.free[n-1]
		r.free = r.free[:n-1]
	} else {
		idx = uint32(len(r.slots))
		r.slots = append(r.slots, slot{})
	}
	sl := &r.slots[idx]
	sl.gen++
	sl.src = s
	s.token = uint64(sl.gen)<<32 | uint64(idx)
	r.mu.Unlock()
	if err := r.drv.register(fd, s.token); err != nil {
		r.freeSlot(s)
		return nil, err
	}
	return s, nil
}

func (r *reactor) freeSlot(s *Source) {
	idx := uint32(s.token)
	r.mu.Lock()
	if r.slots[idx].src == s {
		r.slots[idx].src = nil
		r.free = append(r.free, idx)
	}
	r.mu.Unlock()
}

// remove deregisters s from the driver and frees its slot.
func (r *reactor) remove(s *Source) error {
	err := r.drv.deregister(int(s.fd))
	r.freeSlot(s)
	return err
}

type dispatch struct {
	src   *Source
	ready Ready
}

// dispatch delivers evs to their Sources. The table is locked only to map
// tokens; wakers run outside the lock (a waker may close a Source).
//
// The wakers of the waiters the events satisfy are appended to wakers,
// not woken: the caller wakes them (wakeFrom), which lets the worker that
// turned the driver queue its own tasks without looking itself up.
func (r *reactor) dispatch(evs []event, batch []dispatch, wakers []Waker) ([]dispatch, []Waker) {
	r.mu.Lock()
	for _, ev := range evs {
		idx, gen := uint32(ev.token), uint32(ev.token>>32)
		if int(idx) < len(r.slots) && r.slots[idx].gen == gen && r.slots[idx].src != nil {
			batch = append(batch, dispatch{r.slots[idx].src, ev.ready})
		}
	}
	r.mu.Unlock()
	for i := range batch {
		wakers = batch[i].src.setReadiness(batch[i].ready, wakers)
		batch[i].src = nil
	}
	return batch, wakers
}
