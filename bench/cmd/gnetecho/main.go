// Command gnetecho is the gnet v2 TCP echo server of the benchmarks: one
// event loop per CPU, every read echoed back from gnet's own buffers.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/panjf2000/gnet/v2"
)

// echo is the event handler: everything that arrives is written back.
type echo struct {
	gnet.BuiltinEventEngine
	addr string
}

// OnBoot reports that the server is up.
func (e *echo) OnBoot(gnet.Engine) gnet.Action {
	fmt.Println("listening on", e.addr)
	return gnet.None
}

// OnTraffic echoes all buffered input.
func (e *echo) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	if _, err := c.Write(buf); err != nil {
		return gnet.Close
	}
	return gnet.None
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7002", "address to listen on")
	flag.Parse()
	err := gnet.Run(&echo{addr: *addr}, "tcp://"+*addr, gnet.WithMulticore(true), gnet.WithReusePort(false))
	log.Fatal(err)
}
