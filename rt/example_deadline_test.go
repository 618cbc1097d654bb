package rt_test

import (
	"fmt"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// A deadline that bounds a series of waits, pushed back before each: the
// idle timeout of a connection. Each wait gets 200 ms from its Reset; the
// third takes longer and times out. (In async code the closures would be
// async literals, and the timed-out one would be cancelled.)
func ExampleDeadline() {
	rt.Run(func() {
		var idle rt.Deadline
		defer idle.Stop()
		for _, d := range []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, time.Second} {
			idle.Reset(200 * time.Millisecond)
			took, err := rt.WithDeadline(&idle, func() time.Duration {
				rt.Sleep(d)
				return d
			})
			if err == rt.ErrTimeout {
				fmt.Println("idle for too long:", idle.Expired())
				break
			}
			fmt.Println("request after", took)
		}
	})
	// Output:
	// request after 10ms
	// request after 20ms
	// idle for too long: true
}
