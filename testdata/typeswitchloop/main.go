//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Type switches inside loops that suspend, with the clause variable
// modified before and after suspension points, continue from a clause,
// and a type switch without a clause variable.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

type celsius float64

//asyncgo:async
func run(vals []any) []string {
	var out []string
	for i := 0; i < len(vals); i++ {
		switch x := vals[i].(type) {
		case int:
			x++
			rt.Yield()
			x *= 10
			out = append(out, fmt.Sprint("int ", x))
		case celsius:
			if x < 0 {
				continue
			}
			rt.Yield()
			out = append(out, fmt.Sprintf("%.1fC", float64(x)))
		case []int:
			x = append(x, len(x))
			rt.Yield()
			out = append(out, fmt.Sprint(x))
		}
		switch vals[i].(type) {
		case error:
			rt.Yield()
			out = append(out, "error")
		default:
			out = append(out, ".")
		}
	}
	return out
}

func main() {
	fmt.Println(run([]any{1, celsius(-3), celsius(21.5), []int{7}, fmt.Errorf("e"), "s"}))
}
