//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync Watch and Notify: a task waits for a Notify permit, then a
// watcher sees the latest value of a Watch (intermediate values may be
// skipped, the final one is always seen).
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

//asyncgo:async
func watcher(r *sync.WatchReceiver[int], last int) int {
	for {
		v, err := r.Recv()
		if err != nil {
			return -1
		}
		if v == last {
			return v
		}
	}
}

//asyncgo:async
func waiter(n *sync.Notify, out *[]string) {
	n.Notified()
	*out = append(*out, "notified")
}

func main() {
	rt.Run(func() {
		w := sync.NewWatch(0)
		r := w.Subscribe()
		h := rt.Spawn(func() int { return watcher(r, 5) })
		for i := 1; i <= 5; i++ {
			w.Send(i)
			rt.Yield()
		}
		fmt.Println("watcher saw", rt.Await(h))
		var n sync.Notify
		var out []string
		n.NotifyOne() // stored permit
		waiter(&n, &out)
		h2 := rt.Spawn(func() bool { waiter(&n, &out); return true })
		rt.Yield()
		n.NotifyOne()
		rt.Await(h2)
		fmt.Println(out)
	})
}
