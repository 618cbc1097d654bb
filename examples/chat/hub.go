package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/asyncgo/asyncgo/rt"
	"github.com/asyncgo/asyncgo/rt/net"
	rtsync "github.com/asyncgo/asyncgo/rt/sync"
)

// This file is plain Go shared by both builds: the rooms, the clients'
// state and the command interpreter. Nothing here suspends: the hub's lock
// is held only for map updates and non-blocking TrySend calls.

const (
	// maxLine is the longest line a client may send.
	maxLine = 4096
	// maxNick is the longest nickname.
	maxNick = 32
	// lobby is the room a client starts in.
	lobby = "lobby"
)

// hub holds the rooms and their members.
type hub struct {
	queue int // capacity of each client's outgoing queue

	mu      sync.Mutex
	rooms   map[string]map[*client]struct{}
	nicks   map[string]*client
	clients int
	nextID  int
	// notices are the departure notices of clients dropped during a
	// broadcast, sent once it is over so that every member sees the
	// broadcast and the notice in the same order.
	notices  [][2]string // room, line
	flushing bool
}

func newHub(queue int) *hub {
	return &hub{queue: queue, rooms: map[string]map[*client]struct{}{}, nicks: map[string]*client{}}
}

// client is one connection. Its reader task interprets the lines it
// sends; its writer task writes what arrives in out.
type client struct {
	conn *net.TCPStream
	addr string
	// out is the bounded queue of lines for the writer task; broadcasts
	// use TrySend, and a client whose queue is full is disconnected.
	out *rtsync.Ring[[]byte]

	// Guarded by the hub's mu.
	nick string
	room string // "" once the client has left
	gone bool

	partial []byte // the start of a line not terminated yet (reader only)
}

// join registers a new connection, in the lobby, with a guest nickname.
func (h *hub) join(conn *net.TCPStream) *client {
	c := &client{conn: conn, addr: conn.RemoteAddr().String(), out: rtsync.NewRing[[]byte](h.queue)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients++
	for {
		h.nextID++
		c.nick = fmt.Sprintf("guest%d", h.nextID)
		if h.nicks[c.nick] == nil {
			break
		}
	}
	h.nicks[c.nick] = c
	h.sendLocked(c, fmt.Sprintf("* welcome %s; commands: /nick NAME, /join ROOM, /who, /quit", c.nick))
	h.enterLocked(c, lobby)
	return c
}

// enterLocked puts c into room and tells the room.
func (h *hub) enterLocked(c *client, room string) {
	m := h.rooms[room]
	if m == nil {
		m = map[*client]struct{}{}
		h.rooms[room] = m
	}
	m[c] = struct{}{}
	c.room = room
	h.broadcastLocked(room, nil, fmt.Sprintf("* %s joined #%s", c.nick, room))
}

// exitLocked takes c out of its room and tells the others why.
func (h *hub) exitLocked(c *client, why string) {
	room := c.room
	if room == "" {
		return
	}
	delete(h.rooms[room], c)
	if len(h.rooms[room]) == 0 {
		delete(h.rooms, room)
	}
	c.room = ""
	h.notices = append(h.notices, [2]string{room, fmt.Sprintf("* %s left #%s%s", c.nick, room, why)})
	h.flushLocked()
}

// flushLocked sends the queued departure notices, unless a broadcast is
// in progress (it will).
func (h *hub) flushLocked() {
	if h.flushing {
		return
	}
	h.flushing = true
	for len(h.notices) > 0 {
		n := h.notices[0]
		h.notices = h.notices[1:]
		h.broadcastLocked(n[0], nil, n[1])
	}
	h.notices = nil
	h.flushing = false
}

// sendLocked queues line for c; a full queue disconnects c.
func (h *hub) sendLocked(c *client, line string) {
	h.sendBytesLocked(c, append([]byte(line), '\n'))
}

func (h *hub) sendBytesLocked(c *client, msg []byte) {
	if c.gone {
		return
	}
	if err := c.out.TrySend(msg); err == rtsync.ErrFull {
		h.dropLocked(c, fmt.Sprintf("outgoing queue full (%d messages): not reading", h.queue))
	}
}

// broadcastLocked sends line to every member of room except skip. The
// lock orders broadcasts, so every member sees them in the same order.
func (h *hub) broadcastLocked(room string, skip *client, line string) {
	h.broadcastBytesLocked(room, skip, append([]byte(line), '\n'))
}

// broadcastBytesLocked sends msg (one or more lines, shared by all
// recipients, not to be modified) to every member of room except skip.
func (h *hub) broadcastBytesLocked(room string, skip *client, msg []byte) {
	outer := !h.flushing
	h.flushing = true
	for m := range h.rooms[room] {
		if m != skip {
			h.sendBytesLocked(m, msg)
		}
	}
	if outer {
		h.flushing = false
		h.flushLocked()
	}
}

// dropLocked disconnects a client that cannot keep up: it leaves its
// room, its queue is closed and its socket too, which ends both its tasks.
func (h *hub) dropLocked(c *client, reason string) {
	if c.gone {
		return
	}
	log.Printf("disconnecting %s (%s): %s", c.nick, c.addr, reason)
	h.leaveLocked(c, " (disconnected: too slow)")
	c.conn.Close()
}

// leaveLocked removes c from the hub and closes its queue (the writer
// task writes what is queued, then ends).
func (h *hub) leaveLocked(c *client, why string) {
	if c.gone {
		return
	}
	c.gone = true
	h.exitLocked(c, why)
	delete(h.nicks, c.nick)
	h.clients--
	c.out.Close()
}

// leave removes c after its reader ended.
func (h *hub) leave(c *client, why string) {
	h.mu.Lock()
	h.leaveLocked(c, why)
	h.mu.Unlock()
}

// input interprets the bytes c sent: complete lines are executed, the rest
// is kept for the next call. Consecutive chat lines are broadcast as one
// message, so that one read costs each member one queue slot, however
// many lines it held. It returns, when the client is done, why: " (quit)"
// or " (line too long)"; else "".
func (h *hub) input(c *client, data []byte) (done string) {
	var batch []byte // chat lines not broadcast yet (a pooled buffer)
	defer func() {
		if batch != nil {
			net.PutBuffer(batch)
		}
	}()
	for len(data) > 0 && done == "" {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if len(c.partial)+len(data) > maxLine {
				batch = h.flush(c, batch)
				h.reply(c, "* line too long")
				return " (line too long)"
			}
			c.partial = append(c.partial, data...)
			break
		}
		line := data[:i]
		data = data[i+1:]
		if len(c.partial) > 0 {
			c.partial = append(c.partial, line...)
			line = c.partial
		}
		if len(line) > maxLine {
			batch = h.flush(c, batch)
			h.reply(c, "* line too long")
			return " (line too long)"
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(bytes.TrimSpace(line)) == 0:
		case line[0] != '/':
			if batch == nil {
				batch = net.GetBuffer(2 * readSize)[:0]
			}
			batch = append(batch, '<')
			batch = append(batch, c.nick...) // only this reader changes c.nick
			batch = append(batch, "> "...)
			batch = append(batch, line...)
			batch = append(batch, '\n')
		default:
			batch = h.flush(c, batch)
			if h.command(c, string(line)) {
				done = " (quit)"
			}
		}
		c.partial = c.partial[:0]
	}
	batch = h.flush(c, batch)
	if len(c.partial) == 0 {
		c.partial = nil // an idle client keeps no line buffer
	}
	return done
}

