package sync_test

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

// A Channel connects producers and consumers without a bound: Send never
// waits. A receiver drains what is left after Close and then gets
// ErrClosed, so "receive until error" is the idiomatic consumer loop.
func ExampleChannel() {
	jobs := sync.NewChannel[string]()
	done := sync.NewOneshot[int]()
	go func() {
		n := 0
		for {
			job, err := jobs.Recv() // a suspension point in async code
			if err != nil {
				fmt.Println("consumer:", err)
				break
			}
			fmt.Println("job", job)
			n++
		}
		done.Send(n)
	}()
	for _, j := range []string{"a", "b", "c"} {
		jobs.Send(j)
	}
	jobs.Close()
	n, _ := done.Recv()
	fmt.Println(n, "jobs done")
	// Output:
	// job a
	// job b
	// job c
	// consumer: sync: closed
	// 3 jobs done
}

// A Ring bounds the work in flight: Send waits while Cap values are
// queued, so a fast producer is held back to the consumer's pace.
func ExampleRing() {
	r := sync.NewRing[int](2)
	go func() {
		for i := 1; i <= 5; i++ {
			r.Send(i) // waits while the ring holds 2 values
		}
		r.Close()
	}()
	sum := 0
	for {
		v, err := r.Recv()
		if err != nil {
			break
		}
		sum += v
	}
	fmt.Println("sum", sum)
	// Output: sum 15
}

// Lock returns a guard; unlocking through a deferred call on the guard
// keeps the critical section obvious. Waiters are served first come,
// first served.
func ExampleMutex() {
	var mu sync.Mutex
	balance := 0
	deposit := func(n int) {
		g := mu.Lock() // suspends the task (or blocks the goroutine) while held
		defer g.Unlock()
		balance += n
	}
	done := sync.NewChannel[struct{}]()
	for i := 1; i <= 10; i++ {
		go func() {
			deposit(i)
			done.Send(struct{}{})
		}()
	}
	for i := 0; i < 10; i++ {
		done.Recv()
	}
	fmt.Println("balance", balance)
	// Output: balance 55
}

// A Oneshot returns one result from a concurrent computation. If the
// producer gives up, Close tells the waiting receiver so instead of
// leaving it hanging.
func ExampleOneshot() {
	result := sync.NewOneshot[int]()
	go func() { result.Send(6 * 7) }()
	v, err := result.Recv()
	fmt.Println(v, err)

	abandoned := sync.NewOneshot[int]()
	go abandoned.Close()
	_, err = abandoned.Recv()
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// sync: closed
}

// wakeCounter is a minimal rt.Wakeable for driving a future by hand.
type wakeCounter int

func (w *wakeCounter) Wake() { *w++ }

// Every async method M has an MAsync form returning a future that an
// executor (or, here, a hand-written driver) polls. Poll returns false
// after registering the waker; the waker fires when polling again will
// make progress. Cancel gives up the place in the queue.
func ExampleChannel_RecvAsync() {
	ch := sync.NewChannel[int]()
	var woken wakeCounter
	cx := rt.NewContext(rt.NewWaker(&woken))

	f := ch.RecvAsync() // lazy: nothing happens yet
	fmt.Println("ready:", f.Poll(cx), "woken:", woken)
	ch.Send(7) // handed straight to the waiting future, which is woken
	fmt.Println("ready:", f.Poll(cx), "woken:", woken)
	fmt.Println(f.Result())

	g := ch.RecvAsync()
	g.Poll(cx)
	g.Cancel() // leaves the wait queue; a later value stays in the channel
	ch.Send(8)
	fmt.Println("buffered:", ch.Len())
	// Output:
	// ready: false woken: 0
	// ready: true woken: 1
	// 7 <nil>
	// buffered: 1
}

// A Broadcast delivers every value to every subscriber. A subscriber that
// falls more than Cap values behind is told how many it missed, and goes
// on with the oldest value still retained.
func ExampleBroadcast() {
	events := sync.NewBroadcast[string](2)
	fast, slow := events.Subscribe(), events.Subscribe()
	var got []string
	for _, e := range []string{"a", "b", "c", "d"} {
		events.Send(e)
		v, _ := fast.Recv() // keeps up
		got = append(got, v)
	}
	fmt.Println(got)
	_, err := slow.Recv()
	fmt.Println(err)
	v, _ := slow.Recv()
	fmt.Println("slow resumes at", v)
	// Output:
	// [a b c d]
	// sync: broadcast receiver lagged: 2 values missed
	// slow resumes at c
}

