package resp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func join(args [][]byte) string {
	var s []string
	for _, a := range args {
		s = append(s, string(a))
	}
	return strings.Join(s, "|")
}

func TestParseComplete(t *testing.T) {
	tests := []struct {
		in   string
		args string
		n    int
	}{
		{"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "GET|k", 20},
		{"*1\r\n$0\r\n\r\n", "", 10},
		{"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\nbc\r\nrest", "SET|k|a\r\nbc", 31},
		{"PING\r\n", "PING", 6},
		{"PING\n", "PING", 5},
		{"  set  k   v \r\n", "set|k|v", 15},
		{`SET "a b" 'c d'` + "\r\n", "SET|a b|c d", 17},
		{`ECHO "x\x41\n\"y"` + "\n", "ECHO|xA\n\"y", 18},
		{`ECHO 'it\'s'` + "\n", "ECHO|it's", 13},
		{"\r\n", "", 2},
		{"*0\r\n", "", 4},
		{"*-1\r\n", "", 5},
	}
	for _, tc := range tests {
		var p Parser
		args, n, err := p.Parse([]byte(tc.in))
		if err != nil || n != tc.n || join(args) != tc.args {
			t.Errorf("Parse(%q) = %q, %d, %v; want %q, %d", tc.in, join(args), n, err, tc.args, tc.n)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"*x\r\n", "invalid multibulk length"},
		{"*2\n", "invalid multibulk length"},
		{"*2000000\r\n", "invalid multibulk length"},
		{"*1\r\n+OK\r\n", "expected '$', got '+'"},
		{"*1\r\n$-3\r\n", "invalid bulk length"},
		{"*1\r\n$99999999999\r\n", "invalid bulk length"},
		{"*1\r\n$abc\r\n", "invalid bulk length"},
		{"*1\r\n$1\r\nab\r\n", "invalid bulk format"},
		{`SET "abc` + "\r\n", "unbalanced quotes in request"},
		{`SET "abc"d` + "\r\n", "unbalanced quotes in request"},
		{strings.Repeat("a", DefaultMaxInline+1), "too big inline request"},
		{"*" + strings.Repeat("1", DefaultMaxInline+1), "too big mbulk count string"},
	}
	for _, tc := range tests {
		var p Parser
		_, n, err := p.Parse([]byte(tc.in))
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Msg != tc.msg || n != 0 {
			t.Errorf("Parse(%.40q) = %d, %v; want protocol error %q", tc.in, n, err, tc.msg)
		}
	}
	got := (&ProtocolError{Msg: "invalid bulk length"}).Reply(nil)
	if string(got) != "-ERR Protocol error: invalid bulk length\r\n" {
		t.Errorf("Reply = %q", got)
	}
}

func TestParseLimits(t *testing.T) {
	p := Parser{MaxBulk: 4, MaxArgs: 2}
	if _, _, err := p.Parse([]byte("*1\r\n$5\r\n")); err == nil {
		t.Error("bulk over MaxBulk accepted")
	}
	p.Reset()
	if _, _, err := p.Parse([]byte("*3\r\n")); err == nil {
		t.Error("count over MaxArgs accepted")
	}
	p.Reset()
	if _, _, err := p.Parse([]byte("a b c\r\n")); err == nil {
		t.Error("inline over MaxArgs accepted")
	}
}

// TestParseIncremental feeds a pipeline of commands one byte at a time,
// moving the buffer between calls as a server compacting its buffer does,
// and checks every command comes out once, whole and in order.
func TestParseIncremental(t *testing.T) {
	var stream []byte
	var want []string
	for i := range 50 {
		val := strings.Repeat("v", i*7)
		stream = AppendCommand(stream, "SET", "key", val)
		want = append(want, "SET|key|"+val)
		if i%5 == 0 {
			stream = append(stream, "GET key\r\n"...)
			want = append(want, "GET|key")
		}
	}
	var p Parser
	var got []string
	var pending []byte
	for i := range stream {
		pending = append(bytes.Clone(pending), stream[i]) // a new array each time
		for {
			args, n, err := p.Parse(pending)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				if need := p.Need(); need > len(stream)-(i+1-len(pending)) {
					t.Fatalf("Need() = %d beyond the end of the stream", need)
				}
				break
			}
			got = append(got, join(args))
			pending = pending[n:]
		}
	}
	if len(pending) != 0 {
		t.Fatalf("%d bytes left over", len(pending))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %d commands, want %d:\n%q\n%q", len(got), len(want), got, want)
	}
}

func TestParseFunc(t *testing.T) {
	args, n, err := Parse([]byte("*1\r\n$4\r\nPING\r\n*1"))
	if err != nil || n != 14 || join(args) != "PING" {
		t.Fatalf("Parse = %q, %d, %v", join(args), n, err)
	}
	if _, n, err := Parse([]byte("*1\r\n$4\r\nPI")); n != 0 || err != nil {
		t.Fatalf("incomplete: %d, %v", n, err)
	}
}

