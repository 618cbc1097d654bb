//go:build linux

package net

import (
	"net/netip"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// splitHostPort splits "host:port", "[host]:port" or ":port".
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", &AddrError{Err: "missing ']' in address", Addr: s}
		}
		host, rest := s[1:end], s[end+1:]
		if rest == "" {
			return "", "", &AddrError{Err: "missing port in address", Addr: s}
		}
		if rest[0] != ':' {
			return "", "", &AddrError{Err: "unexpected text after ']' in address", Addr: s}
		}
		return host, rest[1:], nil
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", &AddrError{Err: "missing port in address", Addr: s}
	}
	host, port = s[:i], s[i+1:]
	if strings.IndexByte(host, ':') >= 0 {
		return "", "", &AddrError{Err: "too many colons in address (IPv6 needs brackets)", Addr: s}
	}
	if strings.ContainsAny(host, "[]") {
		return "", "", &AddrError{Err: "unexpected bracket in address", Addr: s}
	}
	return host, port, nil
}

// parseAddr parses a "host:port" address whose host is an IP literal,
// "localhost" or empty. An empty host is the unspecified address when
// listen is true (the caller picks the family) and the IPv4 loopback
// otherwise. Host names are an *AddrError here; Connect resolves them
// (see parseHostPort).
func parseAddr(s string, listen bool) (netip.AddrPort, error) {
	ap, name, err := parseHostPort(s, listen)
	if err == nil && name != "" {
		err = &AddrError{Err: "not an IP address (only Connect and Resolve resolve host names)", Addr: s}
	}
	return ap, err
}

// parseHostPort parses a "host:port" address. When host is a host name
// (not an IP literal, "localhost" or empty) it returns the name and an
// AddrPort carrying only the port.
func parseHostPort(s string, listen bool) (ap netip.AddrPort, name string, err error) {
	host, port, err := splitHostPort(s)
	if err != nil {
		return netip.AddrPort{}, "", err
	}
	if port == "" {
		return netip.AddrPort{}, "", &AddrError{Err: "missing port in address", Addr: s}
	}
	pn, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, "", &AddrError{Err: "invalid port", Addr: s}
	}
	var ip netip.Addr
	switch host {
	case "":
		if listen {
			ip = netip.IPv6Unspecified()
		} else {
			ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	default:
		ip, err = netip.ParseAddr(host)
		if err != nil {
			if strings.HasPrefix(s, "[") || !validHostName(host) {
				return netip.AddrPort{}, "", &AddrError{Err: "not an IP address or host name", Addr: s}
			}
			return netip.AddrPortFrom(netip.Addr{}, uint16(pn)), host, nil
		}
		if z := ip.Zone(); z != "" {
			if _, err := strconv.ParseUint(z, 10, 32); err != nil {
				return netip.AddrPort{}, "", &AddrError{Err: "only numeric IPv6 zones are supported", Addr: s}
			}
		}
	}
	return netip.AddrPortFrom(ip, uint16(pn)), "", nil
}

// validHostName reports whether name is syntactically a DNS name:
// dot-separated labels of letters, digits, '-' and '_', each 1 to 63
// bytes, 253 bytes at most (one trailing dot allowed).
func validHostName(name string) bool {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// sockaddr converts ap to a socket address of the matching family.
func sockaddr(ap netip.AddrPort) (unix.Sockaddr, int) {
	ip := ap.Addr()
	if ip.Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}, unix.AF_INET
	}
	sa := &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}
	if z := ip.Zone(); z != "" {
		id, _ := strconv.ParseUint(z, 10, 32)
		sa.ZoneId = uint32(id)
	}
	return sa, unix.AF_INET6
}

// addrPort converts a socket address back; IPv4-mapped IPv6 addresses (the
// peers of a dual-stack listener) are unmapped.
func addrPort(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(sa.Addr).Unmap()
		if sa.ZoneId != 0 && ip.Is6() {
			ip = ip.WithZone(strconv.FormatUint(uint64(sa.ZoneId), 10))
		}
		return netip.AddrPortFrom(ip, uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// rawAddrPort converts an address the kernel wrote (accept4) without
// allocating.
func rawAddrPort(rsa *unix.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), ntohs(sa.Port))
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		ip := netip.AddrFrom16(sa.Addr).Unmap()
		if sa.Scope_id != 0 && ip.Is6() {
			ip = ip.WithZone(strconv.FormatUint(uint64(sa.Scope_id), 10))
		}
		return netip.AddrPortFrom(ip, ntohs(sa.Port))
	}
	return netip.AddrPort{}
}

// ntohs converts a port in network byte order, as the kernel stores it.
func ntohs(p uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// rawUnixPath returns the path of a Unix socket address the kernel wrote:
// "" for an unbound peer, "@name" for an abstract one (as Go's net does).
func rawUnixPath(rsa *unix.RawSockaddrAny) string {
	if rsa.Addr.Family != unix.AF_UNIX {
		return ""
	}
	p := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa)).Path[:]
	abstract := p[0] == 0
	if abstract {
		p = p[1:]
	}
	n := 0
	for n < len(p) && p[n] != 0 {
		n++
	}
	if n == 0 {
		return ""
	}
	name := string(unsafe.Slice((*byte)(unsafe.Pointer(&p[0])), n))
	if abstract {
		return "@" + name
	}
	return name
}

func localAddr(fd int) netip.AddrPort {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return netip.AddrPort{}
	}
	return addrPort(sa)
}
