package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// maxJWKBytes caps a JWK given to [ParseJWK].
const maxJWKBytes = 16 << 10

// ParseJWK decodes a JSON Web Key (RFC 7517) for one of the supported key
// types: OKP/Ed25519, EC/P-256, EC/P-384, EC/secp256k1. It returns the
// public key (ed25519.PublicKey, *ecdsa.PublicKey or *secp256k1.PublicKey)
// or, when the JWK holds "d", the private key (ed25519.PrivateKey,
// *ecdsa.PrivateKey or *secp256k1.PrivateKey). Errors wrap
// [ErrUnsupportedKey] or [ErrMalformed]; key material never appears in them.
//
// OKP and NIST curves are decoded by jwx; secp256k1, which jwx only knows
// under a build tag, is decoded here.
func ParseJWK(data []byte) (any, error) {
	m, err := decodeObject(data, maxJWKBytes, 4)
	if err != nil {
		return nil, fmt.Errorf("%w: jwk: %w", ErrMalformed, err)
	}
	return jwkFromMap(m, data)
}

// JWKFromMap is [ParseJWK] for an already decoded JSON object (for example
// a "cnf" claim's "jwk" member).
func JWKFromMap(m map[string]any) (any, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: jwk: %w", ErrMalformed, err)
	}
	if len(raw) > maxJWKBytes {
		return nil, malformed(ErrTooLarge, "jwk")
	}
	return jwkFromMap(m, raw)
}

func jwkFromMap(m map[string]any, raw []byte) (any, error) {
	kty, _ := m["kty"].(string)
	crv, _ := m["crv"].(string)
	_, private := m["d"]
	switch {
	case kty == "OKP" && crv == "Ed25519", kty == "EC" && (crv == "P-256" || crv == "P-384"):
	case kty == "EC" && crv == "secp256k1":
		return secp256k1FromJWK(m, private)
	default:
		return nil, fmt.Errorf("%w: jwk kty %q crv %q", ErrUnsupportedKey, kty, crv)
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: jwk %s/%s does not decode", ErrUnsupportedKey, kty, crv)
	}
	var out any
	if err := k.Raw(&out); err != nil {
		return nil, fmt.Errorf("%w: jwk %s/%s does not decode", ErrUnsupportedKey, kty, crv)
	}
	switch v := out.(type) {
	case ed25519.PublicKey, ed25519.PrivateKey:
		return v, nil
	case *ecdsa.PublicKey:
		if err := checkOnCurve(v); err != nil {
			return nil, err
		}
		return v, nil
	case *ecdsa.PrivateKey:
		if err := checkOnCurve(&v.PublicKey); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, fmt.Errorf("%w: jwk decodes to %T", ErrUnsupportedKey, out)
}

func checkOnCurve(k *ecdsa.PublicKey) error {
	if _, err := k.ECDH(); err != nil {
		return fmt.Errorf("%w: EC point not on curve", ErrUnsupportedKey)
	}
	return nil
}

func secp256k1FromJWK(m map[string]any, private bool) (any, error) {
	coord := func(name string) ([]byte, error) {
		s, ok := m[name].(string)
		if !ok {
			return nil, fmt.Errorf("%w: jwk %q missing", ErrUnsupportedKey, name)
		}
		b, err := DecodeSegment(s)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("%w: jwk %q is not 32 base64url bytes", ErrUnsupportedKey, name)
		}
		return b, nil
	}
	x, err := coord("x")
	if err != nil {
		return nil, err
	}
	y, err := coord("y")
	if err != nil {
		return nil, err
	}
	pub, err := secp256k1.ParsePubKey(append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, fmt.Errorf("%w: secp256k1 point invalid", ErrUnsupportedKey)
	}
	if !private {
		return pub, nil
	}
	d, err := coord("d")
	if err != nil {
		return nil, err
	}
	var sc secp256k1.ModNScalar
	if sc.SetByteSlice(d) || sc.IsZero() {
		clear(d)
		return nil, fmt.Errorf("%w: secp256k1 scalar invalid", ErrUnsupportedKey)
	}
	clear(d)
	priv := secp256k1.NewPrivateKey(&sc)
	if !priv.PubKey().IsEqual(pub) {
		return nil, fmt.Errorf("%w: jwk d does not match x, y", ErrUnsupportedKey)
	}
	return priv, nil
}

// PublicJWK returns the public JWK members (kty, crv, x[, y]) of a supported
// public or private key; private parts are never included.
func PublicJWK(key any) (map[string]any, error) {
	pub, err := publicOf(key)
	if err != nil {
		return nil, err
	}
	if k, ok := pub.(*secp256k1.PublicKey); ok {
		u := k.SerializeUncompressed()
		return map[string]any{"kty": "EC", "crv": "secp256k1", "x": EncodeSegment(u[1:33]), "y": EncodeSegment(u[33:])}, nil
	}
	k, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	return m, nil
}

// Thumbprint returns the RFC 7638 SHA-256 JWK thumbprint of a supported
// key, base64url encoded.
func Thumbprint(key any) (string, error) {
	pub, err := publicOf(key)
	if err != nil {
		return "", err
	}
	if k, ok := pub.(*secp256k1.PublicKey); ok {
		u := k.SerializeUncompressed()
		s := `{"crv":"secp256k1","kty":"EC","x":"` + EncodeSegment(u[1:33]) + `","y":"` + EncodeSegment(u[33:]) + `"}`
		sum := sha256.Sum256([]byte(s))
		return EncodeSegment(sum[:]), nil
	}
	k, err := jwk.FromRaw(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	return EncodeSegment(tp), nil
}

// PublicKeyOf returns the public half of a supported private key, or the
// key itself when it is already public.
func PublicKeyOf(key any) (crypto.PublicKey, error) { return publicOf(key) }

func publicOf(key any) (crypto.PublicKey, error) {
	switch k := key.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 private key size", ErrUnsupportedKey)
		}
		return k.Public(), nil
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, fmt.Errorf("%w: nil key", ErrUnsupportedKey)
		}
		return &k.PublicKey, nil
	case *secp256k1.PrivateKey:
		if k == nil {
			return nil, fmt.Errorf("%w: nil key", ErrUnsupportedKey)
		}
		return k.PubKey(), nil
	}
	if _, err := AlgForKey(key); err != nil {
		return nil, err
	}
	return key, nil
}
