package http1

import "bytes"

// The parser as it was before the one-pass scans (request line, header
// names and values), kept as the reference that FuzzParseSameAsReference
// compares the current one with.

func refParseRequest(req *Request, buf []byte, lim *Limits) (n int, err error) {
	l := lim.norm()
	hdrs := req.Headers[:0]
	*req = Request{Headers: hdrs}
	limit := min(len(buf), l.MaxHeaderBytes)
	b := buf[:limit]

	// Skip leading empty lines.
	pos := 0
	for pos < len(b) {
		if b[pos] == '\n' {
			pos++
		} else if b[pos] == '\r' {
			if pos+1 >= len(b) {
				return 0, incomplete(buf, l)
			}
			if b[pos+1] != '\n' {
				return 0, ErrBadRequest
			}
			pos += 2
		} else {
			break
		}
	}

	// Request line.
	line, next, err := refNextLine(b, pos)
	if err != nil {
		if err == ErrIncomplete {
			if e := checkPrefix(b[pos:]); e != nil {
				return 0, e
			}
			return 0, incomplete(buf, l)
		}
		return 0, err
	}
	if err := refParseRequestLine(req, line); err != nil {
		return 0, err
	}
	pos = next

	// Header fields until the empty line.
	var (
		sawCL, sawTE bool
		connClose    bool
		connKeep     bool
		teBad        bool
	)
	req.ContentLength = 0
	for {
		line, next, err := refNextLine(b, pos)
		if err != nil {
			if err == ErrIncomplete {
				if e := checkHeaderPrefix(b[pos:]); e != nil {
					return 0, e
				}
				return 0, incomplete(buf, l)
			}
			return 0, err
		}
		pos = next
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return 0, ErrBadRequest // obsolete line folding
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return 0, ErrBadRequest
		}
		name := line[:colon]
		if !isToken(name) {
			return 0, ErrBadRequest
		}
		value := trimOWS(line[colon+1:])
		if !validValue(value) {
			return 0, ErrBadRequest
		}
		if len(req.Headers) >= l.MaxHeaders {
			return 0, ErrHeaderTooLarge
		}
		req.Headers = append(req.Headers, Header{Name: name, Value: value})

		switch {
		case equalFold(name, "Host"):
			if req.Host != nil {
				return 0, ErrBadRequest // RFC 9112 3.2: exactly one Host
			}
			req.Host = value
		case equalFold(name, "Content-Length"):
			v, ok := parseDecimal(value)
			if !ok || (sawCL && v != req.ContentLength) {
				return 0, ErrBadRequest
			}
			sawCL = true
			req.ContentLength = v
		case equalFold(name, "Transfer-Encoding"):
			// Only "chunked", once, as the only coding, is accepted.
			if sawTE || !equalFold(value, "chunked") {
				teBad = true
			}
			sawTE = true
		case equalFold(name, "Connection"):
			forEachToken(value, func(tok []byte) {
				if equalFold(tok, "close") {
					connClose = true
				} else if equalFold(tok, "keep-alive") {
					connKeep = true
				}
			})
		case equalFold(name, "Expect"):
			if equalFold(value, "100-continue") {
				req.Expect100 = true
			}
		}
	}

	if sawTE {
		if sawCL {
			return 0, ErrBadRequest // RFC 9112 6.1: smuggling risk, reject
		}
		if req.Minor == 0 {
			return 0, ErrBadRequest // chunked is not defined for HTTP/1.0
		}
		if teBad {
			return 0, ErrNotImplemented
		}
		req.Chunked = true
		req.ContentLength = -1
	}
	if req.ContentLength > l.MaxBodyBytes {
		return 0, ErrBodyTooLarge
	}
	if req.Minor == 1 {
		if req.Host == nil {
			return 0, ErrBadRequest // RFC 9112 3.2
		}
		req.KeepAlive = !connClose
	} else {
		req.KeepAlive = connKeep && !connClose
	}
	return pos, nil
}

func refNextLine(b []byte, pos int) (line []byte, next int, err error) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return nil, 0, ErrIncomplete
	}
	line = b[pos : pos+i]
	next = pos + i + 1
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, 0, ErrBadRequest // a bare CR inside a line
	}
	return line, next, nil
}

func refParseRequestLine(req *Request, line []byte) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return ErrBadRequest
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return ErrBadRequest
	}
	method, target, version := line[:sp1], rest[:sp2], rest[sp2+1:]
	if !isToken(method) {
		return ErrBadRequest
	}
	switch {
	case string(version) == "HTTP/1.1":
		req.Minor = 1
	case string(version) == "HTTP/1.0":
		req.Minor = 0
	case len(version) == 8 && string(version[:5]) == "HTTP/" && isDigit(version[5]) && version[6] == '.' && isDigit(version[7]):
		return ErrVersion
	default:
		return ErrBadRequest
	}
	for _, c := range target {
		if c <= ' ' || c == 0x7f {
			return ErrBadRequest
		}
	}
	req.Method, req.Target = method, target
	switch {
	case target[0] == '/':
		req.Path = target
	case string(target) == "*":
		req.Path = target
		return nil
	case hasPrefixFold(target, "http://") || hasPrefixFold(target, "https://"):
		i := bytes.Index(target, []byte("//")) + 2
		auth := target[i:]
		j := bytes.IndexAny(auth, "/?")
		if j < 0 {
			req.Path = []byte("/")
			return nil
		}
		req.Path = auth[j:]
		if auth[j] == '?' {
			req.Path = []byte("/")
			req.Query = auth[j+1:]
			return nil
		}
	default:
		// authority-form (CONNECT) and anything else: not served here.
		if string(method) == "CONNECT" {
			req.Path = target
			return nil
		}
		return ErrBadRequest
	}
	if q := bytes.IndexByte(req.Path, '?'); q >= 0 {
		req.Query = req.Path[q+1:]
		req.Path = req.Path[:q]
	}
	return nil
}

func isToken(b []byte) bool {
	return len(b) > 0 && isTokenPrefix(b)
}
