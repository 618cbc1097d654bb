package store

import (
	"bytes"
	"hash/maphash"
	"unsafe"
)

// table is an open-addressing hash table with linear probing and
// backward-shift deletion (no tombstones), specialised for the keyspace:
// a slot is 16 bytes, a pointer to one allocation holding
//
//	[8-byte deadline, if the key has one] [key bytes] [value bytes]
//
// and the two lengths. A Go map[string]entry would cost a 16-byte string
// header per slot on top of the entry, and at 1M keys about twice the
// memory per key (see TestHeapPerKey).
type table struct {
	slots  []slot // len is 0 or a power of two
	count  int
	cursor int // where the active sweep continues
	seed   maphash.Seed
}

// slot is one table entry; p == nil marks a free slot (allocations are
// never empty).
type slot struct {
	p    *byte
	meta uint32 // bit 31: has a deadline; bits 24-30: hash tag; bits 0-23: key length
	vlen uint32
}

const (
	metaTTL    = 1 << 31
	metaTagSh  = 24
	metaTag    = 0x7f << metaTagSh
	metaKeyLen = 1<<24 - 1
	// MaxKeyLen is the longest key the store accepts.
	MaxKeyLen = metaKeyLen
	// minSlots is the size of a table's first slot array.
	minSlots = 16
)

func tagOf(h uint64) uint32 { return uint32(h>>51) & 0x7f << metaTagSh }

func (s slot) klen() int    { return int(s.meta & metaKeyLen) }
func (s slot) hasTTL() bool { return s.meta&metaTTL != 0 }
func (s slot) off() int {
	if s.hasTTL() {
		return 8
	}
	return 0
}

// key returns the key bytes of s.
func (s slot) key() []byte {
	if s.klen() == 0 {
		return nil // no pointer past the end of the allocation
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s.p), s.off())), s.klen())
}

// value returns the value bytes of s (aliasing the allocation).
func (s slot) value() []byte {
	if s.vlen == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s.p), s.off()+s.klen())), s.vlen)
}

// deadline returns the deadline of s (Unix ms); s must have one.
func (s slot) deadline() int64 { return *(*int64)(unsafe.Pointer(s.p)) }

// setDeadline overwrites the deadline of s, which must have one.
func (s slot) setDeadline(d int64) { *(*int64)(unsafe.Pointer(s.p)) = d }

// newSlot allocates the entry of key and val, with deadline d if d > 0.
func newSlot(key, val []byte, h uint64, d int64) slot {
	off := 0
	meta := uint32(len(key)) | tagOf(h)
	if d > 0 {
		off = 8
		meta |= metaTTL
	}
	n := off + len(key) + len(val)
	var b []byte
	if off == 8 {
		// An int64-typed allocation keeps the deadline aligned.
		w := make([]int64, (n+7)/8)
		w[0] = d
		b = unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), n)
	} else {
		b = make([]byte, max(n, 1))
	}
	copy(b[off:], key)
	copy(b[off+len(key):], val)
	return slot{p: &b[0], meta: meta, vlen: uint32(len(val))}
}

func (t *table) hash(key []byte) uint64 { return maphash.Bytes(t.seed, key) }

// find returns the index of key (hash h) and true, or the index of the
// free slot where it would go and false.
func (t *table) find(key []byte, h uint64) (int, bool) {
	if len(t.slots) == 0 {
		return -1, false
	}
	mask := len(t.slots) - 1
	want := uint32(len(key)) | tagOf(h)
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.p == nil {
			return i, false
		}
		if s.meta&^metaTTL == want && bytes.Equal(s.key(), key) {
			return i, true
		}
	}
}

// insert stores s, whose key (hash h) is not in the table.
func (t *table) insert(s slot, h uint64) {
	if (t.count+1)*4 > len(t.slots)*3 {
		t.resize(max(2*len(t.slots), minSlots))
	}
	mask := len(t.slots) - 1
	i := int(h) & mask
	for t.slots[i].p != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = s
	t.count++
}

func (t *table) resize(n int) {
	old := t.slots
	t.slots = make([]slot, n)
	mask := n - 1
	for _, s := range old {
		if s.p == nil {
			continue
		}
		i := int(t.hash(s.key())) & mask
		for t.slots[i].p != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// removeAt deletes the entry at i, shifting later entries of its probe
// run back so that no lookup passes a hole.
func (t *table) removeAt(i int) {
	mask := len(t.slots) - 1
	j := i
	for {
		j = (j + 1) & mask
		s := t.slots[j]
		if s.p == nil {
			break
		}
		home := int(t.hash(s.key())) & mask
		// The entry at j may move to the hole at i unless its home lies
		// cyclically in (i, j].
		if i <= j {
			if i < home && home <= j {
				continue
			}
		} else if i < home || home <= j {
			continue
		}
		t.slots[i] = s
		i = j
	}
	t.slots[i] = slot{}
	t.count--
	if t.count == 0 {
		t.slots, t.cursor = nil, 0
	} else if len(t.slots) > minSlots && t.count*8 < len(t.slots) {
		t.resize(len(t.slots) / 2)
	}
}
