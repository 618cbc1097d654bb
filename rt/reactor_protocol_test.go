package rt

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDriver is a simulated driver: events are injected by the test
// through reactor.dispatch; it records registrations and closes.
type fakeDriver struct {
	mu         sync.Mutex
	registered map[int]uint64
	closes     map[int]int
}

func newFakeDriver() *fakeDriver {
	return &fakeDriver{registered: map[int]uint64{}, closes: map[int]int{}}
}

func (d *fakeDriver) register(fd int, token uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.registered[fd] = token
	return nil
}

func (d *fakeDriver) deregister(fd int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.registered, fd)
	return nil
}

func (d *fakeDriver) closeFD(fd int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closes[fd]++
	return nil
}

func (d *fakeDriver) park(evs []event, _ int, timeout time.Duration) ([]event, error) {
	time.Sleep(timeout)
	return evs, nil
}

func (d *fakeDriver) unpark() {}

func (d *fakeDriver) token(fd int) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.registered[fd]
}

// countWaker counts wakes and signals a channel.
type countWaker struct {
	n  atomic.Int32
	ch chan struct{}
}

func newCountWaker() *countWaker { return &countWaker{ch: make(chan struct{}, 1)} }

func (c *countWaker) Wake() {
	c.n.Add(1)
	select {
	case c.ch <- struct{}{}:
	default:
	}
}

