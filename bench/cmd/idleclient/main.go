// Command idleclient opens many idle TCP connections to an echo server and
// holds them, so the harness can measure what an idle connection costs the
// server. Connections are raw blocking sockets (no Go netpoller, no
// buffers) bound to successive loopback source addresses, perSrc
// connections each, so ephemeral ports never run out.
//
// With -used, every connection first echoes one 64-byte message (a
// connection that has served a request and is now idle, as a keep-alive
// connection is); without it, connections never send anything.
//
// Protocol on stdin/stdout:
//
//	(stdout) CONNECTED n     every connection is established
//	(stdin)  PROBE k         echo one message on k connections spread over the set
//	(stdout) PROBED k        all k echoes came back intact
//	(stdin)  end of file     close everything and exit
//
// Any failure is reported on stderr with exit status 1.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "server address (IPv4 literal)")
	n := flag.Int("n", 10000, "connections to open")
	srcBase := flag.String("src", "127.10.0.1", "first source address; later ones count up from it")
	perSrc := flag.Int("per-src", 20000, "connections per source address")
	workers := flag.Int("workers", 48, "connects in flight")
	used := flag.Bool("used", false, "make every connection echo one 64-byte message right after connecting, then go idle")
	flag.Parse()

	dst, err := netip.ParseAddrPort(*addr)
	if err != nil || !dst.Addr().Is4() {
		fail("-addr %q: want an IPv4 address:port", *addr)
	}
	src, err := netip.ParseAddr(*srcBase)
	if err != nil || !src.Is4() {
		fail("-src %q: want an IPv4 address", *srcBase)
	}
	raiseNoFile(*n + 64)

	fds := make([]int32, *n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, *workers)
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= *n {
					return
				}
				fd, err := connect(nthAddr(src, i / *perSrc), dst)
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", i, err)
					next.Store(int64(*n)) // stop the others
					return
				}
				fds[i] = int32(fd)
				if *used {
					if err := probe(fd, i); err != nil {
						errs <- fmt.Errorf("connection %d: first echo: %w", i, err)
						next.Store(int64(*n))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		fail("%v", err)
	default:
	}
	fmt.Println("CONNECTED", *n)

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) != 2 || f[0] != "PROBE" {
			fail("unknown command %q", in.Text())
		}
		k, err := strconv.Atoi(f[1])
		if err != nil || k < 1 {
			fail("PROBE %q: want a positive count", f[1])
		}
		k = min(k, *n)
		for j := range k {
			i := j * (*n / k)
			if err := probe(int(fds[i]), i); err != nil {
				fail("probe of connection %d: %v", i, err)
			}
		}
		fmt.Println("PROBED", k)
	}
	// Exiting closes every descriptor.
}

// nthAddr returns the IPv4 address k steps after a.
func nthAddr(a netip.Addr, k int) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(k)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ipBindAddressNoPort is IP_BIND_ADDRESS_NO_PORT (linux/in.h), missing
// from package syscall.
const ipBindAddressNoPort = 24

// connect opens a blocking TCP socket from src (any port) to dst. A
// receive/send timeout keeps a probe from hanging forever.
func connect(src netip.Addr, dst netip.AddrPort) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	tv := syscall.Timeval{Sec: 5}
	_ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	_ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)
	// Let connect pick the port by the whole 4-tuple: bind(addr:0) alone
	// searches for a port free for every destination, which gets slow (and
	// runs out) as the ports fill up.
	_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: src.As4()}); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("bind %v: %w", src, err)
	}
	for {
		err = syscall.Connect(fd, &syscall.SockaddrInet4{Addr: dst.Addr().As4(), Port: int(dst.Port())})
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("connect %v -> %v: %w", src, dst, err)
	}
	return fd, nil
}

// probe sends a 64-byte message on fd and checks that it comes back.
func probe(fd, i int) error {
	msg := fmt.Appendf(nil, "probe %d ", i)
	for len(msg) < 64 {
		msg = append(msg, '.')
	}
	if _, err := syscall.Write(fd, msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	got := make([]byte, 0, len(msg))
	buf := make([]byte, len(msg))
	for len(got) < len(msg) {
		m, err := syscall.Read(fd, buf[:len(msg)-len(got)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if m == 0 {
			return fmt.Errorf("read: connection closed by server")
		}
		got = append(got, buf[:m]...)
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("echo mismatch: sent %q, got %q", msg, got)
	}
	return nil
}

// raiseNoFile lifts the soft RLIMIT_NOFILE to at least want, raising the
// hard limit too when the process may (CAP_SYS_RESOURCE).
func raiseNoFile(want int) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		fail("getrlimit: %v", err)
	}
	if l.Cur >= uint64(want) {
		return
	}
	if l.Max < uint64(want) {
		raised := syscall.Rlimit{Cur: uint64(want), Max: uint64(want)}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			return
		}
		fail("need %d descriptors but RLIMIT_NOFILE's hard limit is %d and cannot be raised", want, l.Max)
	}
	l.Cur = uint64(want)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		fail("setrlimit(RLIMIT_NOFILE, %d): %v", want, err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "idleclient: "+format+"\n", args...)
	os.Exit(1)
}
