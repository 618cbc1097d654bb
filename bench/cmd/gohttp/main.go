// Command gohttp is the goroutine-per-connection HTTP hello server of the
// benchmarks: package net, one goroutine per connection, and the same
// http1 parser and response writer as asyncgo's examples/httpserver.
// GET /hello answers "Hello, World!\n".
package main

import (
	"flag"
	"log"

	"github.com/asyncgo/asyncgo/bench/internal/gosrv"
	"github.com/asyncgo/asyncgo/bench/internal/helloapp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	log.Fatal(gosrv.ListenAndServe(*addr, helloapp.MaxRequest, func() gosrv.Handler { return new(helloapp.Conn) }))
}