// A Watch publishes the latest state; a receiver waits for a value it has
// not seen and always gets the newest one (intermediate values are
// skipped).
func ExampleWatch() {
	config := sync.NewWatch("v1")
	r := config.Subscribe() // has seen "v1"
	config.Send("v2")
	config.Send("v3")
	v, _ := r.Recv() // returns at once: "v3" is unseen
	fmt.Println("reload", v)
	config.Close()
	_, err := r.Recv() // nothing unseen, and no more to come
	fmt.Println(err)
	// Output:
	// reload v3
	// sync: closed
}

// An RWMutex lets readers share and writers exclude; both guards unlock
// with Unlock. Readers arriving after a waiting writer queue behind it.
func ExampleRWMutex() {
	var mu sync.RWMutex
	table := map[string]int{}
	set := func(k string, v int) {
		g := mu.Lock()
		defer g.Unlock()
		table[k] = v
	}
	get := func(k string) int {
		g := mu.RLock()
		defer g.Unlock()
		return table[k]
	}
	set("x", 1)
	fmt.Println(get("x"), get("y"))
	// Output: 1 0
}

// A weighted Semaphore bounds the total size of work in flight: here at
// most 10 units, each job taking as many permits as its size.
func ExampleSemaphore() {
	budget := sync.NewSemaphore(10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	peak, inFlight := int64(0), int64(0)
	for _, size := range []int64{4, 6, 3, 7, 5} {
		wg.Go(func() {
			budget.Acquire(size) // waits, in FIFO order, for size permits
			defer budget.Release(size)
			g := mu.Lock()
			inFlight += size
			peak = max(peak, inFlight)
			g.Unlock()
			g = mu.Lock()
			inFlight -= size
			g.Unlock()
		})
	}
	wg.Wait()
	fmt.Println("peak within budget:", peak <= 10)
	fmt.Println(budget.Acquire(11))
	// Output:
	// peak within budget: true
	// sync: acquire exceeds semaphore size
}

// Notify signals "look again" without data. NotifyOne stores a permit when
// nobody waits, so a notification is never lost between a check and the
// wait.
func ExampleNotify() {
	var n sync.Notify
	n.NotifyOne() // nobody waits yet: stored
	n.Notified()  // consumes the permit, returns at once
	fmt.Println("notified")
	// Output: notified
}

// WaitGroup.Wait suspends a task (here, blocks the goroutine) until the
// counter is back to zero.
func ExampleWaitGroup() {
	var wg sync.WaitGroup
	results := make([]int, 3)
	for i := range results {
		wg.Go(func() { results[i] = i * i })
	}
	wg.Wait()
	fmt.Println(results)
	// Output: [0 1 4]
}

// A Barrier lines participants up round after round; one of each round
// is told it is the leader.
func ExampleBarrier() {
	b := sync.NewBarrier(3)
	leaders := sync.NewChannel[bool]()
	for i := 0; i < 3; i++ {
		go func() { leaders.Send(b.Wait()) }()
	}
	n := 0
	for i := 0; i < 3; i++ {
		if l, _ := leaders.Recv(); l {
			n++
		}
	}
	fmt.Println("leaders:", n)
	// Output: leaders: 1
}

// Once runs its function once; a Do that finds it running waits for it
// to finish.
func ExampleOnce() {
	var once sync.Once
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Go(func() { once.Do(func() { fmt.Println("initialised") }) })
	}
	wg.Wait()
	fmt.Println("done:", once.Done())
	// Output:
	// initialised
	// done: true
}

// Race returns the first branch to finish. In async code the branches are
// async literals, lowered to RaceOf, and the losers are cancelled; here,
// in goroutine code, they run in goroutines and the loser is left to
// finish on its own.
func ExampleRace() {
	fast := make(chan string, 1)
	fast <- "cache"
	never := make(chan string)
	i, v := sync.Race(
		func() string { return <-never },
		func() string { return <-fast },
	)
	fmt.Println(i, v)
	// Output: 1 cache
}

// RaceOf races futures: here a channel receive against a mutex lock. The
// receive wins; the lock is cancelled before RaceOf returns, so it no
// longer waits in the mutex's queue.
func ExampleSelectOf() {
	var mu sync.Mutex
	mu.Lock()
	ch := sync.NewChannel[string]()
	ch.Send("message")
	lock, recv := mu.LockAsync(), ch.RecvAsync()
	i := sync.SelectOf(&lock, &recv)
	v, _ := recv.Result()
	fmt.Println(i, v)
	mu.Unlock()
	fmt.Println("mutex free:", mu.TryLock())
	// Output:
	// 1 message
	// mutex free: true
}

// JoinAll waits for every branch and returns the results in order.
func ExampleJoinAll() {
	squares := sync.JoinAll(
		func() int { return 1 * 1 },
		func() int { return 2 * 2 },
		func() int { return 3 * 3 },
	)
	fmt.Println(squares)
	// Output: [1 4 9]
}
