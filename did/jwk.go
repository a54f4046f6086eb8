package did

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/multi"
)

// MaxJWKBytes caps the JSON size of a JWK accepted by [ParsePublicJWK] and
// [ParsePrivateJWK].
const MaxJWKBytes = 16 << 10

// JWK is a JSON Web Key (RFC 7517) of one of the supported key types: OKP (Ed25519,
// X25519) or EC (P-256, P-384, secp256k1). Coordinates are unpadded base64url.
// It marshals with members in lexicographic order, as RFC 7638 and did:jwk examples do.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	D   string `json:"d,omitempty"` // secret: present only in private keys
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// MarshalJSON writes the non-empty members in lexicographic order.
func (j JWK) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	add := func(k, v string) {
		if v == "" && k != "kty" {
			return
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	add("alg", j.Alg)
	add("crv", j.Crv)
	add("d", j.D)
	add("kid", j.Kid)
	add("kty", j.Kty)
	add("use", j.Use)
	add("x", j.X)
	add("y", j.Y)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// String never shows the private member.
func (j JWK) String() string {
	j.D = ""
	b, _ := j.MarshalJSON()
	return string(b)
}

// JWK returns the public JWK of k.
func (k *PublicKey) JWK() JWK {
	switch k.typ {
	case KeyEd25519, KeyX25519:
		return JWK{Kty: "OKP", Crv: string(k.typ), X: multi.EncodeRawBase64URL(k.raw)}
	}
	u := k.UncompressedBytes()
	size := k.typ.privateSize()
	return JWK{Kty: "EC", Crv: string(k.typ), X: multi.EncodeRawBase64URL(u[1 : 1+size]), Y: multi.EncodeRawBase64URL(u[1+size:])}
}

// JWK returns the private JWK of k (the public members plus "d"). The result is secret.
func (k *PrivateKey) JWK() JWK {
	j := k.pub.JWK()
	secret := k.Bytes()
	j.D = multi.EncodeRawBase64URL(secret)
	clear(secret)
	return j
}

// ParsePublicJWK parses a public JWK. Members "kty", "crv", "x" (and "y" for EC) must
// match a supported key; "alg", when present, must fit the key. Private members ("d",
// RSA factors, "k") give [ErrInvalidKey], as do mismatched kty/crv, wrong lengths and
// points not on the curve. RSA, P-521, Ed448 and other curves give
// [ErrUnsupportedKeyType]. Unknown members are ignored. Parsed keys are cached (see
// [NewPublicKey]).
func ParsePublicJWK(data []byte) (*PublicKey, error) {
	cacheable := len(data) <= maxCachedJWKJSON
	if cacheable {
		if k := cachedKeyBytes(encJWKJSON, "", data); k != nil {
			return k, nil
		}
	}
	j, err := decodeJWK(data)
	if err != nil {
		return nil, err
	}
	if j.D != "" {
		return nil, fmt.Errorf("%w: JWK has private member \"d\" where a public key was expected", ErrInvalidKey)
	}
	k, err := j.PublicKey()
	if err == nil && cacheable {
		cacheKey(keyCacheKey{enc: encJWKJSON, a: string(data)}, k)
	}
	return k, err
}

// ParsePrivateJWK parses a private JWK (with "d"), checking that the public members, if
// given, match the private key. The input is secret: errors never quote it.
func ParsePrivateJWK(data []byte) (*PrivateKey, error) {
	j, err := decodeJWK(data)
	if err != nil {
		return nil, err
	}
	return j.PrivateKey()
}

var privateJWKMembers = []string{"p", "q", "dp", "dq", "qi", "oth", "k"}

func decodeJWK(data []byte) (JWK, error) {
	v, err := jsonx.Decode(data, jsonx.Limits{MaxBytes: MaxJWKBytes, MaxDepth: 8})
	if errors.Is(err, jsonx.ErrTooLarge) {
		return JWK{}, fmt.Errorf("%w: %w: JWK over %d bytes", ErrInvalidKey, ErrTooLarge, MaxJWKBytes)
	}
	if err != nil {
		return JWK{}, fmt.Errorf("%w: JWK is not valid JSON: %w", ErrInvalidKey, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return JWK{}, fmt.Errorf("%w: JWK is not a JSON object", ErrInvalidKey)
	}
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return JWK{}, fmt.Errorf("%w: JWK has private or symmetric member %q", ErrInvalidKey, name)
		}
	}
	var j JWK
	for name, dst := range map[string]*string{"kty": &j.Kty, "crv": &j.Crv, "x": &j.X, "y": &j.Y, "d": &j.D, "use": &j.Use, "alg": &j.Alg, "kid": &j.Kid} {
		raw, ok := m[name]
		if !ok {
			continue
		}
		s, ok := raw.(string)
		if !ok {
			return JWK{}, fmt.Errorf("%w: JWK member %q is not a string", ErrInvalidKey, name)
		}
		*dst = s
	}
	return j, nil
}

func (j JWK) keyType() (KeyType, error) {
	switch j.Kty {
	case "OKP":
		switch j.Crv {
		case "Ed25519":
			return KeyEd25519, nil
		case "X25519":
			return KeyX25519, nil
		case "Ed448", "X448":
			return "", fmt.Errorf("%w: OKP curve %s", ErrUnsupportedKeyType, j.Crv)
		case "P-256", "P-384", "P-521", "secp256k1":
			return "", fmt.Errorf("%w: JWK kty OKP with EC curve %q", ErrInvalidKey, j.Crv)
		}
	case "EC":
		switch j.Crv {
		case "P-256":
			return KeyP256, nil
		case "P-384":
			return KeyP384, nil
		case "secp256k1":
			return KeySecp256k1, nil
		case "P-521", "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1":
			return "", fmt.Errorf("%w: EC curve %s", ErrUnsupportedKeyType, j.Crv)
		case "Ed25519", "X25519", "Ed448", "X448":
			return "", fmt.Errorf("%w: JWK kty EC with OKP curve %q", ErrInvalidKey, j.Crv)
		}
	case "RSA":
		return "", fmt.Errorf("%w: RSA", ErrUnsupportedKeyType)
	case "oct":
		return "", fmt.Errorf("%w: symmetric JWK (kty oct)", ErrInvalidKey)
	case "":
		return "", fmt.Errorf("%w: JWK has no \"kty\"", ErrInvalidKey)
	default:
		return "", fmt.Errorf("%w: JWK kty %q", ErrUnsupportedKeyType, truncate(j.Kty, 16))
	}
	if j.Crv == "" {
		return "", fmt.Errorf("%w: JWK has no \"crv\"", ErrInvalidKey)
	}
	return "", fmt.Errorf("%w: JWK curve %q", ErrUnsupportedKeyType, truncate(j.Crv, 16))
}

// PublicKey returns the public key the JWK describes, ignoring "d". See [ParsePublicJWK].
func (j JWK) PublicKey() (*PublicKey, error) {
	t, err := j.keyType()
	if err != nil {
		return nil, err
	}
	if j.Alg != "" && !algFits(t, j.Alg) {
		return nil, fmt.Errorf("%w: JWK alg %q does not fit a %s key", ErrInvalidKey, truncate(j.Alg, 16), t)
	}
	// The key depends on kty and crv (through t), x and y only.
	if k := cachedKey(encJWK, t, j.X, j.Y); k != nil {
		return k, nil
	}
	k, err := j.publicKey(t)
	if err == nil {
		cacheKey(keyCacheKey{enc: encJWK, typ: t, a: j.X, b: j.Y}, k)
	}
	return k, err
}

func (j JWK) publicKey(t KeyType) (*PublicKey, error) {
	size := t.privateSize()
	x, err := multi.DecodeRawBase64URL(j.X, 2*size)
	if err != nil || len(x) != size {
		return nil, fmt.Errorf("%w: JWK \"x\" must be %d bytes of base64url", ErrInvalidKey, size)
	}
	if j.Kty == "OKP" {
		if j.Y != "" {
			return nil, fmt.Errorf("%w: OKP JWK has a \"y\" member", ErrInvalidKey)
		}
		return newPublicKey(t, x)
	}
	y, err := multi.DecodeRawBase64URL(j.Y, 2*size)
	if err != nil || len(y) != size {
		return nil, fmt.Errorf("%w: JWK \"y\" must be %d bytes of base64url", ErrInvalidKey, size)
	}
	u := make([]byte, 0, 1+2*size)
	u = append(append(append(u, 4), x...), y...)
	return newPublicKey(t, u)
}

// PrivateKey returns the private key the JWK describes; "d" is required and the public
// members, when present, must match it.
func (j JWK) PrivateKey() (*PrivateKey, error) {
	t, err := j.keyType()
	if err != nil {
		return nil, err
	}
	if j.D == "" {
		return nil, fmt.Errorf("%w: JWK has no private member \"d\"", ErrInvalidKey)
	}
	if j.Alg != "" && !algFits(t, j.Alg) {
		return nil, fmt.Errorf("%w: JWK alg %q does not fit a %s key", ErrInvalidKey, truncate(j.Alg, 16), t)
	}
	d, err := multi.DecodeRawBase64URL(j.D, 2*t.privateSize())
	if err != nil {
		return nil, fmt.Errorf("%w: JWK \"d\" is not base64url", ErrInvalidKey)
	}
	defer clear(d)
	priv, err := NewPrivateKey(t, d)
	if err != nil {
		return nil, err
	}
	if j.X != "" || j.Y != "" {
		pub, err := j.PublicKey()
		if err != nil {
			return nil, err
		}
		if !pub.Equal(priv.Public()) {
			return nil, fmt.Errorf("%w: JWK public members do not match \"d\"", ErrInvalidKey)
		}
	}
	return priv, nil
}

func algFits(t KeyType, alg string) bool {
	if t == KeyX25519 {
		switch alg {
		case "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "HPKE-0", "HPKE-1", "HPKE-2", "HPKE-3", "HPKE-4", "HPKE-5", "HPKE-6", "HPKE-7":
			return true
		}
		return false
	}
	return alg == t.Algorithm() || t == KeyEd25519 && alg == "Ed25519"
}
