package sync_test

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt/sync"
)

// Range over All receives until the channel is closed and drained. In
// async code each step is a suspension point (asyncgen lowers the loop to
// calls of RecvNext).
func ExampleChannel_All() {
	words := sync.NewChannel[string]()
	for _, w := range []string{"x", "y", "z"} {
		words.Send(w)
	}
	words.Close()
	for w := range words.All() {
		fmt.Println(w)
	}
	// Output:
	// x
	// y
	// z
}

// A producer held back by a full Ring proceeds as the range loop takes
// values.
func ExampleRing_All() {
	r := sync.NewRing[int](2)
	go func() {
		for i := 1; i <= 5; i++ {
			r.Send(i) // waits while the ring holds 2 values
		}
		r.Close()
	}()
	sum := 0
	for v := range r.All() {
		sum += v
	}
	fmt.Println("sum", sum)
	// Output:
	// sum 15
}
