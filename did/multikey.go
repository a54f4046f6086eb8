package did

import (
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/multi"
)

// maxMultikeyBytes caps decoded Multikey values. It is large enough to recognize (and
// reject as unsupported) RSA-4096 keys.
const maxMultikeyBytes = 4096

var (
	pubCodec = map[KeyType]uint64{
		KeyEd25519: multi.Ed25519Pub, KeyX25519: multi.X25519Pub, KeyP256: multi.P256Pub,
		KeyP384: multi.P384Pub, KeySecp256k1: multi.Secp256k1Pub,
	}
	privCodec = map[KeyType]uint64{
		KeyEd25519: multi.Ed25519Priv, KeyX25519: multi.X25519Priv, KeyP256: multi.P256Priv,
		KeyP384: multi.P384Priv, KeySecp256k1: multi.Secp256k1Priv,
	}
	knownUnsupported = map[uint64]string{
		multi.P521Pub: "P-521", multi.RSAPub: "RSA", multi.BLS12381G1Pub: "BLS12-381 G1",
		multi.BLS12381G2Pub: "BLS12-381 G2", multi.Ed448Pub: "Ed448", multi.X448Pub: "X448",
		0xee: "BLS12-381 G1+G2", 0x1309: "P-521 private", 0x1305: "RSA private",
	}
)

func typeOfCodec(m map[KeyType]uint64, code uint64) (KeyType, bool) {
	for t, c := range m {
		if c == code {
			return t, true
		}
	}
	return "", false
}

// Multikey returns the Multikey form of k: base58btc multibase ('z') of the multicodec
// prefix and the raw key (EC keys compressed), as in did:key and publicKeyMultibase.
func (k *PublicKey) Multikey() string {
	return multi.EncodeBase58(multi.AppendCodec(nil, pubCodec[k.typ], k.raw))
}

// ParseMultikey parses a Multikey public key ("z6Mk...", "zDn...", ...). Unknown or
// unsupported multicodecs (RSA, P-521, BLS12-381, ...) give [ErrUnsupportedKeyType];
// bad encodings, lengths, points and private-key codecs give [ErrInvalidKey].
// Parsed keys are cached (see [NewPublicKey]).
func ParseMultikey(s string) (*PublicKey, error) {
	if k := cachedKey(encMultikey, "", s, ""); k != nil {
		return k, nil
	}
	k, err := parseMultikey(s)
	if err == nil {
		cacheKey(keyCacheKey{enc: encMultikey, a: s}, k)
	}
	return k, err
}

// parseMultikey is ParseMultikey without the cache.
func parseMultikey(s string) (*PublicKey, error) {
	code, raw, err := decodeMultikey(s)
	if err != nil {
		return nil, err
	}
	if t, ok := typeOfCodec(pubCodec, code); ok {
		return newPublicKey(t, raw)
	}
	if _, ok := typeOfCodec(privCodec, code); ok {
		return nil, fmt.Errorf("%w: Multikey holds a private key where a public key was expected", ErrInvalidKey)
	}
	return nil, unsupportedCodec(code)
}

func unsupportedCodec(code uint64) error {
	if name, ok := knownUnsupported[code]; ok {
		return fmt.Errorf("%w: %s (multicodec 0x%x)", ErrUnsupportedKeyType, name, code)
	}
	return fmt.Errorf("%w: unknown multicodec 0x%x", ErrUnsupportedKeyType, code)
}

func decodeMultikey(s string) (uint64, []byte, error) {
	b, err := multi.DecodeBase58(s, maxMultikeyBytes)
	if err != nil {
		if errors.Is(err, multi.ErrTooLarge) {
			return 0, nil, fmt.Errorf("%w: %w: Multikey", ErrInvalidKey, ErrTooLarge)
		}
		return 0, nil, fmt.Errorf("%w: Multikey: %v", ErrInvalidKey, err)
	}
	code, raw, err := multi.SplitCodec(b)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: Multikey: %v", ErrInvalidKey, err)
	}
	return code, raw, nil
}

// Multikey returns the Multikey secret key form of k (multicodec ed25519-priv,
// p256-priv, ... with the raw secret). The result is secret.
func (k *PrivateKey) Multikey() string {
	secret := k.Bytes()
	defer clear(secret)
	b := multi.AppendCodec(nil, privCodec[k.pub.typ], secret)
	defer clear(b)
	return multi.EncodeBase58(b)
}

// ParsePrivateMultikey parses a Multikey secret key (see [PrivateKey.Multikey]).
// The input is secret and never included in errors.
func ParsePrivateMultikey(s string) (*PrivateKey, error) {
	code, raw, err := decodeMultikey(s)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed Multikey secret key", ErrInvalidKey) // no detail: input is secret
	}
	defer clear(raw)
	if t, ok := typeOfCodec(privCodec, code); ok {
		return NewPrivateKey(t, raw)
	}
	if _, ok := typeOfCodec(pubCodec, code); ok {
		return nil, fmt.Errorf("%w: Multikey holds a public key where a private key was expected", ErrInvalidKey)
	}
	return nil, unsupportedCodec(code)
}
