package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// Alg is a JWS "alg" value from the allow-list.
type Alg string

// The allowed algorithms (RFC 8037 EdDSA with Ed25519, RFC 7518 ES256 and
// ES384, RFC 8812 ES256K). Nothing else is ever signed or verified.
const (
	EdDSA  Alg = "EdDSA"
	ES256  Alg = "ES256"
	ES384  Alg = "ES384"
	ES256K Alg = "ES256K"
)

// Algs lists the allow-list in a stable order.
var Algs = []Alg{EdDSA, ES256, ES384, ES256K}

// Supported reports whether a is on the allow-list.
func (a Alg) Supported() bool {
	switch a {
	case EdDSA, ES256, ES384, ES256K:
		return true
	}
	return false
}

// sigSize is the fixed signature size in bytes.
func (a Alg) sigSize() int {
	switch a {
	case EdDSA:
		return ed25519.SignatureSize
	case ES256, ES256K:
		return 64
	case ES384:
		return 96
	}
	return 0
}

func (a Alg) hash() hash.Hash {
	switch a {
	case ES256, ES256K:
		return sha256.New()
	case ES384:
		return sha512.New384()
	}
	return nil
}

// AlgForKey returns the algorithm implied by a public or private key:
// ed25519.PublicKey/PrivateKey (EdDSA), *ecdsa.PublicKey/PrivateKey on
// P-256 (ES256) or P-384 (ES384), *secp256k1.PublicKey/PrivateKey (ES256K).
// Any other key gives an error wrapping [ErrUnsupportedKey].
func AlgForKey(key any) (Alg, error) {
	switch k := key.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: ed25519 public key of %d bytes", ErrUnsupportedKey, len(k))
		}
		return EdDSA, nil
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return "", fmt.Errorf("%w: ed25519 private key of %d bytes", ErrUnsupportedKey, len(k))
		}
		return EdDSA, nil
	case *ecdsa.PublicKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil ecdsa key", ErrUnsupportedKey)
		}
		switch k.Curve {
		case elliptic.P256():
			return ES256, nil
		case elliptic.P384():
			return ES384, nil
		}
		return "", fmt.Errorf("%w: ecdsa curve %s", ErrUnsupportedKey, curveName(k.Curve))
	case *ecdsa.PrivateKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil ecdsa key", ErrUnsupportedKey)
		}
		return AlgForKey(&k.PublicKey)
	case *secp256k1.PublicKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil secp256k1 key", ErrUnsupportedKey)
		}
		return ES256K, nil
	case *secp256k1.PrivateKey:
		if k == nil {
			return "", fmt.Errorf("%w: nil secp256k1 key", ErrUnsupportedKey)
		}
		return ES256K, nil
	case nil:
		return "", fmt.Errorf("%w: nil key", ErrUnsupportedKey)
	}
	return "", fmt.Errorf("%w: key type %T", ErrUnsupportedKey, key)
}

func curveName(c elliptic.Curve) string {
	if c == nil || c.Params() == nil {
		return "<nil>"
	}
	return c.Params().Name
}

// VerifySignature checks a raw JWS signature (Ed25519 64 bytes, ECDSA r||s)
// over msg with pub, using the algorithm implied by pub. It returns nil or
// an error wrapping [ErrInvalidSignature] or [ErrUnsupportedKey]. High-S
// ECDSA signatures are accepted, as RFC 7518 does not forbid them.
func VerifySignature(pub crypto.PublicKey, msg, sig []byte) error {
	alg, err := AlgForKey(pub)
	if err != nil {
		return err
	}
	return verifyWith(alg, pub, msg, sig)
}

func verifyWith(alg Alg, pub crypto.PublicKey, msg, sig []byte) error {
	if len(sig) != alg.sigSize() {
		return fmt.Errorf("%w: %s signature of %d bytes", ErrInvalidSignature, alg, len(sig))
	}
	switch alg {
	case EdDSA:
		if !ed25519.Verify(pub.(ed25519.PublicKey), msg, sig) {
			return ErrInvalidSignature
		}
		return nil
	case ES256, ES384:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an ecdsa key", ErrAlgMismatch, alg)
		}
		var d []byte
		if alg == ES256 {
			h := sha256.Sum256(msg)
			d = h[:]
		} else {
			h := sha512.Sum384(msg)
			d = h[:]
		}
		var der [2 + 2*(2+1+48)]byte
		if !ecdsa.VerifyASN1(k, d, appendDERSig(der[:0], sig)) {
			return ErrInvalidSignature
		}
		return nil
	case ES256K:
		k, ok := pub.(*secp256k1.PublicKey)
		if !ok {
			return fmt.Errorf("%w: ES256K needs a secp256k1 key", ErrAlgMismatch)
		}
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
			return ErrInvalidSignature
		}
		d := sha256.Sum256(msg)
		if !secpecdsa.NewSignature(&r, &s).Verify(d[:], k) {
			return ErrInvalidSignature
		}
		return nil
	}
	return fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
}

