package rt

import (
	"fmt"
	"strings"
	"sync"
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
	p := getParker()
	for !f.Poll(&p.cx) {
		<-p.ch
	}
	parkers.Put(p)
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

// goroutineParker is the Wakeable of a goroutine blocked in BlockOn, with
// the Context that carries it. Wakes that arrive while the goroutine is
// polling are remembered in the one-slot channel, so none is lost.
//
// Parkers are reused (parkers), so that BlockOn allocates nothing of its
// own. A future may keep the waker after BlockOn returned (a primitive
// that only drops a registration when it fires, a join slot), and wake it
// later: such a stale wake can only ever leave a token in the channel; it
// never takes one. getParker drains that token before the new user's first
// poll (no registration of the new user exists yet, so any token is stale);
// a stale wake that arrives later costs the new user one spurious poll,
// which BlockOn's loop tolerates: a token means "poll again", never "it
// is done". The real wake of the new user is never lost: it either puts
// its token, or finds one already there that the user has not consumed
// yet, and the poll that follows that token comes after the wake.
type goroutineParker struct {
	ch chan struct{}
	cx Context
}

// parkers is the pool of goroutineParkers of BlockOn.
var parkers = sync.Pool{New: func() any {
	p := &goroutineParker{ch: make(chan struct{}, 1)}
	p.cx.waker = Waker{target: p}
	return p
}}

// getParker returns a parker with no token pending.
func getParker() *goroutineParker {
	p := parkers.Get().(*goroutineParker)
	select {
	case <-p.ch: // a stale wake of a previous user
	default:
	}
	return p
}

func (p *goroutineParker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default:
	}
}
