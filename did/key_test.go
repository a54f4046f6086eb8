package did_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
)

func TestSignVerify(t *testing.T) {
	msg := []byte("polity door check")
	for _, typ := range did.KeyTypes() {
		t.Run(string(typ), func(t *testing.T) {
			priv, err := did.GenerateKey(typ)
			if err != nil {
				t.Fatal(err)
			}
			pub := priv.Public()
			if typ == did.KeyX25519 {
				if _, err := priv.Sign(msg); !errors.Is(err, did.ErrUnsupportedKeyType) {
					t.Fatalf("X25519 Sign: %v", err)
				}
				if err := pub.Verify(msg, make([]byte, 64)); !errors.Is(err, did.ErrUnsupportedKeyType) {
					t.Fatalf("X25519 Verify: %v", err)
				}
				return
			}
			sig, err := priv.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(sig) != typ.SignatureSize() {
				t.Fatalf("signature is %d bytes", len(sig))
			}
			if err := pub.Verify(msg, sig); err != nil {
				t.Fatal(err)
			}
			bad := append([]byte(nil), sig...)
			bad[5] ^= 1
			for name, tc := range map[string][2][]byte{
				"flipped-bit": {msg, bad}, "other-message": {[]byte("x"), sig},
				"short": {msg, sig[:len(sig)-1]}, "zero": {msg, make([]byte, len(sig))},
			} {
				if err := pub.Verify(tc[0], tc[1]); !errors.Is(err, did.ErrInvalidSignature) {
					t.Errorf("%s: err = %v", name, err)
				}
			}
			// Round trips through every encoding.
			for name, parse := range map[string]func() (*did.PublicKey, error){
				"multikey": func() (*did.PublicKey, error) { return did.ParseMultikey(pub.Multikey()) },
				"jwk": func() (*did.PublicKey, error) {
					b, _ := json.Marshal(pub.JWK())
					return did.ParsePublicJWK(b)
				},
				"bytes":        func() (*did.PublicKey, error) { return did.NewPublicKey(typ, pub.Bytes()) },
				"uncompressed": func() (*did.PublicKey, error) { return did.NewPublicKey(typ, pub.UncompressedBytes()) },
			} {
				k, err := parse()
				if err != nil || !k.Equal(pub) || k.Verify(msg, sig) != nil {
					t.Errorf("%s round trip: %v", name, err)
				}
			}
			b, _ := json.Marshal(priv.JWK())
			p2, err := did.ParsePrivateJWK(b)
			if err != nil || !p2.Public().Equal(pub) {
				t.Fatalf("private JWK round trip: %v", err)
			}
			p3, err := did.ParsePrivateMultikey(priv.Multikey())
			if err != nil || !p3.Public().Equal(pub) {
				t.Fatalf("private Multikey round trip: %v", err)
			}
			if strings.Contains(priv.String(), priv.JWK().D) || strings.Contains(priv.JWK().String(), priv.JWK().D) {
				t.Fatal("String leaks the secret")
			}
		})
	}
}

func TestCryptoPublicKey(t *testing.T) {
	ed, _ := did.GenerateKey(did.KeyEd25519)
	if _, ok := ed.Public().CryptoPublicKey().(ed25519.PublicKey); !ok {
		t.Error("Ed25519")
	}
	p, _ := did.GenerateKey(did.KeyP384)
	if _, ok := p.Public().CryptoPublicKey().(*ecdsa.PublicKey); !ok {
		t.Error("P-384")
	}
	if p.Public().Algorithm() != "ES384" || ed.Public().Algorithm() != "EdDSA" {
		t.Error("Algorithm")
	}
}

func TestECDH(t *testing.T) {
	a, _ := did.GenerateKey(did.KeyX25519)
	b, _ := did.GenerateKey(did.KeyX25519)
	s1, err := a.ECDH(b.Public())
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := b.ECDH(a.Public())
	if string(s1) != string(s2) {
		t.Fatal("shared secrets differ")
	}
	ed, _ := did.GenerateKey(did.KeyEd25519)
	if _, err := a.ECDH(ed.Public()); !errors.Is(err, did.ErrUnsupportedKeyType) {
		t.Fatal(err)
	}
	low, _ := did.NewPublicKey(did.KeyX25519, make([]byte, 32))
	if _, err := a.ECDH(low); !errors.Is(err, did.ErrInvalidKey) {
		t.Fatalf("low order: %v", err)
	}
}

