//go:build asyncsrc

package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/cmd/asyncgen/testdata/tree/src/lib"
)

//asyncgo:async
func quad(n int) int {
	return lib.Double(lib.Double(n))
}

func main() {
	fmt.Println(lib.Name, quad(3))
}
