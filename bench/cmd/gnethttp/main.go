// Command gnethttp is the gnet v2 HTTP hello server of the benchmarks,
// with the same http1 parser and response writer as asyncgo's
// examples/httpserver; pipelined requests are answered with one write.
// GET /hello answers "Hello, World!\n".
package main

import (
	"flag"
	"log"

	"github.com/asyncgo/asyncgo/bench/internal/gnetsrv"
	"github.com/asyncgo/asyncgo/bench/internal/helloapp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "address to listen on")
	flag.Parse()
	log.Fatal(gnetsrv.Serve(*addr, helloapp.MaxRequest, func() gnetsrv.Handler { return new(helloapp.Conn) }))
}
