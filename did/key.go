package did

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// KeyType names a supported key type. The values are the JWK "crv" names.
type KeyType string

// Supported key types.
const (
	KeyEd25519   KeyType = "Ed25519"   // EdDSA signatures (RFC 8032)
	KeyP256      KeyType = "P-256"     // ECDSA with SHA-256 (ES256)
	KeyP384      KeyType = "P-384"     // ECDSA with SHA-384 (ES384)
	KeySecp256k1 KeyType = "secp256k1" // ECDSA with SHA-256 (ES256K)
	KeyX25519    KeyType = "X25519"    // key agreement only (RFC 7748)
)

// KeyTypes lists the supported key types in a stable order.
func KeyTypes() []KeyType {
	return []KeyType{KeyEd25519, KeyP256, KeyP384, KeySecp256k1, KeyX25519}
}

// ParseKeyType maps a key type name, case-insensitively and with or without the dash
// ("ed25519", "p256", "P-256", "secp256k1", "x25519"), to a KeyType.
func ParseKeyType(s string) (KeyType, error) {
	switch s {
	case "Ed25519", "ed25519", "ED25519":
		return KeyEd25519, nil
	case "P-256", "p-256", "p256", "P256":
		return KeyP256, nil
	case "P-384", "p-384", "p384", "P384":
		return KeyP384, nil
	case "secp256k1", "SECP256K1", "Secp256k1":
		return KeySecp256k1, nil
	case "X25519", "x25519":
		return KeyX25519, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnsupportedKeyType, truncate(s, 32))
}

// publicSize is the length of Bytes() for each type (EC keys compressed).
func (t KeyType) publicSize() int {
	switch t {
	case KeyEd25519, KeyX25519:
		return 32
	case KeyP256, KeySecp256k1:
		return 33
	case KeyP384:
		return 49
	}
	return 0
}

// privateSize is the length of the private scalar or seed.
func (t KeyType) privateSize() int {
	switch t {
	case KeyEd25519, KeyX25519, KeyP256, KeySecp256k1:
		return 32
	case KeyP384:
		return 48
	}
	return 0
}

// SignatureSize is the length of signatures made with keys of this type (0 for X25519).
func (t KeyType) SignatureSize() int {
	switch t {
	case KeyEd25519, KeyP256, KeySecp256k1:
		return 64
	case KeyP384:
		return 96
	}
	return 0
}

// Algorithm returns the JOSE "alg" for signatures with this key type, or "" for X25519.
func (t KeyType) Algorithm() string {
	switch t {
	case KeyEd25519:
		return "EdDSA"
	case KeyP256:
		return "ES256"
	case KeyP384:
		return "ES384"
	case KeySecp256k1:
		return "ES256K"
	}
	return ""
}

func (t KeyType) valid() bool { return t.publicSize() != 0 }

func (t KeyType) curve() elliptic.Curve {
	switch t {
	case KeyP256:
		return elliptic.P256()
	case KeyP384:
		return elliptic.P384()
	}
	return nil
}

// hash returns the message digest used by ECDSA for the type.
func (t KeyType) hash(msg []byte) []byte {
	if t == KeyP384 {
		h := sha512.Sum384(msg)
		return h[:]
	}
	h := sha256.Sum256(msg)
	return h[:]
}

// PublicKey is an immutable public key of one of the supported [KeyType]s.
// Build one with [NewPublicKey], [ParseMultikey], [ParsePublicJWK] or
// [PrivateKey.Public]. The zero value is not usable.
type PublicKey struct {
	typ KeyType
	raw []byte // Ed25519/X25519 32 bytes; EC compressed SEC1
	ed  ed25519.PublicKey
	ec  *ecdsa.PublicKey
	k1  *secp256k1.PublicKey
	x   *ecdh.PublicKey
}

// NewPublicKey builds a public key from its raw bytes: 32 bytes for Ed25519 and X25519,
// SEC1 compressed (33/49 bytes) or uncompressed (65/97 bytes) points for the EC types.
// Invalid encodings and points not on the curve give [ErrInvalidKey]; an unknown type
// gives [ErrUnsupportedKeyType]. Parsed keys are cached, so parsing a key seen
// recently is cheap; the result may be shared with other callers, which is safe since
// a PublicKey never changes.
func NewPublicKey(t KeyType, raw []byte) (*PublicKey, error) {
	if t == KeyX25519 || len(raw) > maxRawPublicKey {
		return newPublicKey(t, raw) // X25519 keys need no checks; oversize ones are invalid
	}
	if k := cachedKeyBytes(encRaw, t, raw); k != nil {
		return k, nil
	}
	k, err := newPublicKey(t, raw)
	if err == nil {
		cacheKey(keyCacheKey{enc: encRaw, typ: t, a: string(raw)}, k)
	}
	return k, err
}

