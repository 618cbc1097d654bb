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
