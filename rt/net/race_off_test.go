//go:build linux && !race

package net

const raceEnabled = false
