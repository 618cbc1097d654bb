//go:build linux && race

package net

import (
	"runtime"
	"unsafe"
)

// raceWrote tells the race detector that the kernel wrote p (a raw read
// bypasses the annotations of unix.Read).
func raceWrote(p []byte) {
	if len(p) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(unsafe.SliceData(p)), len(p))
	}
}

// raceRead tells the race detector that the kernel read p (a raw send).
func raceRead(p []byte) {
	if len(p) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(unsafe.SliceData(p)), len(p))
	}
}
