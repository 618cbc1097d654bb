//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// range over strings with suspension points: runes and byte offsets,
// invalid UTF-8 (U+FFFD, width 1), multi-byte runes; the string is
// evaluated once.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func run(s string) []string {
	var out []string
	for i, r := range s {
		rt.Yield()
		s = "changed"
		out = append(out, fmt.Sprintf("%d:%q", i, r))
	}
	for i := range "héllo" {
		rt.Yield()
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func main() {
	fmt.Println(run("a\xffé世\xe2\x82"))
}
