//go:build !((amd64 || arm64) && gc)

package rt

import "runtime"

// getg returns an identifier of the calling goroutine. On platforms
// without the assembly version it parses the goroutine id from
// runtime.Stack (about a microsecond).
func getg() uintptr {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	return uintptr(parseGoid(buf[:n]))
}
