package status

import (
	"context"
	"testing"
)

// BenchmarkCheckCached measures one status check against a cached, verified
// 131,072-entry list: the cost a status check adds to a credential verification.
func BenchmarkCheckCached(b *testing.B) {
	f := &memFetcher{}
	f.put(testURL, listCredential(b, testURL, "revocation", EncodeList(bitsWith(16384, 1, 99999)), nil))
	c := newTestChecker(f, nil)
	entries := []Entry{entry("revocation", 94567)}
	ctx := context.Background()
	if _, err := c.Check(ctx, entries); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(ctx, entries); err != nil {
			b.Fatal(err)
		}
	}
}

func sparseList() []byte {
	bits := make([]byte, MinEntries/8)
	for i := uint64(0); i < MinEntries; i += 977 { // about 134 set bits
		setStatusAt(bits, i, 1, 1)
	}
	return bits
}

// BenchmarkEncodeList compresses and encodes a 131,072-entry list with ~134 set bits.
func BenchmarkEncodeList(b *testing.B) {
	bits := sparseList()
	b.SetBytes(int64(len(bits)))
	for b.Loop() {
		EncodeList(bits)
	}
}

// BenchmarkDecodeList decodes and decompresses the same list.
func BenchmarkDecodeList(b *testing.B) {
	enc := EncodeList(sparseList())
	b.SetBytes(MinEntries / 8)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeList(enc, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocate measures a durable allocation (two fsyncs); it depends on the disk.
func BenchmarkAllocate(b *testing.B) {
	l := newTestList(b, ListOptions{})
	for b.Loop() {
		if _, err := l.Allocate(); err != nil {
			b.Fatal(err)
		}
	}
}
