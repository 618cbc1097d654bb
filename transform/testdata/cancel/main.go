//go:build asyncsrc

// Cancellation (LANGUAGE.md section 7), driven by hand from drive.go in
// the compiled build only: the in-flight child is cancelled first, then
// the pending deferred calls run once, with recover() returning nil.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type probe struct{ tag string }

//asyncgo:async
func (p *probe) Wait() {
	defer fmt.Println("child deferred", p.tag)
	for {
		rt.Yield()
	}
}

//asyncgo:async
func forever(tag string) {
	defer fmt.Println("deferred 1", tag)
	defer func() { fmt.Println("recover in cancel:", recover()) }()
	p := &probe{tag: tag}
	p.Wait()
}
