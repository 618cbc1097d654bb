package http1

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, v := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",   // IMF-fixdate
		"Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
		"Sun Nov  6 08:49:37 1994",        // asctime
		"  Sun, 06 Nov 1994 08:49:37 GMT", // surrounding whitespace
	} {
		got, ok := ParseDate([]byte(v))
		if !ok || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "yesterday", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"} {
		if got, ok := ParseDate([]byte(v)); ok {
			t.Errorf("ParseDate(%q) = %v, true; want false", v, got)
		}
	}
}

func TestLastModifiedAndNotModified(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	mod := time.Date(2026, 11, 1, 8, 30, 15, 700_000_000, time.FixedZone("CET", 3600))
	if got, want := LastModified(mod, now), "Last-Modified: Sun, 01 Nov 2026 07:30:15 GMT"; got != want {
		t.Errorf("LastModified = %q, want %q", got, want)
	}
	if got, want := LastModified(now.Add(time.Hour), now), "Last-Modified: Thu, 26 Nov 2026 12:00:00 GMT"; got != want {
		t.Errorf("LastModified of a future time = %q, want %q (now)", got, want)
	}
	// The date a client sends back is the one it was given: whole seconds.
	sent, _ := ParseDate([]byte("Sun, 01 Nov 2026 07:30:15 GMT"))
	for _, c := range []struct {
		since time.Time
		want  bool
	}{
		{sent, true},
		{sent.Add(time.Hour), true},
		{sent.Add(-time.Second), false},
	} {
		if got := NotModified(mod, c.since); got != c.want {
			t.Errorf("NotModified(since %v) = %v, want %v", c.since, got, c.want)
		}
	}
}
