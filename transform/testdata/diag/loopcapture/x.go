//go:build asyncsrc

package loopcapture

import "github.com/asyncgo/asyncgo/rt"

//asyncgo:async
func loopCapture() []func() int {
	var fs []func() int
	for i := 0; i < 3; i++ { // supported: i is per iteration
		rt.Yield()
		fs = append(fs, func() int { return i })
	}
	return fs
}

//asyncgo:async
func fine() []func() int {
	var fs []func() int
	for i := 0; i < 3; i++ {
		rt.Yield()
		j := i
		fs = append(fs, func() int { return j }) // j is hoisted: captured by reference
	}
	return fs
}
