//go:build (amd64 || arm64) && gc

package rt

// getg returns the address of the calling goroutine's runtime g structure.
// It identifies the goroutine for as long as it lives (g structures are
// recycled only after the goroutine exited). Implemented in assembly: a
// single load, about a nanosecond.
func getg() uintptr
