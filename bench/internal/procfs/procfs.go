// Package procfs reads the few Linux /proc figures the benchmark harness
// needs about a server process: its CPU time, its resident set size and the
// number of descriptors it holds.
package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// ClockTicks is the unit of utime and stime in /proc/PID/stat (USER_HZ). It
// is 100 on every Linux architecture Go supports; sysconf(_SC_CLK_TCK) is a
// libc call, and this package stays cgo-free.
const ClockTicks = 100

// CPU returns the user plus system CPU time consumed so far by all threads
// of process pid, including threads that have already exited.
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return ParseStatCPU(b)
}

// ParseStatCPU extracts utime+stime from the contents of /proc/PID/stat.
// The command name (field 2) is in parentheses and may itself contain
// spaces and parentheses, so fields are counted from the last ')'.
func ParseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("procfs: malformed stat: no ')'")
	}
	// After ") " come fields 3 (state) onwards; utime and stime are
	// fields 14 and 15, i.e. indexes 11 and 12 of the remainder.
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("procfs: malformed stat: %d fields after comm", len(f))
	}
	ut, err := strconv.ParseUint(f[11], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("procfs: utime: %w", err)
	}
	st, err := strconv.ParseUint(f[12], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("procfs: stime: %w", err)
	}
	return time.Duration(ut+st) * time.Second / ClockTicks, nil
}

// RSS returns the resident set size (VmRSS) of process pid in bytes.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return ParseStatusRSS(b)
}

// ParseStatusRSS extracts VmRSS, in bytes, from the contents of
// /proc/PID/status (where it is given in kB).
func ParseStatusRSS(status []byte) (int64, error) {
	for _, line := range strings.Split(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("procfs: malformed VmRSS line %q", line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("procfs: VmRSS: %w", err)
		}
		return kb * 1024, nil
	}
	return 0, errors.New("procfs: no VmRSS line (zombie process?)")
}

// FDs returns how many file descriptors process pid has open. It counts
// the entries of /proc/PID/fd in chunks, so a million descriptors cost no
// more memory than a thousand.
func FDs(pid int) (int, error) {
	d, err := os.Open(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(4096)
		n += len(names)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
