//go:build asyncsrc && linux

//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen

// An echo server and client over rt/net: async methods of another
// package as suspension points, a go statement inside an async literal,
// and an if statement whose init suspends.
package main

import (
	"fmt"
	"strings"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
)

//asyncgo:async
func serve(l *net.TCPListener) {
	s, _, err := l.Accept()
	if err != nil {
		return
	}
	buf := make([]byte, 64)
	for {
		n, err := s.Read(buf)
		if err != nil {
			break
		}
		if err := s.WriteAll([]byte(strings.ToUpper(string(buf[:n])))); err != nil {
			break
		}
	}
	s.Close()
}

//asyncgo:async
func client(addr string, words []string) (string, error) {
	c, err := net.Connect(addr)
	if err != nil {
		return "", err
	}
	var out []string
	buf := make([]byte, 64)
	for i := 0; i < len(words); i++ {
		if err := c.WriteAll([]byte(words[i])); err != nil {
			return "", err
		}
		n, err := c.ReadFull(buf[:len(words[i])])
		if err != nil {
			return "", err
		}
		out = append(out, string(buf[:n]))
	}
	c.Close()
	return strings.Join(out, ","), nil
}

func main() {
	l, err := net.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	rt.Run(func() {
		go serve(l)
		fmt.Println(client(l.Addr().String(), []string{"hello", "async", "world"}))
	})
	l.Close()
}