// maxRawPublicKey is the longest raw public key NewPublicKey accepts (uncompressed P-384).
const maxRawPublicKey = 97

func newPublicKey(t KeyType, raw []byte) (*PublicKey, error) {
	switch t {
	case KeyEd25519:
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 public key is %d bytes, want 32", ErrInvalidKey, len(raw))
		}
		if !ed25519OnCurve(raw) {
			return nil, fmt.Errorf("%w: Ed25519 public key is not a curve point", ErrInvalidKey)
		}
		b := append([]byte(nil), raw...)
		return &PublicKey{typ: t, raw: b, ed: ed25519.PublicKey(b)}, nil
	case KeyX25519:
		x, err := ecdh.X25519().NewPublicKey(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: X25519 public key is %d bytes, want 32", ErrInvalidKey, len(raw))
		}
		return &PublicKey{typ: t, raw: append([]byte(nil), raw...), x: x}, nil
	case KeyP256, KeyP384:
		return newNISTPublic(t, raw)
	case KeySecp256k1:
		if len(raw) != 33 && len(raw) != 65 {
			return nil, fmt.Errorf("%w: secp256k1 public key is %d bytes, want 33 or 65", ErrInvalidKey, len(raw))
		}
		k, err := secp256k1.ParsePubKey(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: secp256k1 public key: not a valid curve point", ErrInvalidKey)
		}
		return &PublicKey{typ: t, raw: k.SerializeCompressed(), k1: k}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedKeyType, truncate(string(t), 32))
}

func newNISTPublic(t KeyType, raw []byte) (*PublicKey, error) {
	curve := t.curve()
	size := t.privateSize()
	var uncompressed []byte
	switch {
	case len(raw) == 1+size && (raw[0] == 2 || raw[0] == 3):
		x, y := elliptic.UnmarshalCompressed(curve, raw)
		if x == nil {
			return nil, fmt.Errorf("%w: %s public key: not a valid curve point", ErrInvalidKey, t)
		}
		uncompressed = make([]byte, 1+2*size)
		uncompressed[0] = 4
		x.FillBytes(uncompressed[1 : 1+size])
		y.FillBytes(uncompressed[1+size:])
	case len(raw) == 1+2*size && raw[0] == 4:
		uncompressed = raw
	default:
		return nil, fmt.Errorf("%w: %s public key is %d bytes, want %d (compressed) or %d", ErrInvalidKey, t, len(raw), 1+size, 1+2*size)
	}
	k, err := ecdsa.ParseUncompressedPublicKey(curve, uncompressed)
	if err != nil {
		return nil, fmt.Errorf("%w: %s public key: not a valid curve point", ErrInvalidKey, t)
	}
	return &PublicKey{typ: t, raw: compress(uncompressed, size), ec: k}, nil
}

func compress(uncompressed []byte, size int) []byte {
	out := make([]byte, 1+size)
	out[0] = 2 | uncompressed[len(uncompressed)-1]&1
	copy(out[1:], uncompressed[1:1+size])
	return out
}

// Type returns the key type.
func (k *PublicKey) Type() KeyType { return k.typ }

// Bytes returns a copy of the raw public key: 32 bytes for Ed25519 and X25519, the SEC1
// compressed point for the EC types.
func (k *PublicKey) Bytes() []byte { return append([]byte(nil), k.raw...) }

// UncompressedBytes returns the SEC1 uncompressed point (0x04||X||Y) for the EC types and
// the same as Bytes for Ed25519 and X25519.
func (k *PublicKey) UncompressedBytes() []byte {
	switch {
	case k.ec != nil:
		b, _ := k.ec.Bytes()
		return b
	case k.k1 != nil:
		return k.k1.SerializeUncompressed()
	}
	return k.Bytes()
}

