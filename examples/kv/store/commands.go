package store

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/asyncgo/asyncgo/examples/kv/resp"
)

// Commands lists the commands Exec implements, in lower case.
var Commands = []string{
	"ping", "echo", "get", "set", "del", "exists", "incr", "decr", "incrby", "decrby",
	"mget", "mset", "expire", "pexpire", "ttl", "pttl", "persist", "dbsize",
	"flushall", "flushdb", "select", "command", "config", "quit",
}

// IsQuit reports whether args is the QUIT command: the server replies
// (Exec appends +OK) and then closes the connection.
func IsQuit(args [][]byte) bool {
	return len(args) > 0 && len(args[0]) == 4 && lower(args[0], new([16]byte)) == "quit"
}

// lower writes the ASCII lower case of b (at most 16 bytes) into buf and
// returns it as a string that aliases buf (no allocation): it is valid
// while buf is unchanged.
func lower(b []byte, buf *[16]byte) string {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return unsafe.String(&buf[0], len(b))
}

// Error replies shared by several commands (Redis's texts).
const (
	errSyntax     = "ERR syntax error"
	errNotInt     = "ERR value is not an integer or out of range"
	errOverflow   = "ERR increment or decrement would overflow"
	errTooLarge   = "ERR string exceeds maximum allowed size"
	errDBIndex    = "ERR DB index is out of range"
	errKeyTooLong = "ERR key too long"
	errUnknownSub = "ERR unknown subcommand or wrong number of arguments for '"
)

// Exec executes one command, args[0] being its name (any case) and the
// rest its arguments, and returns out with the RESP2 reply appended. Errors
// (unknown command, wrong number of arguments, bad values) are error
// replies with Redis's texts. args and its byte slices are only read, and
// not retained. An empty args appends nothing.
func (s *Store) Exec(args [][]byte, out []byte) []byte {
	if len(args) == 0 {
		return out
	}
	if len(args[0]) > 16 {
		return unknown(out, args)
	}
	var nb [16]byte
	name := args[0]
	switch lower(name, &nb) {
	case "get":
		if len(args) != 2 {
			return arity(out, "get")
		}
		return s.get(args[1], out)
	case "set":
		if len(args) < 3 {
			return arity(out, "set")
		}
		return s.set(args, out)
	case "ping":
		switch len(args) {
		case 1:
			return append(out, resp.Pong...)
		case 2:
			return resp.AppendBulk(out, args[1])
		}
		return arity(out, "ping")
	case "echo":
		if len(args) != 2 {
			return arity(out, "echo")
		}
		return resp.AppendBulk(out, args[1])
	case "del":
		if len(args) < 2 {
			return arity(out, "del")
		}
		return s.delExists(args[1:], true, out)
	case "exists":
		if len(args) < 2 {
			return arity(out, "exists")
		}
		return s.delExists(args[1:], false, out)
	case "incr", "decr":
		if len(args) != 2 {
			return arity(out, lower(name, &nb))
		}
		d := int64(1)
		if nb[0] == 'd' {
			d = -1
		}
		return s.incr(args[1], d, out)
	case "incrby", "decrby":
		if len(args) != 3 {
			return arity(out, lower(name, &nb))
		}
		d, ok := resp.ParseInt(args[2])
		if !ok {
			return resp.AppendError(out, errNotInt)
		}
		if nb[0] == 'd' {
			if d == math.MinInt64 {
				return resp.AppendError(out, "ERR decrement would overflow")
			}
			d = -d
		}
		return s.incr(args[1], d, out)
	case "mget":
		if len(args) < 2 {
			return arity(out, "mget")
		}
		return s.mget(args[1:], out)
	case "mset":
		if len(args) < 3 || len(args)%2 == 0 {
			return arity(out, "mset")
		}
		return s.mset(args[1:], out)
	case "expire", "pexpire":
		if len(args) < 3 {
			return arity(out, lower(name, &nb))
		}
		return s.expire(args, nb[0] == 'p', out)
	case "ttl", "pttl":
		if len(args) != 2 {
			return arity(out, lower(name, &nb))
		}
		return s.ttl(args[1], nb[0] == 'p', out)
	case "persist":
		if len(args) != 2 {
			return arity(out, "persist")
		}
		return s.persist(args[1], out)
	case "dbsize":
		if len(args) != 1 {
			return arity(out, "dbsize")
		}
		return resp.AppendInt(out, int64(s.Len()))
	case "flushall", "flushdb":
		if len(args) > 2 {
			return resp.AppendError(out, errSyntax)
		}
		s.Flush()
		return append(out, resp.OK...)
	case "select":
		if len(args) != 2 {
			return arity(out, "select")
		}
		if db, ok := resp.ParseInt(args[1]); !ok {
			return resp.AppendError(out, errNotInt)
		} else if db != 0 {
			return resp.AppendError(out, errDBIndex)
		}
		return append(out, resp.OK...)
	case "quit":
		return append(out, resp.OK...)
	case "command":
		return command(args, out)
	case "config":
		return config(args, out)
	}
	return unknown(out, args)
}