// flush broadcasts the chat lines of batch to c's room and returns the
// emptied batch.
func (h *hub) flush(c *client, batch []byte) []byte {
	if len(batch) == 0 {
		return batch
	}
	msg := bytes.Clone(batch) // shared by the recipients; batch is reused
	h.mu.Lock()
	if c.room != "" && !c.gone {
		h.broadcastBytesLocked(c.room, c, msg)
	}
	h.mu.Unlock()
	return batch[:0]
}

func (h *hub) reply(c *client, line string) {
	h.mu.Lock()
	h.sendLocked(c, line)
	h.mu.Unlock()
}

// command executes one command line (starting with '/').
func (h *hub) command(c *client, line string) (quit bool) {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.gone {
		return true
	}
	switch cmd {
	case "/join":
		if !validName(arg) {
			h.sendLocked(c, "* usage: /join ROOM (1 to 32 characters, no spaces)")
			return false
		}
		arg = strings.TrimPrefix(arg, "#")
		if arg == c.room {
			h.sendLocked(c, "* already in #"+arg)
			return false
		}
		h.exitLocked(c, "")
		h.enterLocked(c, arg)
	case "/nick":
		if !validName(arg) {
			h.sendLocked(c, "* usage: /nick NAME (1 to 32 characters, no spaces)")
			return false
		}
		if other := h.nicks[arg]; other != nil {
			if other != c {
				h.sendLocked(c, "* nickname "+arg+" is taken")
			}
			return false
		}
		delete(h.nicks, c.nick)
		h.nicks[arg] = c
		old := c.nick
		c.nick = arg
		h.broadcastLocked(c.room, nil, fmt.Sprintf("* %s is now known as %s", old, arg))
	case "/who":
		var names []string
		for m := range h.rooms[c.room] {
			names = append(names, m.nick)
		}
		slices.Sort(names)
		h.sendLocked(c, fmt.Sprintf("* in #%s: %s", c.room, strings.Join(names, " ")))
	case "/quit":
		h.sendLocked(c, "* bye")
		return true
	case "/stats":
		h.sendLocked(c, fmt.Sprintf("* stats clients=%d rooms=%d tasks=%d goroutines=%d fds=%d",
			h.clients, len(h.rooms), rt.Stats().LiveTasks, runtime.NumGoroutine(), openFDs()))
	default:
		h.sendLocked(c, "* unknown command "+cmd+"; commands: /nick NAME, /join ROOM, /who, /quit")
	}
	return false
}

func validName(s string) bool {
	s = strings.TrimPrefix(s, "#")
	return s != "" && len(s) <= maxNick && !strings.ContainsAny(s, " \t\r\n")
}

// openFDs counts the process's open file descriptors (Linux), -1 if
// unknown.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory being read
}

// gather appends the lines already queued for c to buf, up to about
// writeBatch bytes.
func gather(c *client, buf []byte) []byte {
	for len(buf) < writeBatch {
		msg, err := c.out.TryRecv()
		if err != nil {
			break
		}
		buf = append(buf, msg...)
	}
	return buf
}

// isClosed reports whether err is the error of an operation on a closed
// socket (the listener closed at shutdown).
func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }
