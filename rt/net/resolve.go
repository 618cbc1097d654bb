//go:build linux

package net

import (
	"context"
	stdnet "net"
	"net/netip"
	"strings"
	"time"

	"github.com/asyncgo/asyncgo/rt"
)

// lookupNetIP is the resolver used by Resolve; tests replace it.
var lookupNetIP = stdnet.DefaultResolver.LookupNetIP

// resolveTimeout bounds a lookup, so that an unresponsive name server
// yields an error rather than a hang.
const resolveTimeout = 20 * time.Second

// Resolve returns the addresses of addr ("host:port"). IP literals, an
// empty host and "localhost" need no lookup (127.0.0.1; the same as
// Connect uses). Host names are looked up with package net's
// DefaultResolver (/etc/hosts, then DNS) on the blocking pool, never on a
// worker, with a time limit of 20 seconds; names under the reserved
// top-level domain ".invalid" fail at once (RFC 6761). A name that does
// not resolve is an *OpError wrapping the resolver's *net.DNSError.
//
//asyncgo:async
func Resolve(addr string) ([]netip.AddrPort, error) {
	f := ResolveAsync(addr)
	rt.BlockOn(&f)
	return f.Result()
}

// ResolveAsync returns the future of Resolve; nothing happens (not even
// parsing addr) until it is polled.
func ResolveAsync(addr string) ResolveFuture { return ResolveFuture{addr: addr} }

// ResolveFuture is the future of Resolve.
type ResolveFuture struct {
	addr   string
	name   string
	port   uint16
	call   blockingCall[lookupResult]
	busy   bool // call is in flight
	cancel context.CancelFunc
	res    []netip.AddrPort
	err    error
	done   bool
}

type lookupResult struct {
	ips []netip.Addr
	err error
}

// Poll parses the address and, for a host name, starts the lookup on the
// first call; it completes when the lookup returns.
func (f *ResolveFuture) Poll(cx *rt.Context) bool {
	if f.done {
		return true
	}
	if !f.busy {
		ap, name, err := parseHostPort(f.addr, false)
		switch {
		case err != nil:
			f.fail(err)
			return true
		case name == "":
			f.res, f.done = []netip.AddrPort{ap}, true
			return true
		case isInvalidName(name):
			f.name = name
			f.fail(&stdnet.DNSError{Err: "no such host", Name: name, IsNotFound: true})
			return true
		}
		f.name, f.port = name, ap.Port()
		ctx, cancel := context.WithTimeout(context.Background(), resolveTimeout)
		f.cancel = cancel
		lookup := lookupNetIP
		f.call = startBlocking(func() lookupResult {
			ips, err := lookup(ctx, "ip", name)
			return lookupResult{ips, err}
		})
		f.busy = true
	}
	r, jerr, ok := f.call.poll(cx)
	if !ok {
		return false
	}
	f.cancel()
	f.busy = false
	if jerr != nil {
		r.err = jerr
	}
	if r.err == nil && len(r.ips) == 0 {
		r.err = &stdnet.DNSError{Err: "no such host", Name: f.name, IsNotFound: true}
	}
	if r.err != nil {
		f.fail(r.err)
		return true
	}
	f.res = make([]netip.AddrPort, len(r.ips))
	for i, ip := range r.ips {
		f.res[i] = netip.AddrPortFrom(ip.Unmap(), f.port)
	}
	f.done = true
	return true
}

func (f *ResolveFuture) fail(err error) {
	f.err = &OpError{Op: "resolve", Net: "ip", Path: f.name, Err: err}
	f.done = true
}

// Result returns the addresses, or the error.
func (f *ResolveFuture) Result() ([]netip.AddrPort, error) { return f.res, f.err }

// Cancel abandons the lookup (its context is cancelled; the blocking call
// ends on its own). It is idempotent.
func (f *ResolveFuture) Cancel() {
	if f.busy {
		f.call.abandon()
		f.cancel()
		f.busy = false
	}
	f.done = true
}

// isInvalidName reports whether name is under ".invalid", which never
// resolves (RFC 6761, section 6.4).
func isInvalidName(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	return name == "invalid" || strings.HasSuffix(name, ".invalid")
}
