package http1

// A ChunkedDecoder takes apart a chunked request body (RFC 9112 7.1)
// incrementally, without copying: each call to Next consumes some bytes of
// the input and returns the body bytes among them as a sub-slice of it.
// Chunk extensions are ignored; trailer fields are skipped.
//
// The zero value is ready to decode one body with DefaultLimits; set Limits
// before the first call to change them. Reset readies it for another body.
type ChunkedDecoder struct {
	// Limits bounds the body: MaxBodyBytes the sum of the chunk sizes,
	// MaxHeaderBytes each chunk-size line and the trailer section.
	Limits Limits

	state      chunkState
	remaining  int64 // data bytes left in the current chunk
	total      int64 // body bytes seen so far
	lineLen    int   // bytes of the current size line or trailer seen
	digits     int   // hex digits of the current size line
	pastDigits bool  // the size line's digits have ended
}

type chunkState uint8

const (
	stateSize       chunkState = iota // reading a chunk-size line
	stateData                         // inside chunk data
	stateDataCR                       // expecting CR(LF) after data
	stateDataLF                       // expecting LF after data CR
	stateTrailer                      // reading trailer lines after the last chunk
	stateTrailerEnd                   // at the start of a trailer line
	stateDone                         // the body is complete
)

// Reset readies d for a new body, keeping its Limits.
func (d *ChunkedDecoder) Reset() { *d = ChunkedDecoder{Limits: d.Limits} }

// Done reports whether the whole body, including the trailer, has been
// consumed.
func (d *ChunkedDecoder) Done() bool { return d.state == stateDone }

// Total is the number of body bytes decoded so far.
func (d *ChunkedDecoder) Total() int64 { return d.total }

// Next decodes from the start of in. It returns n, the number of bytes of
// in it consumed, and data, the body bytes among them (a sub-slice of in,
// possibly empty). A call returns at most one run of body bytes and stops
// at the end of the body (done), so n < len(in) does not mean an error:
// call again on in[n:] until done is true, and when in is exhausted first,
// again with more input. Bytes after the body (a pipelined request) are
// left unconsumed. err is ErrBadRequest for bad framing, ErrBodyTooLarge
// beyond Limits.MaxBodyBytes and ErrHeaderTooLarge for a trailer section
// beyond Limits.MaxHeaderBytes.
func (d *ChunkedDecoder) Next(in []byte) (data []byte, n int, done bool, err error) {
	l := d.Limits.norm()
	for n < len(in) {
		switch d.state {
		case stateSize:
			c := in[n]
			n++
			d.lineLen++
			if d.lineLen > l.MaxHeaderBytes {
				return nil, n, false, ErrBadRequest
			}
			if c == '\n' {
				if d.digits == 0 {
					return nil, n, false, ErrBadRequest // no digits
				}
				d.lineLen, d.digits, d.pastDigits = 0, 0, false
				if d.remaining == 0 {
					d.state = stateTrailerEnd
				} else {
					d.state = stateData
				}
				continue
			}
			if d.pastDigits {
				// A chunk extension or the CR: anything printable up
				// to the LF.
				if (c < ' ' && c != '\t' && c != '\r') || c == 0x7f {
					return nil, n, false, ErrBadRequest
				}
				continue
			}
			v := unhex(c)
			if v < 0 {
				if d.digits == 0 || (c != ';' && c != '\r' && c != ' ' && c != '\t') {
					return nil, n, false, ErrBadRequest
				}
				d.pastDigits = true
				continue
			}
			d.digits++
			if d.digits > 15 {
				return nil, n, false, ErrBodyTooLarge // beyond any limit
			}
			d.remaining = d.remaining<<4 | int64(v)
			if d.total+d.remaining > l.MaxBodyBytes {
				return nil, n, false, ErrBodyTooLarge
			}
		case stateData:
			k := int64(len(in) - n)
			if k > d.remaining {
				k = d.remaining
			}
			data = in[n : n+int(k)]
			n += int(k)
			d.remaining -= k
			d.total += k
			if d.remaining == 0 {
				d.state = stateDataCR
			}
			return data, n, false, nil
		case stateDataCR:
			switch in[n] {
			case '\r':
				d.state = stateDataLF
			case '\n':
				d.state = stateSize
			default:
				return nil, n, false, ErrBadRequest
			}
			n++
		case stateDataLF:
			if in[n] != '\n' {
				return nil, n, false, ErrBadRequest
			}
			n++
			d.state = stateSize
		case stateTrailerEnd, stateTrailer:
			c := in[n]
			n++
			d.lineLen++
			if d.lineLen > l.MaxHeaderBytes {
				return nil, n, false, ErrHeaderTooLarge
			}
			if c == '\n' {
				if d.state == stateTrailerEnd {
					d.state = stateDone
					return nil, n, true, nil
				}
				d.state = stateTrailerEnd
				continue
			}
			if c == '\r' && d.state == stateTrailerEnd {
				continue
			}
			d.state = stateTrailer
		case stateDone:
			return nil, n, true, nil
		}
	}
	return nil, n, d.state == stateDone, nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
