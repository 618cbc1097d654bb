package rt

import (
	"sync"
	"testing"
	"unsafe"
)

func TestGetgIdentifiesGoroutines(t *testing.T) {
	me := getg()
	if me == 0 || getg() != me {
		t.Fatalf("getg() unstable: %#x, %#x", me, getg())
	}
	const n = 50
	ids := make([]uintptr, n)
	var wg, recorded, start sync.WaitGroup
	start.Add(1)
	for i := range ids {
		wg.Add(1)
		recorded.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = getg()
			recorded.Done()
			start.Wait() // keep all alive at once, so no g is recycled
		}()
	}
	recorded.Wait()
	start.Done()
	wg.Wait()
	seen := map[uintptr]bool{me: true}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("two live goroutines share getg() %#x", id)
		}
		seen[id] = true
	}
}

func TestParseGoid(t *testing.T) {
	if got := parseGoid([]byte("goroutine 1234 [running]:\nmain.main()")); got != 1234 {
		t.Errorf("parseGoid = %d", got)
	}
	if got := parseGoid([]byte("garbage")); got != 0 {
		t.Errorf("parseGoid(garbage) = %d", got)
	}
}

func TestLocalQueue(t *testing.T) {
	var q, thief localQueue
	tasks := make([]header, localCap+1)
	for i := 0; i < localCap; i++ {
		if !q.push(&tasks[i]) {
			t.Fatalf("push %d failed", i)
		}
	}
	if q.push(&tasks[localCap]) {
		t.Fatal("push into a full queue succeeded")
	}
	if h := thief.stealFrom(&q); h != &tasks[localCap/2-1] {
		t.Fatalf("steal returned the wrong task")
	}
	if q.len() != localCap/2 || thief.len() != localCap/2-1 {
		t.Fatalf("after steal: victim %d, thief %d", q.len(), thief.len())
	}
	if h := thief.pop(); h != &tasks[0] {
		t.Fatal("thief pops in FIFO order")
	}
	var out [localCap / 2]*header
	if n := q.popHalf(out[:]); n != localCap/4 || out[0] != &tasks[localCap/2] {
		t.Fatalf("popHalf = %d", n)
	}
	for q.pop() != nil {
	}
	if q.len() != 0 || thief.stealFrom(&q) != nil {
		t.Fatal("empty queue not empty")
	}
}

// Stealers racing the owner never lose or duplicate a task.
func TestLocalQueueConcurrentSteal(t *testing.T) {
	const total = 100000
	tasks := make([]header, total)
	var q localQueue
	seen := make([]int32, total)
	var mu sync.Mutex
	record := func(h *header) {
		i := (uintptrOf(h) - uintptrOf(&tasks[0])) / sizeofHeader
		mu.Lock()
		seen[i]++
		mu.Unlock()
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for k := 0; k < 3; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine localQueue
			for {
				select {
				case <-stop:
					return
				default:
				}
				if h := mine.stealFrom(&q); h != nil {
					record(h)
					for x := mine.pop(); x != nil; x = mine.pop() {
						record(x)
					}
				}
			}
		}()
	}
	for i := range tasks {
		for !q.push(&tasks[i]) {
			if h := q.pop(); h != nil {
				record(h)
			}
		}
	}
	for h := q.pop(); h != nil; h = q.pop() {
		record(h)
	}
	close(stop)
	wg.Wait()
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("task %d taken %d times", i, n)
		}
	}
}

func uintptrOf(h *header) uintptr { return uintptr(unsafe.Pointer(h)) }

const sizeofHeader = unsafe.Sizeof(header{})

// The task layout: a 48-byte header; a join handle adds 24 bytes; one
// allocation per spawn.
func TestTaskLayout(t *testing.T) {
	if s := unsafe.Sizeof(header{}); s != 48 {
		t.Errorf("header is %d bytes, want 48", s)
	}
	if s := unsafe.Sizeof(joinTask[readyFuture, int, *readyFuture]{}); s != 80 {
		t.Errorf("joinTask[readyFuture] is %d bytes, want 48+24+8", s)
	}
	if s := unsafe.Sizeof(task[readyFuture, *readyFuture]{}); s != 56 {
		t.Errorf("task[readyFuture] is %d bytes, want 48+8", s)
	}
	Run(func() {
		n := testing.AllocsPerRun(100, func() {
			SpawnFuture[pendingFuture, int](pendingFuture{})
		})
		if n != 1 {
			t.Errorf("SpawnFuture: %v allocations, want 1", n)
		}
		n = testing.AllocsPerRun(100, func() {
			GoFuture(pendingFuture{})
		})
		if n != 1 {
			t.Errorf("GoFuture: %v allocations, want 1", n)
		}
	}, Workers(2))
}

// pendingFuture never completes and registers nothing (cancelled at
// shutdown).
type pendingFuture struct{ _ int }

func (pendingFuture) Poll(*Context) bool { return false }
func (pendingFuture) Result() int        { return 0 }
func (pendingFuture) Cancel()            {}
