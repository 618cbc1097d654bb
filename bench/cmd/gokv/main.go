// Command gokv is the goroutine-per-connection key-value server of the
// benchmarks: package net, one goroutine per connection, and the same RESP2
// parser and keyspace as asyncgo's examples/kv.
package main

import (
	"flag"
	"log"

	"github.com/asyncgo/asyncgo/bench/internal/gosrv"
	"github.com/asyncgo/asyncgo/bench/internal/kvapp"
	"github.com/asyncgo/asyncgo/examples/kv/store"
)

// maxRequest bounds one command (a 64 MiB bulk string and its framing).
const maxRequest = 65 << 20

func main() {
	addr := flag.String("addr", "127.0.0.1:6381", "address to listen on")
	flag.Parse()
	st := store.New()
	log.Fatal(gosrv.ListenAndServe(*addr, maxRequest, func() gosrv.Handler { return kvapp.NewConn(st) }))
}
