// Package resp parses and writes RESP2, the Redis serialization protocol, as
// used by Redis clients to send commands: arrays of bulk strings
// ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline commands ("GET k\r\n").
//
// It is plain Go with no dependency on the asyncgo runtime, so the same
// parser serves the async example server and goroutine or event-loop
// servers written for comparison. The parser is incremental: it returns
// "need more data" for an incomplete command and keeps its progress, so a
// command arriving in many small reads is scanned once. Every size it reads
// from the wire is checked against a limit, and malformed input is an error,
// never a panic.
package resp

import (
	"bytes"
	"strconv"
)

// Default limits, as in Redis (proto-max-bulk-len is lower here: this is an
// in-memory example server that holds a whole command in its read buffer).
const (
	// DefaultMaxBulk is the default largest bulk string a command may carry.
	DefaultMaxBulk = 64 << 20
	// DefaultMaxArgs is the default largest number of arguments of a command.
	DefaultMaxArgs = 1 << 20
	// DefaultMaxInline is the default longest inline command line, and the
	// longest "*N" or "$N" header line.
	DefaultMaxInline = 64 << 10
)

// ProtocolError is a malformed command. Its Error text is what Redis
// replies before closing the connection, without the "ERR " prefix:
// "Protocol error: invalid bulk length".
type ProtocolError struct {
	// Msg is the detail after "Protocol error: ".
	Msg string
}

// Error returns "Protocol error: " followed by the detail.
func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

// Reply appends the error reply a server sends for e ("-ERR Protocol
// error: ...\r\n").
func (e *ProtocolError) Reply(out []byte) []byte {
	return AppendError(out, "ERR "+e.Error())
}

func protoErr(msg string) error { return &ProtocolError{Msg: msg} }

// Parser is an incremental RESP2 command parser. The zero value is ready to
// use with the default limits. A Parser keeps the progress of the command it
// is in the middle of, so it belongs to one connection.
type Parser struct {
	// MaxBulk is the largest bulk string accepted (0: DefaultMaxBulk).
	MaxBulk int
	// MaxArgs is the largest number of arguments accepted (0: DefaultMaxArgs).
	MaxArgs int
	// MaxInline is the longest inline command or header line accepted
	// (0: DefaultMaxInline).
	MaxInline int

	// Progress in the current multibulk command, offsets from its start.
	pos     int    // bytes of the command consumed so far
	want    int    // declared number of arguments; 0 when not inside a multibulk
	bulk    int    // length of the bulk being read, -1 when at a "$" header
	started bool   // the "*N" header has been consumed
	spans   []span // arguments read so far
	args    [][]byte
	need    int
}

type span struct{ off, end int }

// Reset forgets the progress of a partly parsed command.
func (p *Parser) Reset() {
	p.pos, p.want, p.bulk, p.started, p.need = 0, 0, -1, false, 0
	p.spans = p.spans[:0]
}

// Trim frees the parser's argument lists if a large command made them
// grow (more than 16 arguments), unless a command is in progress, so that
// an idle connection does not keep them. Call it when a connection goes
// idle.
func (p *Parser) Trim() {
	if p.started {
		return
	}
	if cap(p.spans) > 16 {
		p.spans = nil
	}
	if cap(p.args) > 16 {
		p.args = nil
	}
}

// Need returns a lower bound of the length buf must have for the command in
// progress to complete, known after Parse returned n == 0: the length of the
// arguments already announced. Servers use it to size their read buffer.
func (p *Parser) Need() int { return p.need }

