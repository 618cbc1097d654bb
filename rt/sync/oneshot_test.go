package sync

import (
	"errors"
	"testing"
	"time"
)

func TestOneshotSendThenRecv(t *testing.T) {
	o := NewOneshot[string]()
	if _, err := o.TryRecv(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("TryRecv before Send: err = %v, want ErrEmpty", err)
	}
	if err := o.Send("v"); err != nil {
		t.Fatal(err)
	}
	if err := o.Send("w"); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Send: err = %v, want ErrClosed", err)
	}
	o.Close() // a sent value survives Close
	if v, err := o.Recv(); v != "v" || err != nil {
		t.Fatalf("Recv = %q, %v; want \"v\", nil", v, err)
	}
	if _, err := o.Recv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Recv: err = %v, want ErrClosed", err)
	}
}

func TestOneshotRecvWaitsForSend(t *testing.T) {
	o := NewOneshot[int]()
	got := make(chan int, 1)
	go func() {
		v, _ := o.Recv()
		got <- v
	}()
	for numQueued(&o.mu, &o.recvq) == 0 {
		time.Sleep(time.Millisecond)
	}
	o.Send(42)
	select {
	case v := <-got:
		if v != 42 {
			t.Fatalf("got %d, want 42", v)
		}
	case <-time.After(hang):
		t.Fatal("Recv still blocked after Send")
	}
}

func TestOneshotCloseWithoutValue(t *testing.T) {
	o := NewOneshot[int]()
	f := o.RecvAsync()
	w, cx := newCX()
	pending(t, &f, cx)
	o.Close()
	wakes(t, w, 1, "receiver")
	ready(t, &f, cx)
	if _, err := f.Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
	if err := o.Send(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: err = %v, want ErrClosed", err)
	}
	within(t, hang, "Recv after Close", func() {
		if _, err := o.Recv(); !errors.Is(err, ErrClosed) {
			t.Errorf("Recv after Close: err = %v, want ErrClosed", err)
		}
	})
}

func TestOneshotCancelledReceiverPassesValueOn(t *testing.T) {
	o := NewOneshot[int]()
	f1, f2 := o.RecvAsync(), o.RecvAsync()
	_, cx1 := newCX()
	w2, cx2 := newCX()
	pending(t, &f1, cx1)
	pending(t, &f2, cx2)
	o.Send(5) // handed to f1
	wakes(t, w2, 0, "f2 before f1 cancels")
	f1.Cancel()
	wakes(t, w2, 1, "f2")
	ready(t, &f2, cx2)
	if v, err := f2.Result(); v != 5 || err != nil {
		t.Fatalf("f2 = %d, %v; want 5", v, err)
	}

	// With no other receiver the value stays for a later Recv.
	o2 := NewOneshot[int]()
	g := o2.RecvAsync()
	_, cx := newCX()
	pending(t, &g, cx)
	o2.Send(6)
	g.Cancel()
	if v, err := o2.TryRecv(); v != 6 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 6", v, err)
	}
}

func TestOneshotOtherReceiversGetErrClosed(t *testing.T) {
	o := NewOneshot[int]()
	f1, f2 := o.RecvAsync(), o.RecvAsync()
	_, cx1 := newCX()
	w2, cx2 := newCX()
	pending(t, &f1, cx1)
	pending(t, &f2, cx2)
	o.Send(1)
	ready(t, &f1, cx1)
	wakes(t, w2, 1, "losing receiver")
	ready(t, &f2, cx2)
	if _, err := f2.Result(); !errors.Is(err, ErrClosed) {
		t.Fatalf("losing receiver: err = %v, want ErrClosed", err)
	}
}