// arity appends Redis's wrong-number-of-arguments error for cmd.
func arity(out []byte, cmd string) []byte {
	return resp.AppendError(out, "ERR wrong number of arguments for '"+cmd+"' command")
}

// unknown appends Redis's unknown-command error.
func unknown(out []byte, args [][]byte) []byte {
	msg := make([]byte, 0, 64)
	msg = append(msg, "ERR unknown command '"...)
	msg = appendTrunc(msg, args[0], 128)
	msg = append(msg, "', with args beginning with: "...)
	for _, a := range args[1:] {
		if len(msg) > 256 {
			break
		}
		msg = append(msg, '\'')
		msg = appendTrunc(msg, a, 128)
		msg = append(msg, "' "...)
	}
	return resp.AppendError(out, string(msg))
}

func appendTrunc(dst, b []byte, n int) []byte {
	if len(b) > n {
		b = b[:n]
	}
	return append(dst, b...)
}

func (s *Store) get(key, out []byte) []byte {
	sh, h := s.locate(key)
	var now int64
	sh.mu.Lock()
	e, ok := s.lookup(sh, key, h, &now)
	if ok {
		out = resp.AppendBulk(out, e.value())
	} else {
		out = append(out, resp.Null...)
	}
	sh.mu.Unlock()
	return out
}

// set flags.
const (
	setNX = 1 << iota
	setXX
	setKeepTTL
	setGet
	setExpire // one of EX, PX, EXAT, PXAT
)

// set runs SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL].
func (s *Store) set(args [][]byte, out []byte) []byte {
	key, val := args[1], args[2]
	if len(val) > math.MaxUint32 {
		return resp.AppendError(out, errTooLarge)
	}
	if len(key) > MaxKeyLen {
		return resp.AppendError(out, errKeyTooLong)
	}
	flags := 0
	var deadline, now int64
	for i := 3; i < len(args); i++ {
		var nb [16]byte
		if len(args[i]) > 16 {
			return resp.AppendError(out, errSyntax)
		}
		opt := lower(args[i], &nb)
		switch opt {
		case "nx", "xx", "keepttl", "get":
			f := setGet
			switch opt {
			case "nx":
				f = setNX
			case "xx":
				f = setXX
			case "keepttl":
				f = setKeepTTL
			}
			if flags&f != 0 || f == setNX && flags&setXX != 0 || f == setXX && flags&setNX != 0 ||
				f == setKeepTTL && flags&setExpire != 0 {
				return resp.AppendError(out, errSyntax)
			}
			flags |= f
		case "ex", "px", "exat", "pxat":
			if flags&(setExpire|setKeepTTL) != 0 || i+1 == len(args) {
				return resp.AppendError(out, errSyntax)
			}
			i++
			v, ok := resp.ParseInt(args[i])
			if !ok {
				return resp.AppendError(out, errNotInt)
			}
			if v <= 0 {
				return resp.AppendError(out, "ERR invalid expire time in 'set' command")
			}
			if opt[0] == 'e' {
				if v > math.MaxInt64/1000 {
					return resp.AppendError(out, "ERR invalid expire time in 'set' command")
				}
				v *= 1000
			}
			if len(opt) == 2 { // relative
				now = s.now()
				var ok bool
				if v, ok = addDeadline(now, v); !ok {
					return resp.AppendError(out, "ERR invalid expire time in 'set' command")
				}
			}
			deadline = v
			flags |= setExpire
		default:
			return resp.AppendError(out, errSyntax)
		}
	}
	sh, h := s.locate(key)
	sh.mu.Lock()
	old, had := s.lookup(sh, key, h, &now)
	if flags&setGet != 0 {
		if had {
			out = resp.AppendBulk(out, old.value())
		} else {
			out = append(out, resp.Null...)
		}
	}
	if flags&setNX != 0 && had || flags&setXX != 0 && !had {
		sh.mu.Unlock()
		if flags&setGet != 0 {
			return out
		}
		return append(out, resp.Null...)
	}
	if deadline > 0 {
		if now == 0 {
			now = s.now()
		}
		if deadline <= now { // an absolute time in the past: the key is gone
			if had {
				remove(sh, key, h)
			}
			sh.mu.Unlock()
			if flags&setGet != 0 {
				return out
			}
			return append(out, resp.OK...)
		}
	}
	put(sh, key, val, h, deadline, flags&setKeepTTL != 0)
	sh.mu.Unlock()
	if flags&setGet != 0 {
		return out
	}
	return append(out, resp.OK...)
}

