// Command kvload fills a RESP2 key-value server with n distinct keys
// (key:000000000000 ... in redis-benchmark's key format) using pipelined
// SETs over a few connections, checks every reply, then checks a sample
// of values with GET and, where the server supports it, the key count
// with DBSIZE. It prints one JSON line: {"keys":n,"seconds":...,"dbsize":...}
// (dbsize -1 when DBSIZE is not supported). Any wrong reply makes it exit
// with status 1.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	n := flag.Int("n", 1000000, "number of keys")
	size := flag.Int("value", 16, "value size in bytes")
	conns := flag.Int("conns", 4, "connections loading in parallel")
	batch := flag.Int("pipeline", 1000, "SETs per pipelined batch")
	flag.Parse()

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, *conns)
	per := (*n + *conns - 1) / *conns
	for i := range *conns {
		lo, hi := i*per, min((i+1)*per, *n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := load(*addr, lo, hi, *size, *batch); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		fail("%v", err)
	default:
	}
	elapsed := time.Since(start)

	dbsize, err := verify(*addr, *n, *size)
	if err != nil {
		fail("%v", err)
	}
	out, _ := json.Marshal(map[string]any{"keys": *n, "seconds": elapsed.Seconds(), "dbsize": dbsize})
	fmt.Println(string(out))
}

// key and value are the i-th key and its value.
func key(i int) string { return fmt.Sprintf("key:%012d", i) }

func value(i, size int) []byte {
	v := bytes.Repeat([]byte{'v'}, size)
	s := strconv.Itoa(i)
	copy(v[max(0, size-len(s)):], s)
	return v
}

// appendCmd appends a RESP2 array of bulk strings.
func appendCmd(b []byte, args ...[]byte) []byte {
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n", len(a))
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

func dial(addr string) (net.Conn, *bufio.Reader, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	return c, bufio.NewReaderSize(c, 64<<10), nil
}

// load SETs keys lo..hi-1, batch commands per write.
func load(addr string, lo, hi, size, batch int) error {
	c, r, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	set := []byte("SET")
	ok := []byte("+OK\r\n")
	got := make([]byte, len(ok))
	var buf []byte
	for i := lo; i < hi; i += batch {
		end := min(i+batch, hi)
		buf = buf[:0]
		for j := i; j < end; j++ {
			buf = appendCmd(buf, set, []byte(key(j)), value(j, size))
		}
		c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Write(buf); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		for j := i; j < end; j++ {
			if _, err := io.ReadFull(r, got); err != nil {
				return fmt.Errorf("reply to SET %s: %w", key(j), err)
			}
			if !bytes.Equal(got, ok) {
				line, _ := r.ReadString('\n')
				return fmt.Errorf("reply to SET %s: %q, want +OK", key(j), string(got)+line)
			}
		}
	}
	return nil
}

// verify GETs 100 keys spread over the keyspace and asks DBSIZE.
func verify(addr string, n, size int) (int64, error) {
	c, r, err := dial(addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	for k := range 100 {
		i := k * n / 100
		want := fmt.Sprintf("$%d\r\n%s\r\n", size, value(i, size))
		if _, err := c.Write(appendCmd(nil, []byte("GET"), []byte(key(i)))); err != nil {
			return 0, err
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(r, got); err != nil || string(got) != want {
			return 0, fmt.Errorf("GET %s: %q (%v), want %q", key(i), got, err, want)
		}
	}
	if _, err := c.Write(appendCmd(nil, []byte("DBSIZE"))); err != nil {
		return 0, err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("DBSIZE: %w", err)
	}
	switch {
	case line[0] == ':':
		d, err := strconv.ParseInt(line[1:len(line)-2], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("DBSIZE reply %q", line)
		}
		return d, nil
	case line[0] == '-':
		return -1, nil // not supported
	}
	return 0, fmt.Errorf("DBSIZE reply %q", line)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kvload: "+format+"\n", args...)
	os.Exit(1)
}
