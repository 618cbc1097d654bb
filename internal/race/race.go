//go:build !race

// Package race reports whether the race detector is enabled in this build,
// so that tests can build the programs they run the same way.
package race

// Enabled is true when the binary was built with -race.
const Enabled = false
