package rt

import (
	"fmt"
	"strings"
)

// BlockOn runs f to completion on the calling goroutine: the blocking
// bridge between ordinary goroutine code and async code. Each generated
// async function F is itself a bridge of the form
//
//	func F(x int) int {
//		f := FAsync(x)
//		rt.BlockOn(&f)
//		return f.Result()
//	}
//
// BlockOn parks the goroutine (not a worker) while f is pending. Calling it
// on one of the runtime's worker goroutines would stall that worker, so it
// panics instead, naming the future: the ordinary function that made the
// call has to be marked //asyncgo:async.
func BlockOn(f Pollable) {
	if g := currentG(); g.worker != nil {
		if g.exec.det == nil || g.worker.polling {
			panic(blockingOnWorkerMessage(f))
		}
		// Run's main function in a deterministic runtime: drive the
		// scheduler until f completes.
		g.exec.detBlockOn(f)
		return
	}
	p := &goroutineParker{ch: make(chan struct{}, 1)}
	cx := &Context{waker: Waker{target: p}}
	for !f.Poll(cx) {
		<-p.ch
	}
}

// onWorker reports whether the calling goroutine is one of the runtime's
// workers (polling a task). worker_gid.go sets it.
var onWorker = func() bool { return false }

func blockingOnWorkerMessage(f Pollable) string {
	name := strings.TrimPrefix(fmt.Sprintf("%T", f), "*")
	name = strings.TrimSuffix(name, "Future")
	return fmt.Sprintf("rt: blocking call to async %s on a runtime worker: "+
		"the ordinary function that calls it must be marked //asyncgo:async", name)
}

// goroutineParker is the Wakeable of a goroutine blocked in BlockOn. Wakes
// that arrive while the goroutine is polling are remembered in the
// one-slot channel, so none is lost.
type goroutineParker struct {
	ch chan struct{}
}

func (p *goroutineParker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default:
	}
}
