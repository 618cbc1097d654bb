package procfs

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	stat := "4242 (my (odd) srv) S 1 4242 4242 0 -1 4194560 1047 0 0 0 250 75 0 0 20 0 5 0 12345 1234567 890 18446744073709551615\n"
	got, err := ParseStatCPU([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want {
		t.Fatalf("ParseStatCPU = %v, want %v", got, want)
	}
	if _, err := ParseStatCPU([]byte("12 (x) S 1 2")); err == nil {
		t.Fatal("short stat: want error")
	}
}

func TestParseStatusRSS(t *testing.T) {
	status := "Name:\tsrv\nVmPeak:\t  10000 kB\nVmRSS:\t    5120 kB\nThreads:\t4\n"
	got, err := ParseStatusRSS([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if got != 5120*1024 {
		t.Fatalf("ParseStatusRSS = %d, want %d", got, 5120*1024)
	}
	if _, err := ParseStatusRSS([]byte("Name:\tzombie\n")); err == nil {
		t.Fatal("no VmRSS: want error")
	}
}

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	if _, err := CPU(pid); err != nil {
		t.Fatal(err)
	}
	rss, err := RSS(pid)
	if err != nil || rss <= 0 {
		t.Fatalf("RSS = %d, %v", rss, err)
	}
	before, err := FDs(pid)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	after, err := FDs(pid)
	if err != nil || after != before+1 {
		t.Fatalf("FDs: before %d, after opening one file %d (%v)", before, after, err)
	}
}