func TestReplies(t *testing.T) {
	var out []byte
	out = AppendSimple(out, "OK")
	out = AppendError(out, "ERR a\r\nb")
	out = AppendInt(out, -42)
	out = AppendBulk(out, []byte("hi"))
	out = AppendBulkString(out, "")
	out = AppendNull(out)
	out = AppendArray(out, 2)
	want := "+OK\r\n-ERR a  b\r\n:-42\r\n$2\r\nhi\r\n$0\r\n\r\n$-1\r\n*2\r\n"
	if string(out) != want {
		t.Fatalf("got %q want %q", out, want)
	}
}

func TestParseInt(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-1": true, "9223372036854775807": true, "-9223372036854775808": true,
		"9223372036854775808": false, "-9223372036854775809": false, "": false, "-": false,
		"01": false, "+1": false, " 1": false, "1a": false, "99999999999999999999": false,
	} {
		if _, ok := ParseInt([]byte(s)); ok != want {
			t.Errorf("ParseInt(%q) ok = %v", s, ok)
		}
	}
}

// FuzzParse checks that the parser never panics, that it consumes only
// what it was given, that the arguments lie inside the buffer, and that
// feeding the same bytes in two pieces gives the same first command.
func FuzzParse(f *testing.F) {
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), 3)
	f.Add([]byte("SET \"a\\x4\" 'b'\r\n"), 1)
	f.Add([]byte("*1\r\n$-1\r\n"), 0)
	f.Add([]byte("*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbb\r\n"), 9)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		p := Parser{MaxBulk: 1 << 10, MaxArgs: 64, MaxInline: 256}
		whole := bytes.Clone(data)
		args, n, err := p.Parse(whole)
		if n < 0 || n > len(data) {
			t.Fatalf("n = %d for %d bytes", n, len(data))
		}
		if err != nil {
			return
		}
		for _, a := range args {
			if len(a) > len(data) {
				t.Fatalf("argument longer than input")
			}
		}
		first := join(args)
		if cut < 0 || cut > len(data) {
			return
		}
		var q Parser
		q.MaxBulk, q.MaxArgs, q.MaxInline = p.MaxBulk, p.MaxArgs, p.MaxInline
		split := bytes.Clone(data)
		a2, n2, err2 := q.Parse(split[:cut])
		if err2 == nil && n2 == 0 {
			a2, n2, err2 = q.Parse(split)
		}
		if n > 0 && err2 == nil && (n2 != n || join(a2) != first) {
			t.Fatalf("split at %d: got %q (%d), whole gave %q (%d)", cut, join(a2), n2, first, n)
		}
	})
}

func TestTrim(t *testing.T) {
	var p Parser
	args := make([]string, 100)
	for i := range args {
		args[i] = "a"
	}
	cmd := AppendCommand(nil, args...)
	if got, n, err := p.Parse(cmd); err != nil || n != len(cmd) || len(got) != 100 {
		t.Fatalf("Parse: %d args, %d, %v", len(got), n, err)
	}
	p.Trim()
	if p.spans != nil || p.args != nil {
		t.Fatal("Trim kept the large argument lists")
	}
	// In the middle of a command, Trim keeps the progress.
	if _, n, _ := p.Parse(cmd[:len(cmd)/2]); n != 0 {
		t.Fatal("half a command parsed")
	}
	p.Trim()
	if got, n, err := p.Parse(cmd); err != nil || n != len(cmd) || len(got) != 100 {
		t.Fatalf("Parse after Trim: %d args, %d, %v", len(got), n, err)
	}
}

// BenchmarkParsePipeline parses what redis-benchmark -P 16 sends: sixteen
// SET commands with a 16-byte key and a 3-byte value, the shape of every
// header the server reads under load.
func BenchmarkParsePipeline(b *testing.B) {
	var buf []byte
	for i := 0; i < 16; i++ {
		buf = AppendCommand(buf, "SET", fmt.Sprintf("key:%012d", i*7919), "xxx")
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	var p Parser
	for b.Loop() {
		for off := 0; off < len(buf); {
			args, n, err := p.Parse(buf[off:])
			if err != nil || n == 0 || len(args) != 3 {
				b.Fatalf("Parse at %d: %d args, %d, %v", off, len(args), n, err)
			}
			off += n
		}
	}
}

// TestShortHeaderAgrees checks readHeader's fast path against the full one
// on every header shape near its edges: signs, leading zeros, nine and ten
// digits, missing or lone line ends, and line limits.
func TestShortHeaderAgrees(t *testing.T) {
	var ins []string
	for _, num := range []string{"", "0", "00", "01", "7", "42", "-1", "-0", "+1", "123456789", "999999999", "1234567890",
		"99999999999999999999", "1a", "a1", " 1"} {
		for _, end := range []string{"", "\r", "\n", "\r\n", "\r\nrest", "\n\r", "\rx"} {
			ins = append(ins, "$"+num+end, "*"+num+end)
		}
	}
	for _, in := range ins {
		for _, maxLine := range []int{3, 4, 11, 12, DefaultMaxInline} {
			v, hn, err := readHeader([]byte(in), maxLine, "too big", "invalid")
			wv, whn, werr := readAnyHeader([]byte(in), maxLine, "too big", "invalid")
			if v != wv || hn != whn || fmt.Sprint(err) != fmt.Sprint(werr) {
				t.Errorf("readHeader(%q, %d) = %d, %d, %v; the full path gives %d, %d, %v", in, maxLine, v, hn, err, wv, whn, werr)
			}
		}
	}
}
