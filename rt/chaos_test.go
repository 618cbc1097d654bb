package rt

import "testing"

// TestChaosInjectsBoundedStreaks checks that chaos mode injects pendings,
// wakes the task each time, and never more than K in a row per task.
func TestChaosInjectsBoundedStreaks(t *testing.T) {
	saved := chaos
	defer func() { chaos = saved }()
	chaos = parseChaos("7:2")

	w := &countingWaker{}
	cx := NewContext(NewWaker(w))
	injected, streak, maxStreak := 0, 0, 0
	for range 1000 {
		if cx.InjectPending() {
			injected++
			streak++
			maxStreak = max(maxStreak, streak)
		} else {
			streak = 0
		}
	}
	if injected == 0 || maxStreak > 2 {
		t.Fatalf("injected %d pendings, longest streak %d; want some, at most 2 in a row", injected, maxStreak)
	}
	if w.n != injected {
		t.Fatalf("woken %d times for %d injected pendings", w.n, injected)
	}
}

func TestChaosOffNeverInjects(t *testing.T) {
	saved := chaos
	defer func() { chaos = saved }()
	chaos = nil
	cx := NewContext(Waker{})
	for range 100 {
		if cx.InjectPending() {
			t.Fatal("InjectPending returned true with chaos mode off")
		}
	}
}

func TestParseChaos(t *testing.T) {
	if c := parseChaos("5"); c == nil || c.max != 3 {
		t.Fatalf("parseChaos(5) = %+v, want K=3", c)
	}
	for _, bad := range []string{"x", "1:-1", "1:y"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("parseChaos(%q) did not panic", bad)
				}
			}()
			parseChaos(bad)
		}()
	}
}

type countingWaker struct{ n int }

func (w *countingWaker) Wake() { w.n++ }
