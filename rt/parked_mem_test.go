package rt_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/rt"
	rtsync "github.com/asyncgo/asyncgo/rt/sync"
)

// TestParkedTaskMemory is a small version of BenchmarkTargetParkedTask
// (issue 4: at most 128 B per task parked on its own Channel receive):
// 200,000 tasks, heap growth per parked task, channels excluded. The
// receive future is a pointer and a wait-list node (56 B), so the task
// (48 B header, recvTask's fields) is one 128-byte object.
func TestParkedTaskMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 200,000 tasks")
	}
	const n = 200_000
	var perTask float64
	rt.Run(func() {
		var done atomic.Int64
		chans := make([]*rtsync.Channel[int], n)
		for i := range chans {
			chans[i] = rtsync.NewChannel[int]()
		}
		p0 := rt.Stats().Polls
		before := heapAlloc()
		for i := range chans {
			rt.GoFuture(recvTask{ch: chans[i], done: &done})
		}
		deadline := time.Now().Add(time.Minute)
		for rt.Stats().Polls-p0 < n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		perTask = float64(heapAlloc()-before) / n
		for _, c := range chans {
			c.Send(1)
		}
		for done.Load() < n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if done.Load() != n {
			t.Errorf("%d of %d tasks completed", done.Load(), n)
		}
	}, rt.Workers(2))
	t.Logf("%.1f B per parked task", perTask)
	if perTask > 140 { // 128 B objects, plus noise (it was 160 B before)
		t.Fatalf("%.1f B per parked task, want at most 128", perTask)
	}
}