// Parse parses the first command in buf.
//
// On success it returns the command's arguments, which alias buf and are
// valid until the next call of Parse, and n > 0, the length of the command.
// An empty command (an empty inline line, "*0\r\n" or "*-1\r\n") has n > 0
// and no arguments: skip it.
//
// If buf holds no complete command it returns n == 0 and a nil error; the
// Parser keeps its progress, and the next call must pass a buf that starts
// with the same bytes (possibly moved, and extended by what arrived since).
//
// A malformed command returns a *ProtocolError; the connection should get
// its Reply and be closed, as Redis does.
func (p *Parser) Parse(buf []byte) (args [][]byte, n int, err error) {
	maxInline := p.MaxInline
	if maxInline <= 0 {
		maxInline = DefaultMaxInline
	}
	if !p.started {
		if len(buf) == 0 {
			return nil, 0, nil
		}
		if buf[0] != '*' {
			return p.parseInline(buf, maxInline)
		}
		v, hn, err := readHeader(buf, maxInline, "too big mbulk count string", "invalid multibulk length")
		if hn == 0 || err != nil {
			return nil, 0, err
		}
		maxArgs := p.MaxArgs
		if maxArgs <= 0 {
			maxArgs = DefaultMaxArgs
		}
		if v > int64(maxArgs) {
			return nil, 0, protoErr("invalid multibulk length")
		}
		if v <= 0 {
			p.Reset()
			return nil, hn, nil
		}
		p.started, p.want, p.pos, p.bulk = true, int(v), hn, -1
		p.spans = p.spans[:0]
		p.need = hn
	}
	maxBulk := p.MaxBulk
	if maxBulk <= 0 {
		maxBulk = DefaultMaxBulk
	}
	for len(p.spans) < p.want {
		if p.bulk < 0 {
			rest := buf[p.pos:]
			if len(rest) == 0 {
				return nil, 0, nil
			}
			if rest[0] != '$' {
				return nil, 0, protoErr("expected '$', got '" + printable(rest[0]) + "'")
			}
			v, hn, err := readHeader(rest, maxInline, "too big bulk count string", "invalid bulk length")
			if err != nil {
				return nil, 0, err
			}
			if hn == 0 {
				return nil, 0, nil
			}
			if v < 0 || v > int64(maxBulk) {
				return nil, 0, protoErr("invalid bulk length")
			}
			p.pos += hn
			p.bulk = int(v)
			p.need = p.pos + p.bulk + 2
		}
		end := p.pos + p.bulk
		if len(buf) < end+2 {
			return nil, 0, nil
		}
		if buf[end] != '\r' || buf[end+1] != '\n' {
			return nil, 0, protoErr("invalid bulk format")
		}
		p.spans = append(p.spans, span{p.pos, end})
		p.pos = end + 2
		p.bulk = -1
		p.need = p.pos
	}
	n = p.pos
	p.args = p.args[:0]
	for _, s := range p.spans {
		p.args = append(p.args, buf[s.off:s.end:s.end])
	}
	p.Reset()
	return p.args, n, nil
}

// readHeader reads a "*N\r\n" or "$N\r\n" line at the start of b. It
// returns hn == 0 when the line is not complete yet.
func readHeader(b []byte, maxLine int, tooBig, invalid string) (v int64, hn int, err error) {
	if v, hn, ok := readShortHeader(b, maxLine); ok {
		return v, hn, nil
	}
	return readAnyHeader(b, maxLine, tooBig, invalid)
}

// readAnyHeader is readHeader without the fast path.
func readAnyHeader(b []byte, maxLine int, tooBig, invalid string) (v int64, hn int, err error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		if len(b) > maxLine {
			return 0, 0, protoErr(tooBig)
		}
		return 0, 0, nil
	}
	if i > maxLine {
		return 0, 0, protoErr(tooBig)
	}
	if i < 2 || b[i-1] != '\r' {
		return 0, 0, protoErr(invalid)
	}
	v, ok := parseInt(b[1 : i-1])
	if !ok {
		return 0, 0, protoErr(invalid)
	}
	return v, i + 1, nil
}