// Algorithm returns the JOSE "alg" (EdDSA, ES256, ES384, ES256K), or "" for X25519.
func (k *PublicKey) Algorithm() string { return k.typ.Algorithm() }

// CryptoPublicKey returns the standard-library or secp256k1 form of the key:
// ed25519.PublicKey, *ecdsa.PublicKey (P-256, P-384), *secp256k1.PublicKey or
// *ecdh.PublicKey (X25519). The result is a fresh copy (*ecdh.PublicKey is immutable),
// so changing it does not change k.
func (k *PublicKey) CryptoPublicKey() crypto.PublicKey {
	switch k.typ {
	case KeyEd25519:
		return ed25519.PublicKey(bytes.Clone(k.ed))
	case KeyP256, KeyP384:
		return &ecdsa.PublicKey{Curve: k.ec.Curve, X: new(big.Int).Set(k.ec.X), Y: new(big.Int).Set(k.ec.Y)}
	case KeySecp256k1:
		c := *k.k1
		return &c
	case KeyX25519:
		return k.x
	}
	return nil
}

// Equal reports whether k and o are the same key. It is safe to call on nil keys.
func (k *PublicKey) Equal(o *PublicKey) bool {
	if k == nil || o == nil {
		return k == o
	}
	return k.typ == o.typ && subtle.ConstantTimeCompare(k.raw, o.raw) == 1
}

// String returns the key type and Multikey form, for logs.
func (k *PublicKey) String() string {
	if k == nil {
		return "<nil>"
	}
	return string(k.typ) + ":" + k.Multikey()
}

// Verify checks sig over msg. Ed25519 signatures are 64 bytes over msg itself; ECDSA
// signatures are r||s big-endian, each padded to the field size (IEEE P1363: 64 bytes for
// P-256 and secp256k1, 96 for P-384) over SHA-256(msg), or SHA-384(msg) for P-384. High-S
// ECDSA signatures are accepted. A signature that does not verify gives
// [ErrInvalidSignature]; an X25519 key gives [ErrUnsupportedKeyType].
func (k *PublicKey) Verify(msg, sig []byte) error {
	size := k.typ.SignatureSize()
	if size == 0 {
		return fmt.Errorf("%w: %s keys cannot verify signatures", ErrUnsupportedKeyType, k.typ)
	}
	if len(sig) != size {
		return fmt.Errorf("%w: %s signature is %d bytes, want %d", ErrInvalidSignature, k.typ, len(sig), size)
	}
	ok := false
	switch k.typ {
	case KeyEd25519:
		ok = ed25519.Verify(k.ed, msg, sig)
	case KeyP256:
		h := sha256.Sum256(msg)
		ok = verifyP1363(k.ec, h[:], sig)
	case KeyP384:
		h := sha512.Sum384(msg)
		ok = verifyP1363(k.ec, h[:], sig)
	case KeySecp256k1:
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
			break
		}
		h := sha256.Sum256(msg)
		ok = k1ecdsa.NewSignature(&r, &s).Verify(h[:], k.k1)
	}
	if !ok {
		return fmt.Errorf("%w: %s signature does not verify", ErrInvalidSignature, k.typ)
	}
	return nil
}

// verifyP1363 checks an r||s ECDSA signature (each half the size of the curve order) by
// re-encoding it as the ASN.1 DER that ecdsa.VerifyASN1 reads, on the stack: cheaper
// than building the two big.Ints ecdsa.Verify takes (which encodes them to DER too).
// r = 0 or s = 0 never verifies.
func verifyP1363(pub *ecdsa.PublicKey, hash, sig []byte) bool {
	var buf [p1363MaxDER]byte
	der, ok := p1363ToDER(buf[:0], sig)
	return ok && ecdsa.VerifyASN1(pub, hash, der)
}

// p1363MaxDER is the longest DER p1363ToDER writes: a SEQUENCE of two INTEGERs of up
// to 48 bytes, each with a 0x00 pad.
const p1363MaxDER = 2 + 2*(2+1+48)

