//go:build linux

package net

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	stdnet "net"
	"net/http"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// selfSigned returns a TLS certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rt/net test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []stdnet.IP{stdnet.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

func TestNetConnTLSAndBufio(t *testing.T) {
	cert, pool := selfSigned(t)
	c, s := pair(t)
	within(t, 20*time.Second, "tls echo", func() {
		srvErr := make(chan error, 1)
		go func() {
			ts := tls.Server(s.Conn(), &tls.Config{Certificates: []tls.Certificate{cert}})
			defer ts.Close()
			if err := ts.Handshake(); err != nil {
				srvErr <- err
				return
			}
			// A line echo through bufio over TLS over the bridge.
			r := bufio.NewReader(ts)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					srvErr <- nil
					return
				}
				if _, err := ts.Write([]byte("echo: " + line)); err != nil {
					srvErr <- err
					return
				}
			}
		}()
		tc := tls.Client(c.Conn(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err := tc.Handshake(); err != nil {
			t.Error("client handshake:", err)
			return
		}
		if st := tc.ConnectionState(); !st.HandshakeComplete || st.Version < tls.VersionTLS12 {
			t.Errorf("handshake state %+v", st)
		}
		r := bufio.NewReader(tc)
		big := string(bytes.Repeat([]byte("x"), 100<<10))
		for _, msg := range []string{"hello", "over tls", big} {
			if _, err := io.WriteString(tc, msg+"\n"); err != nil {
				t.Error(err)
				return
			}
			got, err := r.ReadString('\n')
			if err != nil || got != "echo: "+msg+"\n" {
				t.Errorf("got %d bytes, %v", len(got), err)
				return
			}
		}
		tc.CloseWrite()
		tc.Close()
		if err := <-srvErr; err != nil {
			t.Error("server:", err)
		}
	})
}

func TestNetConnAddrsAndEOF(t *testing.T) {
	c, s := pair(t)
	nc := c.Conn()
	var conn stdnet.Conn = nc
	if conn.LocalAddr().String() != c.LocalAddr().String() || conn.RemoteAddr().String() != c.RemoteAddr().String() {
		t.Fatalf("addrs %v %v", conn.LocalAddr(), conn.RemoteAddr())
	}
	if conn.LocalAddr().Network() != "tcp" {
		t.Fatalf("network %q", conn.LocalAddr().Network())
	}
	within(t, 5*time.Second, "eof", func() {
		s.WriteAll([]byte("abc"))
		s.CloseWrite()
		b, err := io.ReadAll(conn)
		if err != nil || string(b) != "abc" {
			t.Errorf("ReadAll = %q %v", b, err)
		}
		if n, err := conn.Read(nil); n != 0 || err != nil {
			t.Errorf("Read(nil) = %d %v", n, err)
		}
	})
	conn.Close()
	if _, err := conn.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
}

func TestNetConnDeadlines(t *testing.T) {
	c, s := pair(t)
	nc := c.Conn()
	within(t, 10*time.Second, "deadlines", func() {
		// A read deadline that passes while waiting.
		nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		start := time.Now()
		_, err := nc.Read(make([]byte, 10))
		var ne stdnet.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read past deadline = %v, want a timeout", err)
		}
		if el := time.Since(start); el < 50*time.Millisecond || el > 2*time.Second {
			t.Errorf("timed out after %v", el)
		}
		// A deadline already past fails at once, even with data.
		s.WriteAll([]byte("data"))
		time.Sleep(10 * time.Millisecond)
		if _, err := nc.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read with past deadline = %v", err)
		}
		// Clearing it makes the stream usable again; nothing was lost.
		nc.SetReadDeadline(time.Time{})
		b := make([]byte, 10)
		if n, err := nc.Read(b); err != nil || string(b[:n]) != "data" {
			t.Errorf("Read after clearing = %q %v", b[:n], err)
		}
		// Moving the deadline into the past wakes a blocked Read.
		done := make(chan error, 1)
		go func() { _, err := nc.Read(b); done <- err }()
		time.Sleep(30 * time.Millisecond)
		nc.SetReadDeadline(time.Now().Add(-time.Second))
		select {
		case err := <-done:
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("woken Read = %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Error("SetReadDeadline did not wake the blocked Read")
		}
		// Extending a deadline while blocked keeps the Read waiting.
		nc.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		go func() { _, err := nc.Read(b); done <- err }()
		time.Sleep(5 * time.Millisecond)
		nc.SetReadDeadline(time.Now().Add(time.Hour))
		time.Sleep(80 * time.Millisecond)
		s.WriteAll([]byte("late"))
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Read with extended deadline = %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Error("Read with extended deadline never returned")
		}
		// A write deadline with a peer that never reads: partial write.
		// (The buffer is made first: zeroing 64 MiB on a loaded machine
		// can take longer than the deadline, and a Write that starts past
		// its deadline fails at once, with n == 0.)
		big := make([]byte, 64<<20)
		nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := nc.Write(big)
		if !errors.Is(err, os.ErrDeadlineExceeded) || n == 0 || n == 64<<20 {
			t.Errorf("Write past deadline = %d, %v; want a partial write and a timeout", n, err)
		}
	})
}

