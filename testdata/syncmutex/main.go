//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// rt/sync Mutex held across suspension points by several tasks: the
// critical sections never interleave (a read-yield-write is never lost)
// and the lock is FIFO.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/sync"
)

type account struct {
	mu      sync.Mutex
	balance int
	log     []int
}

//asyncgo:async
func (a *account) deposit(n int) {
	g := a.mu.Lock()
	v := a.balance
	rt.Yield()
	rt.Yield()
	a.balance = v + n
	a.log = append(a.log, n)
	g.Unlock()
}

func main() {
	var a account
	rt.Run(func() {
		var hs []*rt.JoinHandle[int]
		for i := 1; i <= 10; i++ {
			n := i
			hs = append(hs, rt.Spawn(func() int {
				a.deposit(n)
				return n
			}))
		}
		total := 0
		for i := 0; i < len(hs); i++ {
			total += rt.Await(hs[i])
		}
		fmt.Println(total, a.balance, len(a.log))
	})
}