// RawSigner is a private key that produces raw JWS signatures (Ed25519
// 64 bytes, ECDSA r||s) and names its algorithm.
type RawSigner interface {
	Algorithm() string
	Sign(msg []byte) ([]byte, error)
}

// SignRaw returns the raw JWS signature of msg under key, which is an
// ed25519.PrivateKey, *ecdsa.PrivateKey (P-256, P-384), *secp256k1.PrivateKey,
// a [RawSigner], or a crypto.Signer whose public key is one of the
// supported types. ECDSA signatures are randomized except for secp256k1,
// which uses RFC 6979 nonces.
func SignRaw(key any, msg []byte) (Alg, []byte, error) {
	switch k := key.(type) {
	case RawSigner:
		alg := Alg(k.Algorithm())
		if !alg.Supported() {
			return "", nil, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
		}
		sig, err := k.Sign(msg)
		if err != nil {
			return "", nil, fmt.Errorf("jose: sign: %w", err)
		}
		if len(sig) != alg.sigSize() {
			return "", nil, fmt.Errorf("%w: signer returned %d bytes for %s", ErrUnsupportedKey, len(sig), alg)
		}
		return alg, sig, nil
	case ed25519.PrivateKey:
		if _, err := AlgForKey(k); err != nil {
			return "", nil, err
		}
		return EdDSA, ed25519.Sign(k, msg), nil
	case *secp256k1.PrivateKey:
		if k == nil {
			return "", nil, fmt.Errorf("%w: nil secp256k1 key", ErrUnsupportedKey)
		}
		d := sha256.Sum256(msg)
		sig := secpecdsa.Sign(k, d[:])
		r, s := sig.R(), sig.S()
		out := make([]byte, 64)
		r.PutBytesUnchecked(out[:32])
		s.PutBytesUnchecked(out[32:])
		return ES256K, out, nil
	case crypto.Signer:
		alg, err := AlgForKey(k.Public())
		if err != nil {
			return "", nil, err
		}
		switch alg {
		case EdDSA:
			sig, err := k.Sign(rand.Reader, msg, crypto.Hash(0))
			if err != nil {
				return "", nil, fmt.Errorf("jose: sign: %w", err)
			}
			return alg, sig, nil
		case ES256, ES384:
			h := alg.hash()
			h.Write(msg)
			digest := h.Sum(nil)
			var r, s *big.Int
			if pk, ok := k.(*ecdsa.PrivateKey); ok {
				r, s, err = ecdsa.Sign(rand.Reader, pk, digest)
			} else {
				var der []byte
				hf := crypto.SHA256
				if alg == ES384 {
					hf = crypto.SHA384
				}
				der, err = k.Sign(rand.Reader, digest, hf)
				if err == nil {
					r, s, err = parseDERSig(der)
				}
			}
			if err != nil {
				return "", nil, fmt.Errorf("jose: sign: %w", err)
			}
			n := alg.sigSize() / 2
			out := make([]byte, 2*n)
			r.FillBytes(out[:n])
			s.FillBytes(out[n:])
			return alg, out, nil
		}
		return "", nil, fmt.Errorf("%w: crypto.Signer for %s", ErrUnsupportedKey, alg)
	}
	return "", nil, fmt.Errorf("%w: signing key type %T", ErrUnsupportedKey, key)
}

// appendDERSig appends the ASN.1 DER form of the raw signature r||s (halves
// of at most 48 bytes, as for ES256 and ES384): SEQUENCE { INTEGER r,
// INTEGER s }, minimal, non-negative. A zero r or s gives an INTEGER 0,
// which verification refuses.
func appendDERSig(b, sig []byte) []byte {
	n := len(sig) / 2
	r, s := derInt(sig[:n]), derInt(sig[n:])
	b = append(b, 0x30, byte(4+len(r)+len(s)+intPad(r)+intPad(s)))
	b = appendDERInt(b, r)
	return appendDERInt(b, s)
}

// derInt strips the leading zeros of a big-endian integer, keeping one byte.
func derInt(x []byte) []byte {
	for len(x) > 1 && x[0] == 0 {
		x = x[1:]
	}
	return x
}

func intPad(x []byte) int {
	if x[0]&0x80 != 0 {
		return 1
	}
	return 0
}

func appendDERInt(b, x []byte) []byte {
	b = append(b, 0x02, byte(len(x)+intPad(x)))
	if intPad(x) == 1 {
		b = append(b, 0)
	}
	return append(b, x...)
}
