package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/polity-id/polity/internal/multi"
)

// Sizes of status lists.
const (
	// MinEntries is the minimum number of entries of a list (131,072, 16 KiB of
	// one-bit statuses): smaller lists give holders too little herd privacy.
	MinEntries = 131072
	// MaxStatusSize is the largest statusSize read or written, in bits. A status of
	// n bits needs 2^n status messages, so larger sizes are refused.
	MaxStatusSize = 8
	// DefaultMaxEncodedBytes caps the length of an encodedList string.
	DefaultMaxEncodedBytes = 1 << 20
	// DefaultMaxDecodedBytes caps the decompressed bitstring (4 MiB: 32 million
	// one-bit entries).
	DefaultMaxDecodedBytes = 4 << 20
)

// Limits caps the decoding of an encodedList. The zero value means the defaults.
type Limits struct {
	// MaxEncodedBytes caps the encodedList string (compressed and base64url encoded).
	// 0 means DefaultMaxEncodedBytes.
	MaxEncodedBytes int
	// MaxDecodedBytes caps the decompressed bitstring. 0 means DefaultMaxDecodedBytes.
	MaxDecodedBytes int
}

func (l Limits) encoded() int {
	if l.MaxEncodedBytes <= 0 {
		return DefaultMaxEncodedBytes
	}
	return l.MaxEncodedBytes
}

func (l Limits) decoded() int {
	if l.MaxDecodedBytes <= 0 {
		return DefaultMaxDecodedBytes
	}
	return l.MaxDecodedBytes
}

// EncodeList returns the encodedList form of a bitstring: GZIP (RFC 1952) compressed,
// then multibase base64url without padding ('u' prefix). Index 0 is the most
// significant bit of bits[0].
func EncodeList(bits []byte) string {
	return encodeList(bits, &gzipDefault)
}

// GZIP writers are large to allocate; they are reused.
var (
	gzipDefault = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
	gzipFast    = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}
)

func encodeList(bits []byte, pool *sync.Pool) string {
	var buf bytes.Buffer
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(bits) // writes to a bytes.Buffer do not fail
	zw.Close()
	zw.Reset(nil)
	pool.Put(zw)
	return multi.EncodeBase64URL(buf.Bytes())
}

// DecodeList expands an encodedList (multibase base64url 'u' of a GZIP stream) into the
// bitstring, within lim. An encoded string or a decompressed bitstring over its cap
// gives [ErrListTooLarge] without decompressing more than the cap; any other defect
// (another multibase prefix, bad base64url, not GZIP, a bad checksum, trailing data)
// gives [ErrMalformed]. It does not check the minimum length: see [CheckLength].
func DecodeList(encoded string, lim Limits) ([]byte, error) {
	if len(encoded) > lim.encoded() {
		return nil, fmt.Errorf("%w: encodedList of %d bytes over %d", ErrListTooLarge, len(encoded), lim.encoded())
	}
	gz, err := multi.DecodeBase64URL(encoded, lim.encoded())
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList: %w", ErrMalformed, err)
	}
	return gunzip(gz, lim.decoded())
}

// decodeList2021 reads a StatusList2021 encodedList, which is base64url (or, in some
// deployments, base64) of the GZIP stream without a multibase prefix; a multibase 'u'
// form is read too. A GZIP stream always starts with "H4s" in base64, so the two forms
// cannot be confused.
func decodeList2021(encoded string, lim Limits) ([]byte, error) {
	if strings.HasPrefix(encoded, "u") {
		return DecodeList(encoded, lim)
	}
	if len(encoded) > lim.encoded() {
		return nil, fmt.Errorf("%w: encodedList of %d bytes over %d", ErrListTooLarge, len(encoded), lim.encoded())
	}
	var gz []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if gz, err = enc.Strict().DecodeString(encoded); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList: not base64", ErrMalformed)
	}
	return gunzip(gz, lim.decoded())
}

