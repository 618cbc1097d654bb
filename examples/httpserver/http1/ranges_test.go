package http1

import (
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	const size = 1000
	for _, c := range []struct {
		v      string
		want   ByteRange
		status int
	}{
		{"bytes=0-9", ByteRange{0, 10}, 206},
		{"bytes=990-", ByteRange{990, 10}, 206},
		{"bytes=990-5000", ByteRange{990, 10}, 206},
		{"bytes=-10", ByteRange{990, 10}, 206},
		{"bytes=-5000", ByteRange{0, 1000}, 206},
		{"Bytes=5-5", ByteRange{5, 1}, 206},
		{"bytes = 5-5", ByteRange{}, 200},
		{"bytes=999-999", ByteRange{999, 1}, 206},
		{"bytes=1000-", ByteRange{}, 416},
		{"bytes=1000-2000", ByteRange{}, 416},
		{"bytes=-0", ByteRange{}, 416},
		{"", ByteRange{}, 200},
		{"bytes=", ByteRange{}, 200},
		{"bytes=5", ByteRange{}, 200},
		{"bytes=9-5", ByteRange{}, 200},
		{"bytes=a-5", ByteRange{}, 200},
		{"bytes=-", ByteRange{}, 200},
		{"bytes=0-1,5-6", ByteRange{}, 200},
		{"items=0-9", ByteRange{}, 200},
		{"bytes=99999999999999999999-", ByteRange{}, 200},
	} {
		got, status := ParseRange([]byte(c.v), size)
		if status != c.status || got != c.want {
			t.Errorf("ParseRange(%q, %d) = %+v, %d; want %+v, %d", c.v, size, got, status, c.want, c.status)
		}
	}
	if _, status := ParseRange([]byte("bytes=-5"), 0); status != 416 {
		t.Errorf("a suffix range of an empty representation: %d, want 416", status)
	}
}

func TestContentRange(t *testing.T) {
	if got := ContentRange(ByteRange{990, 10}, 1000); got != "Content-Range: bytes 990-999/1000" {
		t.Errorf("206: %q", got)
	}
	if got := ContentRange(ByteRange{}, 1000); got != "Content-Range: bytes */1000" {
		t.Errorf("416: %q", got)
	}
}

func TestRangeStillValid(t *testing.T) {
	mod := time.Date(2026, 11, 1, 7, 30, 15, 700_000_000, time.UTC)
	for _, c := range []struct {
		ifRange string
		absent  bool
		want    bool
	}{
		{absent: true, want: true},
		{ifRange: "Sun, 01 Nov 2026 07:30:15 GMT", want: true},
		{ifRange: "Sun, 01 Nov 2026 07:30:14 GMT", want: false},
		{ifRange: "Sun, 01 Nov 2026 07:30:16 GMT", want: false},
		{ifRange: `"an-etag"`, want: false},
	} {
		var v []byte
		if !c.absent {
			v = []byte(c.ifRange)
		}
		if got := RangeStillValid(v, mod); got != c.want {
			t.Errorf("RangeStillValid(%q) = %v, want %v", c.ifRange, got, c.want)
		}
	}
}

// Whatever the header says, a 206 range lies inside the representation
// and is not empty; a 416 only happens when a byte was asked for past the
// end (or of nothing).
func FuzzParseRange(f *testing.F) {
	for _, v := range []string{"bytes=0-9", "bytes=-5", "bytes=5-", "bytes=0-1,2-3", "bytes=99-1"} {
		f.Add(v, int64(100))
	}
	f.Fuzz(func(t *testing.T, v string, size int64) {
		if size < 0 {
			t.Skip("sizes are not negative")
		}
		r, status := ParseRange([]byte(v), size)
		switch status {
		case 206:
			if r.Start < 0 || r.Length < 1 || r.Start+r.Length > size {
				t.Fatalf("ParseRange(%q, %d) = %+v: outside the representation", v, size, r)
			}
		case 200, 416:
			if r != (ByteRange{}) {
				t.Fatalf("ParseRange(%q, %d) = %+v, %d: a range with a non-206 status", v, size, r, status)
			}
		default:
			t.Fatalf("ParseRange(%q, %d): status %d", v, size, status)
		}
	})
}
