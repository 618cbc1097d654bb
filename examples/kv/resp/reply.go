package resp

import "strconv"

// Canned replies.
var (
	// OK is the reply "+OK".
	OK = []byte("+OK\r\n")
	// Pong is the reply "+PONG".
	Pong = []byte("+PONG\r\n")
	// Null is the null bulk string "$-1", the reply for a missing key.
	Null = []byte("$-1\r\n")
	// NullArray is the null array "*-1".
	NullArray = []byte("*-1\r\n")
)

// AppendSimple appends the simple string reply "+s\r\n". s must not
// contain CR or LF.
func AppendSimple(out []byte, s string) []byte {
	out = append(out, '+')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

// AppendError appends the error reply "-msg\r\n". By convention msg starts
// with an upper-case error code: "ERR syntax error". CR and LF in msg are
// replaced by spaces, so the reply stays one line.
func AppendError(out []byte, msg string) []byte {
	out = append(out, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		out = append(out, c)
	}
	return append(out, '\r', '\n')
}

// AppendInt appends the integer reply ":n\r\n".
func AppendInt(out []byte, n int64) []byte {
	out = append(out, ':')
	out = strconv.AppendInt(out, n, 10)
	return append(out, '\r', '\n')
}

// AppendBulk appends the bulk string reply "$len\r\nb\r\n".
func AppendBulk(out []byte, b []byte) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(out, '\r', '\n')
	out = append(out, b...)
	return append(out, '\r', '\n')
}

// AppendBulkString is AppendBulk for a string.
func AppendBulkString(out []byte, s string) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(s)), 10)
	out = append(out, '\r', '\n')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

// AppendNull appends the null bulk string "$-1\r\n".
func AppendNull(out []byte) []byte { return append(out, Null...) }

// AppendArray appends the header "*n\r\n" of an array reply of n elements;
// the caller appends the elements.
func AppendArray(out []byte, n int) []byte {
	out = append(out, '*')
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, '\r', '\n')
}

// AppendCommand appends args as a RESP2 command (an array of bulk
// strings), as a client sends it.
func AppendCommand(out []byte, args ...string) []byte {
	out = AppendArray(out, len(args))
	for _, a := range args {
		out = AppendBulkString(out, a)
	}
	return out
}
