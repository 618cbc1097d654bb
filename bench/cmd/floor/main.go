// Command floor is the benchmarks' kernel-floor reference: an echo or HTTP
// hello server that does as little as a server can. One event loop per
// thread, level-triggered epoll, and per readable connection one recv and
// one send, with nothing in between but counting request ends (HTTP: the
// fixed hello answer, once per request; echo: the bytes back). No parsing,
// no routing, no timeouts, no per-connection state beyond a 3-byte
// look-behind.
//
// It is not a usable server: a client that stops reading stalls its whole
// loop (a short send waits in poll(2)), and the HTTP answer's Date is the
// second the server started. It answers one question about the machine the
// benchmarks run on: what a request costs when the server adds almost
// nothing to the kernel's own work, so that the other rows can be read
// against it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/netip"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7001", "address to listen on (port 0 picks a free port)")
	mode := flag.String("mode", "echo", "protocol: echo, or http (GET /hello)")
	loops := flag.Int("loops", 1, "event loops, each on its own thread with its own SO_REUSEPORT listener")
	flag.Parse()
	ap, err := netip.ParseAddrPort(*addr)
	if err != nil || !ap.Addr().Is4() {
		log.Fatalf("-addr %q: want an IPv4 address and port", *addr)
	}
	var answer []byte
	switch *mode {
	case "echo":
	case "http":
		answer = helloAnswer(time.Now())
	default:
		log.Fatalf("-mode %q: want echo or http", *mode)
	}
	if *loops < 1 {
		log.Fatalf("-loops %d: want at least 1", *loops)
	}
	ls := make([]*loop, *loops)
	port := int(ap.Port())
	for i := range ls {
		if ls[i], err = newLoop(ap.Addr(), port, answer); err != nil {
			log.Fatal(err)
		}
		port = ls[i].port // the others share the first one's port
	}
	fmt.Printf("listening on %s\n", netip.AddrPortFrom(ap.Addr(), uint16(port)))
	errc := make(chan error, len(ls))
	for _, l := range ls {
		go func() { errc <- l.run() }()
	}
	log.Print(<-errc)
	os.Exit(1)
}

// helloAnswer is the answer to GET /hello, byte for byte the one of the
// Go hello servers of the benchmarks, dated now.
func helloAnswer(now time.Time) []byte {
	const body = "Hello, World!\n"
	return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nDate: %s\r\nServer: bench\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s",
		now.UTC().Format(http.TimeFormat), len(body), body)
}
