//go:build linux

package net

import (
	stdnet "net"
	"testing"
)

// Ping-pong over loopback: a client goroutine writes a message, an echo
// goroutine sends it back. Both sides use rt/net through the BlockOn
// bridges, compared with package net.

func BenchmarkPingPong1B(b *testing.B)    { benchRT(b, 1) }
func BenchmarkPingPong4K(b *testing.B)    { benchRT(b, 4096) }
func BenchmarkStdPingPong1B(b *testing.B) { benchStd(b, 1) }
func BenchmarkStdPingPong4K(b *testing.B) { benchStd(b, 4096) }

func benchRT(b *testing.B, size int) {
	l, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, _, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, size)
		for {
			if err := readFull(s, buf); err != nil {
				return
			}
			if s.WriteAll(buf) != nil {
				return
			}
		}
	}()
	c, err := Connect(l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteAll(msg); err != nil {
			b.Fatal(err)
		}
		if err := readFull(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStd(b *testing.B, size int) {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		buf := make([]byte, size)
		for {
			if _, err := readFullStd(s, buf); err != nil {
				return
			}
			if _, err := s.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := stdnet.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := readFullStd(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func readFullStd(c stdnet.Conn, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Read(p[n:])
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
