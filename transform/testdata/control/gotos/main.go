//go:build asyncsrc

// goto forward and backward across suspension points, from flattened code
// and from inside carried-over statements.
package main

import (
	"fmt"

	"github.com/asyncgo/asyncgo/rt"
)

//asyncgo:async
func twice(x int) int {
	rt.Yield()
	return 2 * x
}

//asyncgo:async
func loop(n int) (sum int) {
	i := 0
again:
	if i >= n {
		goto done
	}
	sum += twice(i)
	i++
	goto again
done:
	return sum
}

//asyncgo:async
func escape(xs []int) string {
	k := 0
	for _, x := range xs { // carried over: no suspension inside
		if x < 0 {
			goto negative
		}
		k += x
	}
	k = twice(k)
	return fmt.Sprint("sum*2=", k)
negative:
	k = twice(k + 1000)
	return fmt.Sprint("negative after ", k)
}

func main() {
	fmt.Println(loop(5), loop(0))
	fmt.Println(escape([]int{1, 2, 3}), escape([]int{1, -2, 3}))
}