// delExists runs DEL (del) or EXISTS over keys and appends the count.
func (s *Store) delExists(keys [][]byte, del bool, out []byte) []byte {
	var n, now int64
	for _, key := range keys {
		sh, h := s.locate(key)
		sh.mu.Lock()
		if _, ok := s.lookup(sh, key, h, &now); ok {
			n++
			if del {
				remove(sh, key, h)
			}
		}
		sh.mu.Unlock()
	}
	return resp.AppendInt(out, n)
}

// incr adds d to the integer value of key (0 if missing), keeping its
// deadline, and appends the new value.
func (s *Store) incr(key []byte, d int64, out []byte) []byte {
	if len(key) > MaxKeyLen {
		return resp.AppendError(out, errKeyTooLong)
	}
	sh, h := s.locate(key)
	var now int64
	sh.mu.Lock()
	defer sh.mu.Unlock()
	old, had := s.lookup(sh, key, h, &now)
	var v int64
	if had {
		var ok bool
		if v, ok = resp.ParseInt(old.value()); !ok {
			return resp.AppendError(out, errNotInt)
		}
	}
	if d > 0 && v > math.MaxInt64-d || d < 0 && v < math.MinInt64-d {
		return resp.AppendError(out, errOverflow)
	}
	v += d
	var buf [20]byte
	put(sh, key, strconv.AppendInt(buf[:0], v, 10), h, 0, true)
	return resp.AppendInt(out, v)
}

// mget appends an array of the values of keys (null for missing ones),
// read atomically.
func (s *Store) mget(keys [][]byte, out []byte) []byte {
	out = resp.AppendArray(out, len(keys))
	var now int64
	set := s.lockKeys(keys, 1)
	for _, key := range keys {
		sh, h := s.locate(key)
		if e, ok := s.lookup(sh, key, h, &now); ok {
			out = resp.AppendBulk(out, e.value())
		} else {
			out = append(out, resp.Null...)
		}
	}
	s.unlock(set)
	return out
}

// mset stores the key-value pairs of kv atomically, clearing deadlines.
func (s *Store) mset(kv [][]byte, out []byte) []byte {
	for i := 0; i < len(kv); i += 2 {
		if len(kv[i]) > MaxKeyLen {
			return resp.AppendError(out, errKeyTooLong)
		}
		if len(kv[i+1]) > math.MaxUint32 {
			return resp.AppendError(out, errTooLarge)
		}
	}
	set := s.lockKeys(kv, 2)
	for i := 0; i < len(kv); i += 2 {
		sh, h := s.locate(kv[i])
		put(sh, kv[i], kv[i+1], h, 0, false)
	}
	s.unlock(set)
	return append(out, resp.OK...)
}

