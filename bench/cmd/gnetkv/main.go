// Command gnetkv is the gnet v2 key-value server of the benchmarks, with
// the same RESP2 parser and keyspace as asyncgo's examples/kv.
package main

import (
	"flag"
	"log"

	"github.com/asyncgo/asyncgo/bench/internal/gnetsrv"
	"github.com/asyncgo/asyncgo/bench/internal/kvapp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
)

// maxRequest bounds one command (a 64 MiB bulk string and its framing).
const maxRequest = 65 << 20

func main() {
	addr := flag.String("addr", "127.0.0.1:6382", "address to listen on")
	flag.Parse()
	st := store.New()
	log.Fatal(gnetsrv.Serve(*addr, maxRequest, func() gnetsrv.Handler { return kvapp.NewConn(st) }))
}
