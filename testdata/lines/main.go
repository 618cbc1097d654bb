//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Line directives: runtime.Caller and a panic's stack report the user's
// source lines in the compiled build too.
package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
)

func here() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", filepath.Base(file), line)
}

//asyncgo:async
func where(n int) string {
	rt.Yield()
	a := here()
	rt.Yield()
	if n > 0 {
		rt.Yield()
		return a + " " + here()
	}
	return a
}

//asyncgo:async
func explode(n int) int {
	rt.Yield()
	if n > 0 {
		var m map[string]int
		m["boom"] = n // panics: assignment to entry in nil map
	}
	return n
}

func main() {
	// A comment carried over into the generated file: the line directive
	// of the next statement must still be right.
	fmt.Println(where(1), here())
	defer func() {
		r := recover()
		pcs := make([]uintptr, 32)
		frames := runtime.CallersFrames(pcs[:runtime.Callers(0, pcs)])
		for {
			f, more := frames.Next()
			if strings.Contains(f.Function, "explode") {
				fmt.Printf("panic %v at %s:%d\n", r, filepath.Base(f.File), f.Line)
				break
			}
			if !more {
				fmt.Println("no explode frame")
				break
			}
		}
	}()
	explode(1)
}