// expire runs EXPIRE key seconds / PEXPIRE key ms [NX|XX|GT|LT].
func (s *Store) expire(args [][]byte, ms bool, out []byte) []byte {
	key := args[1]
	d, ok := resp.ParseInt(args[2])
	if !ok {
		return resp.AppendError(out, errNotInt)
	}
	cmd := "expire"
	if ms {
		cmd = "pexpire"
	} else {
		if d > math.MaxInt64/1000 || d < math.MinInt64/1000 {
			return resp.AppendError(out, "ERR invalid expire time in '"+cmd+"' command")
		}
		d *= 1000
	}
	var nx, xx, gt, lt bool
	for _, a := range args[3:] {
		var nb [16]byte
		if len(a) > 16 {
			return resp.AppendError(out, "ERR Unsupported option "+string(a))
		}
		switch lower(a, &nb) {
		case "nx":
			nx = true
		case "xx":
			xx = true
		case "gt":
			gt = true
		case "lt":
			lt = true
		default:
			return resp.AppendError(out, "ERR Unsupported option "+string(a))
		}
	}
	if nx && (xx || gt || lt) || gt && lt {
		return resp.AppendError(out, "ERR NX and XX, GT or LT options at the same time are not compatible")
	}
	now := s.now()
	deadline, ok := addDeadline(now, d)
	if !ok {
		return resp.AppendError(out, "ERR invalid expire time in '"+cmd+"' command")
	}
	sh, h := s.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, had := s.lookup(sh, key, h, &now)
	if !had {
		return resp.AppendInt(out, 0)
	}
	cur := int64(math.MaxInt64) // no deadline counts as infinite for GT/LT
	if e.hasTTL() {
		cur = e.deadline()
	}
	if nx && e.hasTTL() || xx && !e.hasTTL() || gt && deadline <= cur || lt && deadline >= cur {
		return resp.AppendInt(out, 0)
	}
	if deadline <= now {
		remove(sh, key, h)
		return resp.AppendInt(out, 1)
	}
	put(sh, key, e.value(), h, deadline, false)
	return resp.AppendInt(out, 1)
}

// ttl runs TTL / PTTL: -2 for a missing key, -1 for a key without a
// deadline, else the time left (seconds rounded, or milliseconds).
func (s *Store) ttl(key []byte, ms bool, out []byte) []byte {
	sh, h := s.locate(key)
	now := s.now()
	sh.mu.Lock()
	e, had := s.lookup(sh, key, h, &now)
	var left int64
	switch {
	case !had:
		left = -2
	case !e.hasTTL():
		left = -1
	default:
		left = e.deadline() - now
		if !ms {
			left = (left + 500) / 1000
		}
	}
	sh.mu.Unlock()
	return resp.AppendInt(out, left)
}

// persist removes the deadline of key; it appends 1 if there was one.
func (s *Store) persist(key, out []byte) []byte {
	sh, h := s.locate(key)
	var now int64
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, had := s.lookup(sh, key, h, &now)
	if !had || !e.hasTTL() {
		return resp.AppendInt(out, 0)
	}
	put(sh, key, e.value(), h, 0, false)
	return resp.AppendInt(out, 1)
}

// command answers COMMAND minimally, enough for clients that ask at
// startup: COMMAND and COMMAND DOCS/INFO give an empty array, COMMAND
// COUNT the number of commands.
func command(args [][]byte, out []byte) []byte {
	if len(args) == 1 {
		return resp.AppendArray(out, 0)
	}
	var nb [16]byte
	if len(args[1]) <= 16 {
		switch lower(args[1], &nb) {
		case "docs", "info":
			return resp.AppendArray(out, 0)
		case "count":
			if len(args) == 2 {
				return resp.AppendInt(out, int64(len(Commands)))
			}
		}
	}
	return resp.AppendError(out, errUnknownSub+string(args[1])+"'")
}

// configValues are the settings CONFIG GET reports (redis-benchmark asks
// for "save" and "appendonly" at startup).
var configValues = [][2]string{{"save", ""}, {"appendonly", "no"}, {"databases", "1"}}

// config answers CONFIG GET name... with the settings of configValues
// whose name matches exactly (no glob patterns), and CONFIG RESETSTAT with
// OK; other subcommands are errors.
func config(args [][]byte, out []byte) []byte {
	if len(args) < 2 {
		return arity(out, "config")
	}
	var nb [16]byte
	sub := ""
	if len(args[1]) <= 16 {
		sub = lower(args[1], &nb)
	}
	switch sub {
	case "get":
		if len(args) < 3 {
			return arity(out, "config|get")
		}
		var found [][2]string
		for _, a := range args[2:] {
			for _, kv := range configValues {
				if len(a) <= 16 && lower(a, &nb) == kv[0] {
					found = append(found, kv)
				}
			}
		}
		out = resp.AppendArray(out, 2*len(found))
		for _, kv := range found {
			out = resp.AppendBulkString(out, kv[0])
			out = resp.AppendBulkString(out, kv[1])
		}
		return out
	case "resetstat":
		return append(out, resp.OK...)
	}
	return resp.AppendError(out, errUnknownSub+string(args[1])+"'")
}
