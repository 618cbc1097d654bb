package store_test

import (
	"fmt"

	"github.com/asyncgo/asyncgo/examples/kv/resp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
)

// Example shows the loop a server runs over the bytes it received: parse
// every complete command, execute it, append its reply, then write all the
// replies at once.
func Example() {
	st := store.New()
	var p resp.Parser
	in := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nhi\r\nGET k\r\nINCR k\r\n*2\r\n$3\r\nGET")
	var out []byte
	for {
		args, n, err := p.Parse(in)
		if err != nil { // a *resp.ProtocolError: reply, then close
			out = err.(*resp.ProtocolError).Reply(out)
			break
		}
		if n == 0 {
			break // incomplete: keep in, read more, call Parse again
		}
		in = in[n:]
		out = st.Exec(args, out)
		if store.IsQuit(args) {
			break
		}
	}
	fmt.Printf("%q, %d bytes pending\n", out, len(in))
	// Output: "+OK\r\n$2\r\nhi\r\n-ERR value is not an integer or out of range\r\n", 11 bytes pending
}
