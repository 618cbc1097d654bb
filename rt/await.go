package rt

// Await waits for f and returns its result. Inside an async function it is
// a suspension point: asyncgen stores f in the state struct and polls it
// there. Called from ordinary goroutine code it is a blocking bridge, like
// BlockOn.
//
//asyncgo:async
func Await[T any](f Future[T]) T {
	BlockOn(f)
	return f.Result()
}
