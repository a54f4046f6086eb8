package wallet

import (
	"crypto/rand"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Default Argon2id cost, used when a KDFParams field is zero. About a quarter
// of a second and 64 MiB on a laptop core; tune down for small hardware with
// Options.KDF, which is recorded in the file so it opens anywhere.
const (
	DefaultKDFTime      = 3
	DefaultKDFMemoryKiB = 64 * 1024
	DefaultKDFThreads   = 2

	// DefaultMaxKDFMemoryKiB caps the memory a file header may ask for (1 GiB)
	// when Options.MaxKDFMemoryKiB is zero, so a hostile file cannot exhaust RAM.
	DefaultMaxKDFMemoryKiB = 1 << 20
	// MaxKDFTime caps the Argon2id passes a header may ask for.
	MaxKDFTime = 64
)

const (
	kdfArgon2id = 1
	saltSize    = 16
	keySize     = chacha20poly1305.KeySize    // 32
	nonceSize   = chacha20poly1305.NonceSizeX // 24
	tagSize     = chacha20poly1305.Overhead   // 16
)

// KDFParams is the Argon2id cost (RFC 9106) used to derive the key-wrapping
// key from a passphrase. Zero fields take the Default values.
type KDFParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
}

func (p KDFParams) withDefaults() KDFParams {
	if p.Time == 0 {
		p.Time = DefaultKDFTime
	}
	if p.MemoryKiB == 0 {
		p.MemoryKiB = DefaultKDFMemoryKiB
	}
	if p.Threads == 0 {
		p.Threads = DefaultKDFThreads
	}
	return p
}

// String describes the cost, e.g. "argon2id t=3 m=65536KiB p=2".
func (p KDFParams) String() string {
	return fmt.Sprintf("argon2id t=%d m=%dKiB p=%d", p.Time, p.MemoryKiB, p.Threads)
}

// check validates parameters read from a file against the caps.
func (p KDFParams) check(maxMemKiB uint32) error {
	if p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) {
		return fmt.Errorf("%w: invalid argon2id parameters", ErrCorrupt)
	}
	if p.Time > MaxKDFTime {
		return &LimitError{What: "argon2id passes", Limit: MaxKDFTime, Got: int64(p.Time)}
	}
	if p.MemoryKiB > maxMemKiB {
		return &LimitError{What: "argon2id memory KiB", Limit: int64(maxMemKiB), Got: int64(p.MemoryKiB)}
	}
	return nil
}

// deriveKEK runs Argon2id. The passphrase is secret; the result is owned by the caller.
func deriveKEK(passphrase, salt []byte, p KDFParams) []byte {
	return argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, keySize)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("wallet: crypto/rand failed: " + err.Error()) // rand.Read never fails on supported platforms
	}
	return b
}

// seal encrypts plaintext with key under a fresh random nonce: nonce || ciphertext.
func seal(key, plaintext, ad []byte) []byte {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic("wallet: bad key length") // keys are always keySize bytes
	}
	nonce := randomBytes(nonceSize)
	out := make([]byte, nonceSize, nonceSize+len(plaintext)+tagSize)
	copy(out, nonce)
	return aead.Seal(out, nonce, plaintext, ad)
}

// open reverses seal. It returns ok=false, and no plaintext, on any failure.
func open(key, sealed, ad []byte) ([]byte, bool) {
	if len(sealed) < nonceSize+tagSize {
		return nil, false
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, false
	}
	pt, err := aead.Open(nil, sealed[:nonceSize], sealed[nonceSize:], ad)
	if err != nil {
		return nil, false
	}
	return pt, true
}