// p1363ToDER appends the DER ECDSA-Sig-Value (RFC 3279 §2.2.3) of the r||s signature
// sig to dst. ok is false when a half is longer than 48 bytes or zero.
func p1363ToDER(dst, sig []byte) (der []byte, ok bool) {
	half := len(sig) / 2
	if half > 48 {
		return nil, false
	}
	start := len(dst)
	der = append(dst, 0x30, 0)
	for _, n := range [2][]byte{sig[:half], sig[half:]} {
		for len(n) > 0 && n[0] == 0 {
			n = n[1:]
		}
		if len(n) == 0 {
			return nil, false
		}
		pad := int(n[0] >> 7) // a set top bit would read as negative
		der = append(der, 0x02, byte(pad+len(n)))
		if pad == 1 {
			der = append(der, 0)
		}
		der = append(der, n...)
	}
	der[start+1] = byte(len(der) - start - 2) // at most 102: short-form length
	return der, true
}

// PrivateKey is a private key of one of the supported [KeyType]s. Its String method and
// the errors of this package never include secret material.
type PrivateKey struct {
	pub *PublicKey
	ed  ed25519.PrivateKey
	ec  *ecdsa.PrivateKey
	k1  *secp256k1.PrivateKey
	x   *ecdh.PrivateKey
}

// GenerateKey makes a new random key of type t from crypto/rand.
func GenerateKey(t KeyType) (*PrivateKey, error) {
	switch t {
	case KeyEd25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		return newEd25519Private(priv), nil
	case KeyP256, KeyP384:
		priv, err := ecdsa.GenerateKey(t.curve(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return newNISTPrivate(t, priv)
	case KeySecp256k1:
		priv, err := secp256k1.GeneratePrivateKey()
		if err != nil {
			return nil, err
		}
		return newK1Private(priv), nil
	case KeyX25519:
		priv, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		return newX25519Private(priv), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedKeyType, truncate(string(t), 32))
}

// NewPrivateKey builds a private key from its raw secret: the 32-byte seed for Ed25519,
// the 32-byte scalar for X25519, and the big-endian scalar (32 or 48 bytes) for the EC
// types. The input is secret; it is copied and never included in errors.
func NewPrivateKey(t KeyType, secret []byte) (*PrivateKey, error) {
	if !t.valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedKeyType, truncate(string(t), 32))
	}
	if len(secret) != t.privateSize() {
		return nil, fmt.Errorf("%w: %s private key is %d bytes, want %d", ErrInvalidKey, t, len(secret), t.privateSize())
	}
	switch t {
	case KeyEd25519:
		return newEd25519Private(ed25519.NewKeyFromSeed(secret)), nil
	case KeyX25519:
		priv, err := ecdh.X25519().NewPrivateKey(secret)
		if err != nil {
			return nil, fmt.Errorf("%w: X25519 private key", ErrInvalidKey)
		}
		return newX25519Private(priv), nil
	case KeyP256, KeyP384:
		priv, err := ecdsa.ParseRawPrivateKey(t.curve(), secret)
		if err != nil {
			return nil, fmt.Errorf("%w: %s private scalar out of range", ErrInvalidKey, t)
		}
		return newNISTPrivate(t, priv)
	case KeySecp256k1:
		var s secp256k1.ModNScalar
		if s.SetByteSlice(secret) || s.IsZero() {
			return nil, fmt.Errorf("%w: secp256k1 private scalar out of range", ErrInvalidKey)
		}
		return newK1Private(secp256k1.NewPrivateKey(&s)), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedKeyType, t)
}

func newEd25519Private(priv ed25519.PrivateKey) *PrivateKey {
	pub := append([]byte(nil), priv[32:]...)
	return &PrivateKey{pub: &PublicKey{typ: KeyEd25519, raw: pub, ed: ed25519.PublicKey(pub)}, ed: priv}
}

func newNISTPrivate(t KeyType, priv *ecdsa.PrivateKey) (*PrivateKey, error) {
	b, err := priv.PublicKey.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %s public key", ErrInvalidKey, t)
	}
	pk := &PublicKey{typ: t, raw: compress(b, t.privateSize()), ec: &priv.PublicKey}
	return &PrivateKey{pub: pk, ec: priv}, nil
}

func newK1Private(priv *secp256k1.PrivateKey) *PrivateKey {
	pub := priv.PubKey()
	return &PrivateKey{pub: &PublicKey{typ: KeySecp256k1, raw: pub.SerializeCompressed(), k1: pub}, k1: priv}
}