func newTestSource(t *testing.T, fd int) (*reactor, *fakeDriver, *Source) {
	t.Helper()
	d := newFakeDriver()
	r := newReactor(d)
	s, err := r.newSource(fd, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r, d, s
}

func deliver(r *reactor, d *fakeDriver, fd int, ready Ready) {
	dispatchAndWake(r, []event{{token: d.token(fd), ready: ready}})
}

func TestReactorClearReadyKeepsNewerEdge(t *testing.T) {
	r, d, s := newTestSource(t, 3)
	w := newCountWaker()
	cx := NewContext(NewWaker(w))
	deliver(r, d, 3, ReadyReadable)
	ev, ok := s.PollReadable(cx)
	if !ok || ev.Ready() != ReadyReadable {
		t.Fatalf("PollReadable = %v, %v; want readable", ev.Ready(), ok)
	}
	// The "syscall" fails with EAGAIN, and an edge arrives before the clear.
	deliver(r, d, 3, ReadyReadable)
	s.ClearReady(ev)
	if _, ok := s.PollReadable(cx); !ok {
		t.Fatal("an edge that arrived between EAGAIN and ClearReady was lost")
	}
	// With no intervening edge the clear takes effect.
	ev, _ = s.PollReadable(cx)
	s.ClearReady(ev)
	if _, ok := s.PollReadable(cx); ok {
		t.Fatal("ClearReady with a current snapshot did not clear")
	}
	if w.n.Load() != 0 {
		t.Fatalf("woken %d times before any new event", w.n.Load())
	}
	deliver(r, d, 3, ReadyReadable)
	if w.n.Load() != 1 {
		t.Fatalf("registered reader woken %d times by one edge, want 1", w.n.Load())
	}
}

func TestReactorDirectionsAreSeparate(t *testing.T) {
	r, d, s := newTestSource(t, 4)
	rw, ww := newCountWaker(), newCountWaker()
	// Consume any readiness first: the source starts not ready.
	if _, ok := s.PollReadable(NewContext(NewWaker(rw))); ok {
		t.Fatal("fresh source readable")
	}
	if _, ok := s.PollWritable(NewContext(NewWaker(ww))); ok {
		t.Fatal("fresh source writable")
	}
	deliver(r, d, 4, ReadyWritable)
	if rw.n.Load() != 0 {
		t.Fatal("writability woke the reader")
	}
	if ww.n.Load() != 1 {
		t.Fatal("writability did not wake the writer")
	}
	// A read snapshot never contains (so never clears) writability.
	ev, ok := s.PollWritable(NewContext(NewWaker(ww)))
	if !ok || ev.Ready() != ReadyWritable {
		t.Fatalf("writable snapshot = %v, %v", ev.Ready(), ok)
	}
	if _, ok := s.PollReadable(NewContext(NewWaker(rw))); ok {
		t.Fatal("writability satisfied a read interest")
	}
	deliver(r, d, 4, ReadyReadable)
	if rw.n.Load() != 1 {
		t.Fatal("readability did not wake the reader")
	}
	rev, _ := s.PollReadable(NewContext(NewWaker(rw)))
	s.ClearReady(rev)
	if _, ok := s.PollWritable(NewContext(NewWaker(ww))); !ok {
		t.Fatal("clearing read readiness cleared writability")
	}
	// Peer hang-up satisfies the reader and is final.
	deliver(r, d, 4, ReadyReadClosed)
	for range 2 {
		ev, ok := s.PollReadable(NewContext(NewWaker(rw)))
		if !ok || ev.Ready()&ReadyReadClosed == 0 {
			t.Fatal("read-closed not reported")
		}
		s.ClearReady(ev)
	}
}

func TestReactorCancelWait(t *testing.T) {
	r, d, s := newTestSource(t, 5)
	w := newCountWaker()
	wk := NewWaker(w)
	if _, ok := s.PollReadable(NewContext(wk)); ok {
		t.Fatal("fresh source readable")
	}
	s.CancelWait(Readable, wk)
	deliver(r, d, 5, ReadyReadable)
	if w.n.Load() != 0 {
		t.Fatal("cancelled waiter was woken")
	}
	s.mu.Lock()
	empty := s.reader.IsZero() && s.writer.IsZero() && s.more == nil
	s.mu.Unlock()
	if !empty {
		t.Fatal("waiter slot not released")
	}
}

func TestReactorOverflowWaiters(t *testing.T) {
	r, d, s := newTestSource(t, 6)
	a, b, c := newCountWaker(), newCountWaker(), newCountWaker()
	for _, w := range []*countWaker{a, b, c} {
		if _, ok := s.PollReadable(NewContext(NewWaker(w))); ok {
			t.Fatal("fresh source readable")
		}
	}
	s.CancelWait(Readable, NewWaker(b))
	deliver(r, d, 6, ReadyReadable)
	if a.n.Load() != 1 || b.n.Load() != 0 || c.n.Load() != 1 {
		t.Fatalf("wakes a=%d b=%d c=%d, want 1 0 1", a.n.Load(), b.n.Load(), c.n.Load())
	}
}

func TestReactorCloseWakesAndClosesOnce(t *testing.T) {
	r, d, s := newTestSource(t, 7)
	rw, ww := newCountWaker(), newCountWaker()
	s.PollReadable(NewContext(NewWaker(rw)))
	s.PollWritable(NewContext(NewWaker(ww)))
	fd, err := s.Acquire() // an in-flight syscall
	if err != nil || fd != 7 {
		t.Fatalf("Acquire = %d, %v", fd, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if rw.n.Load() != 1 || ww.n.Load() != 1 {
		t.Fatal("Close did not wake both waiters")
	}
	if ev, ok := s.PollReadable(NewContext(NewWaker(rw))); !ok || ev.Ready()&ReadyShutdown == 0 {
		t.Fatal("closed source not reported as shut down")
	}
	if _, err := s.Acquire(); err != ErrSourceClosed {
		t.Fatalf("Acquire after Close = %v", err)
	}
	if d.closes[7] != 0 {
		t.Fatal("fd closed under an in-flight syscall")
	}
	s.Release()
	if d.closes[7] != 1 {
		t.Fatalf("fd closed %d times, want 1", d.closes[7])
	}
	if err := s.Close(); err != ErrSourceClosed {
		t.Fatalf("second Close = %v", err)
	}
	if d.closes[7] != 1 {
		t.Fatal("second Close closed the fd again")
	}
	if _, ok := d.registered[7]; ok {
		t.Fatal("Close did not deregister")
	}
	// Events after Close are ignored.
	dispatchAndWake(r, []event{{token: s.token, ready: ReadyReadable}})
	_ = r
}

func TestReactorStaleTokenNotDelivered(t *testing.T) {
	d := newFakeDriver()
	r := newReactor(d)
	old, _ := r.newSource(8, 0)
	oldTok := old.token
	old.Close()
	s, _ := r.newSource(9, 0) // reuses the slot
	if uint32(s.token) != uint32(oldTok) || s.token == oldTok {
		t.Fatalf("slot not reused with a new generation: %x %x", oldTok, s.token)
	}
	w := newCountWaker()
	s.PollReadable(NewContext(NewWaker(w)))
	dispatchAndWake(r, []event{{token: oldTok, ready: ReadyReadable}})
	if w.n.Load() != 0 {
		t.Fatal("late event of a closed source reached the slot's new source")
	}
}

// TestReactorNoLostWakeups models an fd with an atomic byte count: a
// "kernel" goroutine adds bytes and delivers an edge per addition; a
// consumer follows the documented protocol with a BlockOn-style waker. If
// any edge were lost the consumer would block forever.
func TestReactorNoLostWakeups(t *testing.T) {
	r, d, s := newTestSource(t, 10)
	const N = 20000
	var avail atomic.Int64
	go func() {
		for i := 0; i < N; i++ {
			avail.Add(1)
			deliver(r, d, 10, ReadyReadable)
		}
	}()
	read := func() bool { // one "read(2)": true if it got data
		for {
			n := avail.Load()
			if n == 0 {
				return false
			}
			if avail.CompareAndSwap(n, n-1) {
				return true
			}
		}
	}
	w := newCountWaker()
	cx := NewContext(NewWaker(w))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for got := 0; got < N; {
			if read() {
				got++
				continue
			}
			for {
				ev, ok := s.PollReadable(cx)
				if !ok {
					<-w.ch
					continue
				}
				if read() {
					got++
					break
				}
				s.ClearReady(ev)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("consumer stuck with %d bytes available: a wake-up was lost", avail.Load())
	}
}

func TestReactorSnapshot(t *testing.T) {
	r, d, s := newTestSource(t, 11)
	if ev := s.Snapshot(Readable); ev.Ready() != 0 {
		t.Fatalf("fresh snapshot = %v", ev.Ready())
	}
	deliver(r, d, 11, ReadyWritable)
	if ev := s.Snapshot(Readable); ev.Ready() != 0 {
		t.Fatalf("writability in a read snapshot: %v", ev.Ready())
	}
	deliver(r, d, 11, ReadyReadable)
	ev := s.Snapshot(Readable)
	if ev.Ready() != ReadyReadable {
		t.Fatalf("snapshot = %v, want readable", ev.Ready())
	}
	deliver(r, d, 11, ReadyReadable) // during the failing syscall
	s.ClearReady(ev)
	if s.Snapshot(Readable).Ready() != ReadyReadable {
		t.Fatal("edge during the syscall lost by ClearReady(snapshot)")
	}
	s.ClearReady(s.Snapshot(Readable))
	if s.Snapshot(Readable).Ready() != 0 {
		t.Fatal("ClearReady(current snapshot) did not clear")
	}
	if s.Snapshot(Writable).Ready() != ReadyWritable {
		t.Fatal("clearing read readiness cleared writability")
	}
}

// A Source created assumed ready (NewSource) keeps the assumption until
// the first event, which replaces it with the kernel's full answer; later
// events add to the bits as usual.
func TestReactorFirstEventReplacesAssumption(t *testing.T) {
	d := newFakeDriver()
	r := newReactor(d)
	s, err := r.newSource(12, ReadyReadable|ReadyWritable)
	if err != nil {
		t.Fatal(err)
	}
	ev := s.Snapshot(Readable)
	if !ev.Assumed() || ev.Ready() != ReadyReadable {
		t.Fatalf("new Source: %v assumed=%v, want assumed readable", ev.Ready(), ev.Assumed())
	}
	deliver(r, d, 12, ReadyWritable) // nothing to read at registration
	ev = s.Snapshot(Readable)
	if ev.Assumed() || ev.Ready() != 0 {
		t.Fatalf("after a writable-only first event: %v assumed=%v, want not readable", ev.Ready(), ev.Assumed())
	}
	if s.Snapshot(Writable).Ready() != ReadyWritable {
		t.Fatal("first event's writability lost")
	}
	deliver(r, d, 12, ReadyReadable)
	if s.Snapshot(Readable|Writable).Ready() != ReadyReadable|ReadyWritable {
		t.Fatal("a later event replaced instead of adding")
	}
}

// Only narrows a snapshot, so that clearing readability after a short
// read keeps an error bit (and writability) in place.
func TestReactorClearOnly(t *testing.T) {
	r, d, s := newTestSource(t, 13)
	deliver(r, d, 13, ReadyReadable|ReadyError|ReadyWritable)
	ev := s.Snapshot(Readable)
	s.ClearReady(ev.Only(ReadyReadable))
	if got := s.Snapshot(Readable | Writable).Ready(); got != ReadyError|ReadyWritable {
		t.Fatalf("after ClearReady(Only(readable)): %v, want error|writable", got)
	}
}

// dispatchAndWake delivers evs and wakes their waiters, as a driver turn
// off a worker does.
func dispatchAndWake(r *reactor, evs []event) {
	_, ws := r.dispatch(evs, nil, nil)
	wakeFrom(nil, ws)
}