func TestAdopt(t *testing.T) {
	sl, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sl.Close()
	go func() {
		for {
			c, err := sl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	std, err := stdnet.Dial("tcp", sl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := TCPStreamFromConn(std.(*stdnet.TCPConn))
	std.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.RemoteAddr().String() != sl.Addr().String() {
		t.Errorf("RemoteAddr = %v, want %v", s.RemoteAddr(), sl.Addr())
	}
	within(t, 5*time.Second, "adopted echo", func() {
		s.WriteAll([]byte("adopted"))
		b := make([]byte, 7)
		if _, err := s.ReadFull(b); err != nil || string(b) != "adopted" {
			t.Errorf("echo %q %v", b, err)
		}
	})
	// A listener from package net, adopted.
	sl2, _ := stdnet.Listen("tcp", "127.0.0.1:0")
	l, err := TCPListenerFromConn(sl2.(*stdnet.TCPListener))
	sl2.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	within(t, 5*time.Second, "adopted listener", func() {
		go func() {
			if c, err := Connect(l.Addr().String()); err == nil {
				c.Close()
			}
		}()
		s, _, err := l.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		s.Close()
	})
	// Wrong kinds of descriptor are refused, and stay the caller's.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if _, err := TCPStreamFromFD(p[0]); err == nil {
		t.Error("TCPStreamFromFD(pipe) succeeded")
	}
	if _, err := unix.FcntlInt(uintptr(p[0]), unix.F_GETFD, 0); err != nil {
		t.Error("refused fd was closed")
	}
	lfd, _ := l.src.Acquire()
	_, err = TCPStreamFromFD(lfd)
	l.src.Release()
	if err == nil {
		t.Error("TCPStreamFromFD(listener) succeeded")
	}
	if _, err := TCPListenerFromFD(p[0]); err == nil {
		t.Error("TCPListenerFromFD(pipe) succeeded")
	}
	f, _ := os.CreateTemp("", "x")
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := TCPStreamFromConn(f); err == nil {
		t.Error("TCPStreamFromConn(file) succeeded")
	}
	// An *os.File from package net's File method.
	std2, err := stdnet.Dial("tcp", sl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fl, err := std2.(*stdnet.TCPConn).File()
	std2.Close()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := TCPStreamFromConn(fl)
	fl.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	within(t, 5*time.Second, "adopted file", func() {
		s2.WriteAll([]byte("file"))
		b := make([]byte, 4)
		if _, err := s2.ReadFull(b); err != nil || string(b) != "file" {
			t.Errorf("echo %q %v", b, err)
		}
	})
}

func TestNetListenerHTTP(t *testing.T) {
	l := listenLocal(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s over rt/net", r.URL.Path[1:])
	})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l.Listener()) }()
	within(t, 20*time.Second, "http", func() {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		for i := range 3 { // keep-alive: the same connection, several requests
			resp, err := client.Get(fmt.Sprintf("http://%s/req%d", l.Addr(), i))
			if err != nil {
				t.Error(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := fmt.Sprintf("hello req%d over rt/net", i); err != nil || string(body) != want {
				t.Errorf("body %q %v, want %q", body, err, want)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error("Shutdown:", err)
		}
		if err := <-done; err != http.ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
}
