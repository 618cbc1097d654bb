//go:build asyncsrc

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// Command kv is an in-memory key-value server that speaks RESP2, the Redis
// protocol, written as async Go: every connection is a task, the active
// expiry sweep is a task on an interval, and shutdown on SIGINT/SIGTERM is
// a task waiting for the signal. redis-cli and redis-benchmark work with
// it.
//
// The protocol (package resp) and the keyspace with its commands (package
// store) are plain Go, shared with the comparison servers in bench/. This
// file is the source; main_async.go is what asyncgen compiles it to (go
// generate ./examples/kv). Build with -tags asyncsrc to get the same
// program on plain goroutines.
//
// Usage:
//
//	go run ./examples/kv -addr 127.0.0.1:6380
//	redis-cli -p 6380 SET greeting hello EX 60
//	redis-benchmark -p 6380 -t set,get -P 16 -q
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/asyncgo/asyncgo/examples/kv/store"
	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
)

const (
	// sweepEvery is the period of the active expiry sweep (Redis: hz 10).
	sweepEvery = 100 * time.Millisecond
	// sweepBudget is how many table slots one sweep examines at most.
	sweepBudget = 4096
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6380", "address to listen on (port 0 picks a free port)")
	workers := flag.Int("workers", 0, "worker threads of the runtime (0: GOMAXPROCS)")
	shards := flag.Int("shards", store.DefaultShards, "independently locked parts of the keyspace (1 to 64)")
	flag.Parse()

	ln, err := net.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	st := store.NewWith(store.Options{Shards: *shards})
	// Registered before the readiness line: a signal sent as soon as
	// it is printed is caught, not fatal.
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	fmt.Println("listening on", ln.Addr())
	var opts []rt.Option
	if *workers > 0 {
		opts = append(opts, rt.Workers(*workers))
	}
	rt.Run(func() {
		run(ln, st, sigs)
	}, opts...)
	log.Printf("shut down with %d keys", st.Len())
}

// run serves until SIGINT or SIGTERM, then stops accepting; when it
// returns, rt.Run cancels the remaining tasks (their deferred Close calls
// run) and the program exits.
//
//asyncgo:async
func run(ln *net.TCPListener, st *store.Store, sigs *rt.Signals) {
	go serve(ln, st)
	go sweep(st)
	sig := sigs.Wait()
	log.Printf("%v: shutting down", sig)
	ln.Close()
}

// serve accepts connections until the listener is closed, one task each.
//
//asyncgo:async
func serve(ln *net.TCPListener, st *store.Store) {
	for {
		conn, _, err := ln.Accept()
		if err != nil {
			if !isClosed(err) {
				log.Printf("accept: %v", err)
			}
			return
		}
		conn.SetNoDelay(true)
		go handle(conn, st)
	}
}

// handle serves one client: it reads what is available, executes every
// complete command in it (a pipeline) and writes all their replies at
// once, until the client leaves, sends QUIT or breaks the protocol.
//
// An idle connection holds no buffer: the task waits for readability
// first and only then takes a pooled buffer, which the session gives back
// when no partial command is pending.
//
//asyncgo:async
func handle(conn *net.TCPStream, st *store.Store) {
	s := &session{st: st}
	defer conn.Close()
	defer s.free()
	for !s.closing {
		if err := conn.WaitReadable(); err != nil {
			return
		}
		m, err := conn.TryRead(s.readBuf())
		if err == net.ErrWouldBlock {
			s.release()
			continue
		}
		if err != nil {
			return
		}
		s.received(m)
		for {
			out := s.next()
			if len(out) == 0 {
				break
			}
			// The replies go out without a future while the socket takes
			// them, the usual case; only a rest waits.
			w, err := conn.TryWrite(out)
			if err == net.ErrWouldBlock {
				w, err = 0, nil
			}
			if err == nil && w < len(out) {
				err = conn.WriteAll(out[w:])
			}
			if err != nil {
				return
			}
		}
		s.release()
	}
}

// sweep runs the active expiry sweep on an interval, for as long as the
// program runs.
//
//asyncgo:async
func sweep(st *store.Store) {
	iv := rt.NewInterval(sweepEvery)
	for {
		iv.Tick()
		st.ActiveExpire(sweepBudget)
	}
}
