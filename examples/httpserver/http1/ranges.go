package http1

import (
	"strconv"
	"time"
)

// A ByteRange is the part of a representation a 206 response carries:
// Length bytes from offset Start.
type ByteRange struct {
	Start, Length int64
}

// ParseRange interprets the value of a Range header field for a
// representation of size bytes (RFC 9110, section 14). It returns the
// range to send and 206, or 416 when no byte of the representation is
// asked for, or 200 when the field is to be ignored and the whole
// representation sent: absent, malformed, in a unit other than bytes, or
// asking for more than one range (a server may always ignore Range, and
// multipart/byteranges bodies are not written).
func ParseRange(v []byte, size int64) (ByteRange, int) {
	v = trimOWS(v)
	if len(v) < len("bytes=") || !equalFold(v[:len("bytes")], "bytes") || v[len("bytes")] != '=' {
		return ByteRange{}, 200
	}
	spec := trimOWS(v[len("bytes="):])
	for _, c := range spec {
		if c == ',' {
			return ByteRange{}, 200
		}
	}
	dash := -1
	for i, c := range spec {
		if c == '-' {
			dash = i
			break
		}
	}
	if dash < 0 {
		return ByteRange{}, 200
	}
	first, last := spec[:dash], spec[dash+1:]
	if len(first) == 0 { // "-N": the last N bytes
		n, ok := parseDecimal(last)
		if !ok {
			return ByteRange{}, 200
		}
		if n == 0 || size == 0 {
			return ByteRange{}, 416
		}
		n = min(n, size)
		return ByteRange{Start: size - n, Length: n}, 206
	}
	start, ok := parseDecimal(first)
	if !ok {
		return ByteRange{}, 200
	}
	end := size - 1
	if len(last) > 0 {
		e, ok := parseDecimal(last)
		if !ok || e < start {
			return ByteRange{}, 200
		}
		end = min(e, size-1)
	}
	if start >= size {
		return ByteRange{}, 416
	}
	return ByteRange{Start: start, Length: end - start + 1}, 206
}

// ContentRange returns the Content-Range header line (without CRLF, for
// ResponseHead.Extra) of a 206 carrying r of a representation of size
// bytes, or, for a 416, with r's Length zero, the line that states the
// size ("bytes */size").
func ContentRange(r ByteRange, size int64) string {
	s := strconv.FormatInt(size, 10)
	if r.Length == 0 {
		return "Content-Range: bytes */" + s
	}
	return "Content-Range: bytes " + strconv.FormatInt(r.Start, 10) + "-" + strconv.FormatInt(r.Start+r.Length-1, 10) + "/" + s
}

// RangeStillValid evaluates If-Range for a representation last modified at
// mod (as sent in LastModified): with no If-Range the Range applies; with a
// date it applies only if the date is exactly the Last-Modified sent; with
// an entity tag (none are sent here) or anything else it does not, and the
// whole representation is sent.
func RangeStillValid(ifRange []byte, mod time.Time) bool {
	if ifRange == nil {
		return true
	}
	since, ok := ParseDate(ifRange)
	return ok && since.Equal(mod.Truncate(time.Second))
}
