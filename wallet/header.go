package wallet

import (
	"encoding/binary"
	"fmt"
)

// The file header lives unencrypted in the store (bucket "meta", key "header"):
//
//	magic     8  "PLTYWLT\x00"
//	version   1  1
//	kdf       1  1 = argon2id
//	time      4  big endian
//	memory    4  KiB, big endian
//	threads   1
//	salt     16
//	nonce    24  XChaCha20-Poly1305 nonce of the wrapped key
//	wrapped  48  data key (32) sealed with the Argon2id key, tag (16)
//
// The wrapped key is sealed with everything before the nonce as associated
// data, so the parameters cannot be changed without the passphrase noticing.
const (
	headerMagic   = "PLTYWLT\x00"
	headerVersion = 1
	headerPrefix  = 8 + 1 + 1 + 4 + 4 + 1 + saltSize
	headerSize    = headerPrefix + nonceSize + keySize + tagSize
)

type header struct {
	kdf     KDFParams
	salt    []byte // saltSize bytes
	wrapped []byte // nonce || sealed data key
}

// parseHeader decodes a header strictly. Structural damage reports ErrCorrupt,
// an unknown version ErrUnsupported. It does not check KDF cost caps.
func parseHeader(b []byte) (*header, error) {
	if len(b) < 9 || string(b[:8]) != headerMagic {
		return nil, fmt.Errorf("%w: not a wallet header", ErrCorrupt)
	}
	if b[8] != headerVersion {
		return nil, fmt.Errorf("%w: header version %d", ErrUnsupported, b[8])
	}
	if len(b) != headerSize {
		return nil, fmt.Errorf("%w: header length %d, want %d", ErrCorrupt, len(b), headerSize)
	}
	if b[9] != kdfArgon2id {
		return nil, fmt.Errorf("%w: key derivation %d", ErrUnsupported, b[9])
	}
	h := &header{
		kdf: KDFParams{
			Time:      binary.BigEndian.Uint32(b[10:14]),
			MemoryKiB: binary.BigEndian.Uint32(b[14:18]),
			Threads:   b[18],
		},
		salt:    append([]byte(nil), b[19:19+saltSize]...),
		wrapped: append([]byte(nil), b[headerPrefix:]...),
	}
	if h.kdf.Time == 0 || h.kdf.Threads == 0 || h.kdf.MemoryKiB < 8*uint32(h.kdf.Threads) {
		return nil, fmt.Errorf("%w: invalid argon2id parameters", ErrCorrupt)
	}
	return h, nil
}

// prefix returns the authenticated part of the header (before the wrapped key).
func (h *header) prefix() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, headerMagic...)
	b = append(b, headerVersion, kdfArgon2id)
	b = binary.BigEndian.AppendUint32(b, h.kdf.Time)
	b = binary.BigEndian.AppendUint32(b, h.kdf.MemoryKiB)
	b = append(b, h.kdf.Threads)
	return append(b, h.salt...)
}

func (h *header) marshal() []byte {
	return append(h.prefix(), h.wrapped...)
}

// newHeader wraps dataKey under a key derived from passphrase with fresh salt.
func newHeader(passphrase, dataKey []byte, p KDFParams) *header {
	h := &header{kdf: p, salt: randomBytes(saltSize)}
	kek := deriveKEK(passphrase, h.salt, p)
	defer clear(kek)
	h.wrapped = seal(kek, dataKey, h.prefix())
	return h
}

// unwrap derives the key-wrapping key and opens the data key. A failed open
// is ErrWrongPassphrase.
func (h *header) unwrap(passphrase []byte) ([]byte, error) {
	kek := deriveKEK(passphrase, h.salt, h.kdf)
	defer clear(kek)
	dk, ok := open(kek, h.wrapped, h.prefix())
	if !ok || len(dk) != keySize {
		clear(dk)
		return nil, ErrWrongPassphrase
	}
	return dk, nil
}