// gunzip decompresses one GZIP member (no trailing data), reading at most max+1 bytes
// of output.
func gunzip(gz []byte, max int) ([]byte, error) {
	br := bytes.NewReader(gz)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: encodedList: not GZIP: %v", ErrMalformed, err)
	}
	zr.Multistream(false)
	// The GZIP trailer states the size modulo 2^32; it is only a hint for the buffer.
	n := 0
	if len(gz) >= 4 {
		n = int(uint32(gz[len(gz)-4]) | uint32(gz[len(gz)-3])<<8 | uint32(gz[len(gz)-2])<<16 | uint32(gz[len(gz)-1])<<24)
	}
	if n <= 0 || n > max {
		n = 512
	}
	buf := bytes.NewBuffer(make([]byte, 0, n+1))
	if _, err := buf.ReadFrom(io.LimitReader(zr, int64(max)+1)); err != nil {
		return nil, fmt.Errorf("%w: encodedList: GZIP: %v", ErrMalformed, err)
	}
	if buf.Len() > max {
		return nil, fmt.Errorf("%w: decompressed list over %d bytes", ErrListTooLarge, max)
	}
	// Multistream(false) stops after one member; anything after it is refused so that
	// a list has exactly one encoding of its meaning.
	var one [1]byte
	if k, err := zr.Read(one[:]); k != 0 || !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: encodedList: data after the GZIP stream", ErrMalformed)
	}
	if br.Len() != 0 {
		return nil, fmt.Errorf("%w: encodedList: data after the GZIP stream", ErrMalformed)
	}
	return buf.Bytes(), nil
}

// CheckLength reports whether a bitstring of n bytes holds a whole number of
// statusSize-bit entries, at least minEntries of them (minEntries <= 0 means
// [MinEntries]). Failures give [ErrListTooShort]; a statusSize outside 1..MaxStatusSize
// gives [ErrMalformed].
func CheckLength(n, statusSize, minEntries int) error {
	if statusSize < 1 || statusSize > MaxStatusSize {
		return fmt.Errorf("%w: statusSize %d not in 1..%d", ErrMalformed, statusSize, MaxStatusSize)
	}
	if minEntries <= 0 {
		minEntries = MinEntries
	}
	bits := n * 8
	if bits%statusSize != 0 {
		return fmt.Errorf("%w: %d bits is not a whole number of %d-bit entries", ErrListTooShort, bits, statusSize)
	}
	if bits/statusSize < minEntries {
		return fmt.Errorf("%w: %d entries, fewer than %d", ErrListTooShort, bits/statusSize, minEntries)
	}
	return nil
}

// statusAt returns the statusSize-bit value of entry index in bits (index 0 is the
// most significant bit of bits[0]), or ErrRange.
func statusAt(bits []byte, index uint64, statusSize int) (uint64, error) {
	total := uint64(len(bits)) * 8
	size := uint64(statusSize)
	if index >= total/size {
		return 0, fmt.Errorf("%w: index %d, list has %d entries", ErrRange, index, total/size)
	}
	pos := index * size
	if size == 1 { // the common case
		return uint64(bits[pos>>3]>>(7-pos&7)) & 1, nil
	}
	var v uint64
	for i := uint64(0); i < size; i++ {
		p := pos + i
		v = v<<1 | uint64(bits[p>>3]>>(7-p&7))&1
	}
	return v, nil
}

// setStatusAt writes the statusSize-bit value v at entry index (caller checks bounds).
func setStatusAt(bits []byte, index uint64, statusSize int, v uint64) {
	size := uint64(statusSize)
	pos := index * size
	for i := uint64(0); i < size; i++ {
		p := pos + i
		bit := byte(v>>(size-1-i)) & 1
		mask := byte(0x80) >> (p & 7)
		if bit == 1 {
			bits[p>>3] |= mask
		} else {
			bits[p>>3] &^= mask
		}
	}
}
