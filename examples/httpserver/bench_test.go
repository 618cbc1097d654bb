package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// BenchmarkHello measures GET /hello round trips over keep-alive
// connections (one per parallel client, see -cpu and SetParallelism),
// against both builds of the server:
//
//	go test -run '^$' -bench Hello ./examples/httpserver
//
// Each client sends depth pipelined requests per round trip (1: no
// pipelining).
func BenchmarkHello(b *testing.B) {
	for _, build := range buildtest.Builds {
		for _, depth := range []int{1, 16} {
			b.Run(build.Name+"/pipeline="+strconv.Itoa(depth), func(b *testing.B) {
				bin := buildtest.Binary(b, ".", build)
				p := startServer(b, bin, "-root", b.TempDir())
				req := bytes.Repeat([]byte("GET /hello HTTP/1.1\r\nHost: bench\r\n\r\n"), depth)
				want := "Hello, World!\n"
				b.SetParallelism(4)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					c, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
					if err != nil {
						b.Error(err)
						return
					}
					defer c.Close()
					br := bufio.NewReaderSize(c, 64<<10)
					for pb.Next() {
						if _, err := c.Write(req); err != nil {
							b.Error(err)
							return
						}
						for range depth {
							if err := readHello(br, want); err != nil {
								b.Error(err)
								return
							}
						}
					}
				})
				b.ReportMetric(float64(b.N*depth)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}

// readHello reads one response with a Content-Length body and checks the
// body, without package net/http's overhead.
func readHello(br *bufio.Reader, want string) error {
	cl := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			cl, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if cl != len(want) {
		return io.ErrUnexpectedEOF
	}
	body := make([]byte, cl)
	if _, err := io.ReadFull(br, body); err != nil {
		return err
	}
	if string(body) != want {
		return io.ErrUnexpectedEOF
	}
	return nil
}
