//go:build asyncsrc

package recursion

import "github.com/asyncgo/asyncgo/rt"

//asyncgo:async
func even(n int) bool {
	if n == 0 {
		return true
	}
	rt.Yield()
	return odd(n - 1) // ERROR "recursive async call \(even -> odd\)"
}

//asyncgo:async
func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1) // ERROR "recursive async call \(odd -> even\)"
}

//asyncgo:async
func self(n int) int {
	if n > 0 {
		return self(n-1) + 1 // ERROR "recursive async call \(self -> self\)"
	}
	return 0
}

//asyncgo:async
func spawner(n int) {
	go spawner(n - 1) // a go statement starts a separate task: fine
	rt.Yield()
}
