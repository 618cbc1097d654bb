//go:build asyncsrc

package unsupported

import (
	"fmt"
	"sync"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func add(a, b int) int {
	rt.Yield()
	return a + b
}

func key() string { return "k" }

type box[T any] struct{ v T }

//asyncgo:async
func (b *box[T]) get() T { // supported
	rt.Yield()
	return b.v
}

//asyncgo:async
func statements(ch chan int, xs []int) {
	defer fmt.Println("done") // supported
	defer add(1, 2)           // ERROR "suspension point inside a deferred call"
	switch add(1, 2) {        // supported
	case 3:
	}
	for range xs { // supported
		rt.Yield()
	}
	select { // ERROR "suspension point inside a select statement"
	case <-ch:
		rt.Yield()
	}
	select { // WARNING "select over Go channels blocks the worker thread"
	case <-ch:
	default:
	}
L:
	for {
		rt.Yield()
		break L
	}
	type local int // supported: declared at package level
	m := map[string]int{}
	m[key()] = add(1, 2) // supported: key() is evaluated first
}

//asyncgo:async
func literals() {
	f := func() int { return add(1, 2) } // ERROR "async func literal in this position"
	go func() {                          // an async literal in a go statement of async code: a task
		rt.Yield()
	}()
	g := func() int { return 1 } // a plain literal: fine
	rt.Yield()
	_, _ = f, g
}

func main() {
	rt.Run(func() { // lowered to rt.RunFuture
		rt.Yield()
	})
	h := func() { add(1, 2) } // ERROR "async func literal in this position"
	go func() { add(1, 2) }() // a goroutine calling the blocking bridge: fine
	h()
}

func generic[T any](x T) T {
	var out T
	rt.Run(func() { // supported
		rt.Yield()
		out = x
	})
	return out
}

//asyncgo:async
func timeout() (int, error) {
	// Lowered to rt.TimeoutOf (no diagnostic since asyncgen lowers
	// async companions); in ordinary code the literal is still diagnosed.
	return rt.Timeout(time.Second, func() int {
		return add(1, 2)
	})
}

func timeoutSync() (int, error) {
	return rt.Timeout(time.Second, func() int { return add(1, 2) }) // ERROR "async func literal in this position"
}

//asyncgo:async
func blocking(mu *sync.Mutex, ch chan int) {
	time.Sleep(time.Millisecond) // WARNING "time.Sleep blocks the worker thread"
	mu.Lock()                    // WARNING "sync.Mutex.Lock blocks the worker thread"
	ch <- 1                      // WARNING "send on a Go channel may block"
	rt.Yield()
	mu.Unlock()
}
