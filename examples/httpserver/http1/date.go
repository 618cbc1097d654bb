package http1

import "time"

// dateLayouts are the three forms of an HTTP-date a recipient must accept
// (RFC 9110, section 5.6.7): IMF-fixdate, which senders use, and the
// obsolete RFC 850 and asctime forms.
var dateLayouts = [...]string{
	TimeFormatExample,
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// ParseDate parses an HTTP-date, such as the value of If-Modified-Since,
// in any of its three forms. It reports false for anything else, which a
// server must then treat as if the field were absent.
func ParseDate(v []byte) (time.Time, bool) {
	v = trimOWS(v)
	if len(v) == 0 {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, string(v)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// LastModified returns the Last-Modified header line ("Last-Modified:
// ..." without CRLF, for ResponseHead.Extra) for a representation modified
// at mod, answered at now: mod to the second, but never later than now, as
// a server must not claim a modification in its own future.
func LastModified(mod, now time.Time) string {
	if mod.After(now) {
		mod = now
	}
	return "Last-Modified: " + mod.UTC().Format(TimeFormatExample)
}

// NotModified reports whether a representation last modified at mod (as
// sent in LastModified) is unchanged since the If-Modified-Since date
// since: its modification, to the second, is not after it.
func NotModified(mod, since time.Time) bool {
	return !mod.Truncate(time.Second).After(since)
}
