package net

import (
	"math/bits"
	"sync"
	"unsafe"
)

// The shared buffer pool. Buffers come in size classes of powers of two
// from 512 B to 64 KiB, one sync.Pool per class (so per-P caches, and
// buffers unused for two GC cycles are released). A buffer is kept in its
// pool as a pointer to its first byte, so GetBuffer and PutBuffer never
// allocate once the pool is warm.

const (
	minBufferShift = 9  // 512 B
	maxBufferShift = 16 // 64 KiB
	numBufferClass = maxBufferShift - minBufferShift + 1
)

var bufferPools [numBufferClass]sync.Pool

// bufferClass returns the class index for a buffer of size bytes, or -1
// if size is larger than the largest class.
func bufferClass(size int) int {
	if size <= 1<<minBufferShift {
		return 0
	}
	shift := bits.Len(uint(size - 1)) // ceil(log2(size))
	if shift > maxBufferShift {
		return -1
	}
	return shift - minBufferShift
}

// GetBuffer returns a buffer of length size from the shared pool; its
// capacity is size rounded up to a power of two (at least 512 B). Sizes
// above 64 KiB are allocated and never pooled. The contents are
// unspecified. Give it back with PutBuffer when done.
func GetBuffer(size int) []byte {
	if size < 0 {
		panic("net: GetBuffer: negative size")
	}
	c := bufferClass(size)
	if c < 0 {
		return make([]byte, size)
	}
	if p, ok := bufferPools[c].Get().(unsafe.Pointer); ok {
		return unsafe.Slice((*byte)(p), 1<<(c+minBufferShift))[:size]
	}
	return make([]byte, size, 1<<(c+minBufferShift))
}

// PutBuffer returns a buffer obtained from GetBuffer (or any slice whose
// capacity is exactly one of the class sizes) to the pool. The caller
// must not use b, nor any slice sharing its array, afterwards. Other
// slices are ignored.
func PutBuffer(b []byte) {
	n := cap(b)
	if n < 1<<minBufferShift || n > 1<<maxBufferShift || n&(n-1) != 0 {
		return
	}
	bufferPools[bits.Len(uint(n))-1-minBufferShift].Put(unsafe.Pointer(unsafe.SliceData(b[:n])))
}