func newX25519Private(priv *ecdh.PrivateKey) *PrivateKey {
	pub := priv.PublicKey()
	return &PrivateKey{pub: &PublicKey{typ: KeyX25519, raw: pub.Bytes(), x: pub}, x: priv}
}

// Type returns the key type.
func (k *PrivateKey) Type() KeyType { return k.pub.typ }

// Public returns the public key.
func (k *PrivateKey) Public() *PublicKey { return k.pub }

// String names the key type and public key only.
func (k *PrivateKey) String() string {
	if k == nil {
		return "<nil>"
	}
	return "private " + k.pub.String()
}

// Bytes returns a copy of the raw secret (see [NewPrivateKey]). The result is secret.
func (k *PrivateKey) Bytes() []byte {
	switch k.pub.typ {
	case KeyEd25519:
		return append([]byte(nil), k.ed.Seed()...)
	case KeyP256, KeyP384:
		b, _ := k.ec.Bytes()
		return b
	case KeySecp256k1:
		return k.k1.Serialize()
	case KeyX25519:
		return k.x.Bytes()
	}
	return nil
}

// CryptoPrivateKey returns ed25519.PrivateKey, *ecdsa.PrivateKey, *secp256k1.PrivateKey or
// *ecdh.PrivateKey. The caller must not modify it.
func (k *PrivateKey) CryptoPrivateKey() crypto.PrivateKey {
	switch k.pub.typ {
	case KeyEd25519:
		return k.ed
	case KeyP256, KeyP384:
		return k.ec
	case KeySecp256k1:
		return k.k1
	case KeyX25519:
		return k.x
	}
	return nil
}

// Sign signs msg in the format [PublicKey.Verify] checks. secp256k1 signatures are
// deterministic (RFC 6979) and low-S; P-256 and P-384 signatures are randomized.
// X25519 keys give [ErrUnsupportedKeyType].
func (k *PrivateKey) Sign(msg []byte) ([]byte, error) {
	t := k.pub.typ
	switch t {
	case KeyEd25519:
		return ed25519.Sign(k.ed, msg), nil
	case KeyP256, KeyP384:
		r, s, err := ecdsa.Sign(rand.Reader, k.ec, t.hash(msg))
		if err != nil {
			return nil, fmt.Errorf("did: %s signing failed: %w", t, err)
		}
		half := t.SignatureSize() / 2
		sig := make([]byte, 2*half)
		r.FillBytes(sig[:half])
		s.FillBytes(sig[half:])
		return sig, nil
	case KeySecp256k1:
		sig := k1ecdsa.Sign(k.k1, t.hash(msg))
		r, s := sig.R(), sig.S()
		out := make([]byte, 64)
		r.PutBytesUnchecked(out[:32])
		s.PutBytesUnchecked(out[32:])
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s keys cannot sign", ErrUnsupportedKeyType, t)
}

// ECDH computes the X25519 shared secret with peer. Both keys must be X25519; otherwise
// the error is [ErrUnsupportedKeyType]. A low-order peer key gives [ErrInvalidKey].
// The result is secret.
func (k *PrivateKey) ECDH(peer *PublicKey) ([]byte, error) {
	if k.pub.typ != KeyX25519 || peer == nil || peer.typ != KeyX25519 {
		return nil, fmt.Errorf("%w: ECDH needs two X25519 keys", ErrUnsupportedKeyType)
	}
	out, err := k.x.ECDH(peer.x)
	if err != nil {
		return nil, fmt.Errorf("%w: X25519 peer key is low order", ErrInvalidKey)
	}
	return out, nil
}

// X25519 converts an Ed25519 private key to the X25519 key agreement key derived from the
// same seed (RFC 8032 §5.1.5 scalar: the clamped first half of SHA-512(seed)). It is the
// private half of [PublicKey.X25519]. Other key types give [ErrUnsupportedKeyType].
func (k *PrivateKey) X25519() (*PrivateKey, error) {
	if k.pub.typ != KeyEd25519 {
		return nil, fmt.Errorf("%w: only Ed25519 keys convert to X25519", ErrUnsupportedKeyType)
	}
	h := sha512.Sum512(k.ed.Seed())
	defer clear(h[:])
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	priv, err := ecdh.X25519().NewPrivateKey(h[:32])
	if err != nil {
		return nil, errors.New("did: X25519 conversion failed")
	}
	return newX25519Private(priv), nil
}
