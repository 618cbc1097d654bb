//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Command chat is a line-based TCP chat server written as async Go: rooms,
// nicknames, and a bounded outgoing queue per client so that a client that
// stops reading is disconnected instead of holding the others back.
//
// Every client has a reader task, which interprets its lines, and a writer
// task, which writes what the client's queue (an rt/sync Ring) holds.
// Broadcasting only ever calls TrySend on the members' queues: a full queue
// disconnects its client, with the reason logged.
//
// This file is the source; main_async.go is what asyncgen compiles it to
// (go generate ./examples/chat). Build with -tags asyncsrc to get the same
// program on plain goroutines.
//
// Usage:
//
//	go run ./examples/chat -addr 127.0.0.1:7001
//	nc 127.0.0.1 7001
//	/nick alice
//	/join go
//	hello, room
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"syscall"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
)

// readSize is the size of the pooled buffer one read fills.
const readSize = 4096

// writeBatch is how many bytes of queued lines the writer gathers into one
// write.
const writeBatch = 16 << 10

func main() {
	addr := flag.String("addr", "127.0.0.1:7001", "address to listen on (port 0 picks a free port)")
	queue := flag.Int("queue", 256, "outgoing queue capacity per client, in messages (a line, or the chat lines of one read); a client whose queue is full is disconnected")
	workers := flag.Int("workers", 0, "worker threads of the runtime (0: GOMAXPROCS)")
	flag.Parse()

	ln, err := net.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	h := newHub(max(*queue, 1))
	// Registered before the readiness line: a signal sent as soon as
	// it is printed is caught, not fatal.
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	fmt.Println("listening on", ln.Addr())
	var opts []rt.Option
	if *workers > 0 {
		opts = append(opts, rt.Workers(*workers))
	}
	rt.Run(func() {
		run(ln, h, sigs)
	}, opts...)
}

// run serves until SIGINT or SIGTERM.
//
//asyncgo:async
func run(ln *net.TCPListener, h *hub, sigs *rt.Signals) {
	go serve(ln, h)
	sig := sigs.Wait()
	log.Printf("%v: shutting down", sig)
	ln.Close()
}

// serve accepts connections until the listener is closed.
//
//asyncgo:async
func serve(ln *net.TCPListener, h *hub) {
	for {
		conn, _, err := ln.Accept()
		if err != nil {
			if !isClosed(err) {
				log.Printf("accept: %v", err)
			}
			return
		}
		go handle(conn, h)
	}
}

// handle is a client's reader task: it joins the hub, starts the writer
// task and interprets the client's lines until it leaves. An idle client
// holds no read buffer.
//
//asyncgo:async
func handle(conn *net.TCPStream, h *hub) {
	c := h.join(conn)
	go write(c)
	why := ""
	for {
		if err := conn.WaitReadable(); err != nil {
			break
		}
		buf := net.GetBuffer(readSize)
		n, err := conn.TryRead(buf)
		if err == net.ErrWouldBlock {
			net.PutBuffer(buf)
			continue
		}
		if err != nil {
			net.PutBuffer(buf)
			why = " (connection closed)"
			break
		}
		done := h.input(c, buf[:n])
		net.PutBuffer(buf)
		if done != "" {
			// The writer sends what is queued ("* bye"), then closes.
			h.leave(c, done)
			return
		}
	}
	h.leave(c, why)
	conn.Close()
}

// write is a client's writer task: it writes the lines of the client's
// queue, gathering those already queued into one write, until the queue
// is closed and drained or a write fails; then it closes the connection
// (which also ends the reader task).
//
//asyncgo:async
func write(c *client) {
	for {
		msg, err := c.out.Recv()
		if err != nil {
			break
		}
		buf := append(net.GetBuffer(writeBatch)[:0], msg...)
		buf = gather(c, buf)
		err = c.conn.WriteAll(buf)
		net.PutBuffer(buf)
		if err != nil {
			break
		}
	}
	c.conn.Close()
}