// readShortHeader is readHeader's fast path for the headers clients send
// nearly always: one to nine digits, no sign, no leading zero, "\r\n"
// present. It scans the line once, without a search for the newline and a
// second pass over the digits. ok is false for anything else (including an
// incomplete line), which readHeader then handles in full.
func readShortHeader(b []byte, maxLine int) (v int64, hn int, ok bool) {
	i := 1
	for ; i < len(b) && i < 10; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int64(c-'0')
	}
	if i == 1 || i+1 >= len(b) || i+1 > maxLine || b[i] != '\r' || b[i+1] != '\n' || (b[1] == '0' && i > 2) {
		return 0, 0, false
	}
	return v, i + 2, true
}

// parseInline parses an inline command: one line, arguments separated by
// spaces, with Redis's quoting ("..." with escapes, '...').
func (p *Parser) parseInline(buf []byte, maxInline int) ([][]byte, int, error) {
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		if len(buf) > maxInline {
			return nil, 0, protoErr("too big inline request")
		}
		return nil, 0, nil
	}
	if i > maxInline {
		return nil, 0, protoErr("too big inline request")
	}
	line := buf[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := splitArgs(line, p.args[:0])
	if !ok {
		return nil, 0, protoErr("unbalanced quotes in request")
	}
	maxArgs := p.MaxArgs
	if maxArgs <= 0 {
		maxArgs = DefaultMaxArgs
	}
	if len(args) > maxArgs {
		return nil, 0, protoErr("invalid multibulk length")
	}
	p.args = args
	return args, i + 1, nil
}

// splitArgs splits an inline line in place (quoted arguments are unescaped
// into the line's own bytes, which only shrink) and appends the arguments
// to dst. It reports false for unbalanced quotes.
func splitArgs(line []byte, dst [][]byte) ([][]byte, bool) {
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			return dst, true
		}
		start, w := i, i // w: write position of the unescaped argument
		inDQ, inSQ := false, false
		for {
			if i == len(line) {
				if inDQ || inSQ {
					return dst, false
				}
				break
			}
			c := line[i]
			if inDQ {
				if c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]) {
					line[w] = unhex(line[i+2])<<4 | unhex(line[i+3])
					i += 4
					w++
					continue
				}
				if c == '\\' && i+1 < len(line) {
					switch line[i+1] {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'b':
						c = '\b'
					case 'a':
						c = '\a'
					default:
						c = line[i+1]
					}
					line[w] = c
					i += 2
					w++
					continue
				}
				if c == '"' {
					// The closing quote must be followed by a space or the end.
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return dst, false
					}
					i++
					break
				}
			} else if inSQ {
				if c == '\\' && i+1 < len(line) && line[i+1] == '\'' {
					line[w] = '\''
					i += 2
					w++
					continue
				}
				if c == '\'' {
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return dst, false
					}
					i++
					break
				}
			} else {
				if isSpace(c) {
					break
				}
				if c == '"' {
					inDQ = true
					i++
					continue
				}
				if c == '\'' {
					inSQ = true
					i++
					continue
				}
			}
			line[w] = c
			w++
			i++
		}
		dst = append(dst, line[start:w:w])
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

func printable(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return string(rune(c))
	}
	return `\x` + strconv.FormatUint(uint64(c)|0x100, 16)[1:]
}

// parseInt parses a decimal int64 with an optional minus sign and no other
// characters, as Redis's string2ll does.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if len(b) > 1 && b[0] == '0' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// ParseInt parses b as Redis parses integer arguments: an optional minus
// sign and decimal digits, no spaces, no leading zeros, within int64.
func ParseInt(b []byte) (int64, bool) { return parseInt(b) }

// Parse parses the first command in buf with the default limits and no
// saved progress: a convenience for callers that hold whole commands. See
// Parser.Parse for the results. The returned arguments alias buf.
func Parse(buf []byte) (args [][]byte, n int, err error) {
	var p Parser
	p.Reset()
	args, n, err = p.Parse(buf)
	if n == 0 {
		return nil, 0, err
	}
	return args, n, err
}