// TestJWKRejects checks one bad JWK per rule.
func TestJWKRejects(t *testing.T) {
	const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	const px = "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns"
	const py = "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"
	tests := []struct {
		name, jwk string
		want      error
	}{
		{"ok-ed25519", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `"}`, nil},
		{"ok-p256", `{"kty":"EC","crv":"P-256","x":"` + px + `","y":"` + py + `","alg":"ES256","use":"sig","key_ops":["verify"]}`, nil},
		{"not-object", `[]`, did.ErrInvalidKey},
		{"duplicate", `{"kty":"OKP","crv":"Ed25519","crv":"Ed25519","x":"` + x + `"}`, did.ErrInvalidKey},
		{"no-kty", `{"crv":"Ed25519","x":"` + x + `"}`, did.ErrInvalidKey},
		{"kty-number", `{"kty":1,"crv":"Ed25519","x":"` + x + `"}`, did.ErrInvalidKey},
		{"okp-with-ec-curve", `{"kty":"OKP","crv":"P-256","x":"` + px + `"}`, did.ErrInvalidKey},
		{"ec-with-okp-curve", `{"kty":"EC","crv":"Ed25519","x":"` + x + `","y":"` + x + `"}`, did.ErrInvalidKey},
		{"ec-missing-y", `{"kty":"EC","crv":"P-256","x":"` + px + `"}`, did.ErrInvalidKey},
		{"okp-with-y", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","y":"` + x + `"}`, did.ErrInvalidKey},
		{"off-curve", `{"kty":"EC","crv":"P-256","x":"` + px + `","y":"` + px + `"}`, did.ErrInvalidKey},
		{"short-x", `{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`, did.ErrInvalidKey},
		{"padded-x", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `="}`, did.ErrInvalidKey},
		{"private-d", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","d":"` + x + `"}`, did.ErrInvalidKey},
		{"alg-mismatch", `{"kty":"EC","crv":"P-256","x":"` + px + `","y":"` + py + `","alg":"ES384"}`, did.ErrInvalidKey},
		{"oct", `{"kty":"oct","k":"AAAA"}`, did.ErrInvalidKey},
		{"rsa", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, did.ErrUnsupportedKeyType},
		{"p521", `{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}`, did.ErrUnsupportedKeyType},
		{"ed448", `{"kty":"OKP","crv":"Ed448","x":"AA"}`, did.ErrUnsupportedKeyType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.ParsePublicJWK([]byte(tt.jwk))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// A private JWK whose public members do not match "d".
	a, _ := did.GenerateKey(did.KeyP256)
	b, _ := did.GenerateKey(did.KeyP256)
	j := a.JWK()
	j.D = b.JWK().D
	data, _ := json.Marshal(j)
	if _, err := did.ParsePrivateJWK(data); !errors.Is(err, did.ErrInvalidKey) {
		t.Fatalf("mismatched d: %v", err)
	}
	if _, err := did.ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"` + x + `"}`)); !errors.Is(err, did.ErrInvalidKey) {
		t.Fatalf("missing d: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.jwk")
	priv, _ := did.GenerateKey(did.KeySecp256k1)
	if err := did.WriteKeyFile(path, priv, false); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", st.Mode(), err)
	}
	other, _ := did.GenerateKey(did.KeyEd25519)
	if err := did.WriteKeyFile(path, other, false); !errors.Is(err, did.ErrKeyFileExists) {
		t.Fatalf("overwrite without asking: %v", err)
	}
	back, err := did.ReadKeyFile(path)
	if err != nil || !back.Public().Equal(priv.Public()) {
		t.Fatalf("read back: %v", err)
	}
	if err := did.WriteKeyFile(path, other, true); err != nil {
		t.Fatal(err)
	}
	st, _ = os.Stat(path)
	back, err = did.ReadKeyFile(path)
	if err != nil || !back.Public().Equal(other.Public()) || st.Mode().Perm() != 0o600 {
		t.Fatalf("overwrite: %v %v", err, st.Mode())
	}
	os.WriteFile(filepath.Join(dir, "pub.jwk"), []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), 0o600)
	if _, err := did.ReadKeyFile(filepath.Join(dir, "pub.jwk")); !errors.Is(err, did.ErrInvalidKey) {
		t.Fatalf("public key file: %v", err)
	}
}

func TestNewPublicKeyRejects(t *testing.T) {
	tests := []struct {
		name string
		typ  did.KeyType
		raw  []byte
		want error
	}{
		{"ed25519-short", did.KeyEd25519, make([]byte, 31), did.ErrInvalidKey},
		{"ed25519-noncanonical", did.KeyEd25519, nonCanonicalY(), did.ErrInvalidKey},
		{"x25519-long", did.KeyX25519, make([]byte, 33), did.ErrInvalidKey},
		{"p256-zero", did.KeyP256, make([]byte, 33), did.ErrInvalidKey},
		{"p384-wrong-length", did.KeyP384, make([]byte, 33), did.ErrInvalidKey},
		{"secp256k1-zero", did.KeySecp256k1, make([]byte, 33), did.ErrInvalidKey},
		{"rsa", did.KeyType("RSA"), make([]byte, 33), did.ErrUnsupportedKeyType},
	}
	for _, tt := range tests {
		if _, err := did.NewPublicKey(tt.typ, tt.raw); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := did.NewPrivateKey(did.KeyP256, make([]byte, 32)); !errors.Is(err, did.ErrInvalidKey) {
		t.Errorf("zero P-256 scalar: %v", err)
	}
	if _, err := did.NewPrivateKey(did.KeySecp256k1, make([]byte, 32)); !errors.Is(err, did.ErrInvalidKey) {
		t.Errorf("zero secp256k1 scalar: %v", err)
	}
}

// nonCanonicalY encodes y = p+1, which is not a canonical field element.
func nonCanonicalY() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = 0xff
	}
	b[0], b[31] = 0xee, 0x7f
	return b
}
