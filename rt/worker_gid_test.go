package rt

import (
	"math/rand/v2"
	"testing"
)

// TestGidTabLookup fills tables of every size with goroutine identities
// that look like g addresses (aligned, close together, so that many share
// a home slot) and checks every registered one is found with its entry
// and unregistered ones are not.
func TestGidTabLookup(t *testing.T) {
	execs := make([]executor, 1)
	for _, n := range []int{1, 2, 3, 7, 8, 9, 64, 500} {
		var all []gidSlot
		for i := range n {
			g := uintptr(0xc000100000 + i*0x1a0)
			all = append(all, gidSlot{g: g, e: gidEntry{exec: &execs[0], worker: &worker{id: i}}})
		}
		rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		tab := newGidTab(all)
		if len(tab.slots) < 2*n {
			t.Errorf("n=%d: %d slots, want at least %d (half full at most)", n, len(tab.slots), 2*n)
		}
		for _, s := range all {
			if got := tab.lookup(s.g); got != s.e {
				t.Fatalf("n=%d: lookup(%#x) = %+v, want %+v", n, s.g, got, s.e)
			}
		}
		for i := range 1000 {
			g := uintptr(0xc000100000 + n*0x1a0 + i*8)
			if got := tab.lookup(g); got != (gidEntry{}) {
				t.Fatalf("n=%d: lookup(%#x) of an unregistered g = %+v", n, g, got)
			}
		}
	}
}

// TestRegisterGNests checks registration on a goroutine that is already
// registered (a nested Run) and that deregistering restores the outer one.
func TestRegisterGNests(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		var e1, e2 executor
		if currentG() != (gidEntry{}) {
			t.Error("a new goroutine is registered")
		}
		g1, prev1 := registerG(gidEntry{exec: &e1})
		if currentG().exec != &e1 || prev1 != (gidEntry{}) {
			t.Error("outer registration not seen")
		}
		g2, prev2 := registerG(gidEntry{exec: &e2})
		if currentG().exec != &e2 || prev2.exec != &e1 || g2 != g1 {
			t.Error("inner registration not seen")
		}
		deregisterG(g2, prev2)
		if currentG().exec != &e1 {
			t.Error("outer registration not restored")
		}
		deregisterG(g1, prev1)
		if currentG() != (gidEntry{}) {
			t.Error("registration left behind")
		}
	}()
	<-done
}
