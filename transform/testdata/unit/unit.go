//go:build asyncsrc

// Package unit is a placeholder: unit tests overlay this file with their input.
package unit
