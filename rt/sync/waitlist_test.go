package sync

import "testing"

func TestWaitListRemoveAnywhere(t *testing.T) {
	var l waitList[int]
	ns := make([]waiter[int], 5)
	for i := range ns {
		ns[i].val = i
		l.pushBack(&ns[i])
	}
	l.remove(&ns[0]) // head
	l.remove(&ns[4]) // tail
	l.remove(&ns[2]) // middle
	var got []int
	for w := l.popFront(); w != nil; w = l.popFront() {
		if w.state != idle || w.next != nil || w.prev != nil {
			t.Fatalf("popped node not reset: %+v", w)
		}
		got = append(got, w.val)
	}
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Fatalf("remaining %v, want [1 3]", got)
	}
	if !l.empty() || l.tail != nil {
		t.Fatal("list not empty after popping everything")
	}
}

func TestDequeWrapAndPushFront(t *testing.T) {
	var d deque[int]
	next := 0
	want := []int{}
	for round := 0; round < 50; round++ {
		for i := 0; i < 7; i++ {
			d.pushBack(next)
			want = append(want, next)
			next++
		}
		for i := 0; i < 5; i++ {
			if v := d.popFront(); v != want[0] {
				t.Fatalf("popFront = %d, want %d", v, want[0])
			}
			want = want[1:]
		}
		d.pushFront(-round)
		want = append([]int{-round}, want...)
	}
	for len(want) > 0 {
		if v := d.popFront(); v != want[0] {
			t.Fatalf("popFront = %d, want %d", v, want[0])
		}
		want = want[1:]
	}
	if d.len() != 0 {
		t.Fatalf("len = %d, want 0", d.len())
	}
}

// Waiting never allocates: the wait-list node lives in the future.
func TestWaitingDoesNotAllocate(t *testing.T) {
	_, cx := newCX()
	c := NewChannel[int]()
	rf := new(ChannelRecvFuture[int])
	var mu Mutex
	mu.TryLock()
	lf := new(MutexLockFuture)
	r := NewRing[int](1)
	r.TrySend(0)
	sf := new(RingSendFuture[int])
	allocs := testing.AllocsPerRun(100, func() {
		*rf = c.RecvAsync()
		rf.Poll(cx) // queued
		c.Send(1)   // handed over
		rf.Poll(cx)

		*lf = mu.LockAsync()
		lf.Poll(cx) // queued
		lf.Cancel() // O(1) unlink

		*sf = r.SendAsync(1)
		sf.Poll(cx) // queued (full)
		r.TryRecv() // admits the sender
		sf.Poll(cx)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per wait, want 0", allocs)
	}
}

func TestDequeShrinksAfterBurst(t *testing.T) {
	var d deque[int]
	for i := 0; i < 10000; i++ {
		d.pushBack(i)
	}
	for i := 0; i < 9990; i++ {
		if v := d.popFront(); v != i {
			t.Fatalf("popFront = %d, want %d", v, i)
		}
		d.shrink()
	}
	if len(d.buf) > 64 {
		t.Fatalf("buffer still %d slots for %d values", len(d.buf), d.len())
	}
	for i := 9990; i < 10000; i++ {
		if v := d.popFront(); v != i {
			t.Fatalf("after shrink popFront = %d, want %d", v, i)
		}
	}
}

// The primitives added after the first four wait without allocating too,
// including a Send that wakes a batch of waiters (up to wakeBatch).
func TestMorePrimitivesWaitWithoutAllocating(t *testing.T) {
	_, cx := newCX()
	var rw RWMutex
	rw.TryLock()
	rlf := new(RWMutexRLockFuture)
	wlf := new(RWMutexLockFuture)
	sem := NewSemaphore(2)
	sem.TryAcquire(2)
	sf := new(SemaphoreAcquireFuture)
	var n Notify
	nf := new(NotifyNotifiedFuture)
	var wg WaitGroup
	wf := new(WaitGroupWaitFuture)
	bar := NewBarrier(2)
	bf1, bf2 := new(BarrierWaitFuture), new(BarrierWaitFuture)
	bc := NewBroadcast[int](4)
	brs := make([]*BroadcastReceiver[int], wakeBatch)
	bfs := make([]BroadcastReceiverRecvFuture[int], wakeBatch)
	for i := range brs {
		brs[i] = bc.Subscribe()
	}
	wt := NewWatch(0)
	wr := wt.Subscribe()
	wtf := new(WatchReceiverRecvFuture[int])
	allocs := testing.AllocsPerRun(100, func() {
		*rlf, *wlf = rw.RLockAsync(), rw.LockAsync()
		rlf.Poll(cx) // queued behind the writer
		wlf.Poll(cx) // queued
		rw.Unlock()  // hands to the reader
		rlf.Poll(cx)
		rlf.Result().Unlock() // hands to the writer
		wlf.Poll(cx)          // holds it again for the next run

		*sf = sem.AcquireAsync(1)
		sf.Poll(cx)
		sem.Release(1)
		sf.Poll(cx)

		*nf = n.NotifiedAsync()
		nf.Poll(cx)
		n.NotifyOne()
		nf.Poll(cx)

		wg.Add(1)
		*wf = wg.WaitAsync()
		wf.Poll(cx)
		wg.Done()
		wf.Poll(cx)

		*bf1, *bf2 = bar.WaitAsync(), bar.WaitAsync()
		bf1.Poll(cx)
		bf2.Poll(cx)
		bf1.Poll(cx)

		for i := range bfs {
			bfs[i] = brs[i].RecvAsync()
			bfs[i].Poll(cx)
		}
		bc.Send(1)
		for i := range bfs {
			bfs[i].Poll(cx)
		}

		*wtf = wr.RecvAsync()
		wtf.Poll(cx)
		wt.Send(1)
		wtf.Poll(cx)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per round of waits, want 0", allocs)
	}
}
