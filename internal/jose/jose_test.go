package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

type cookbookJWS struct {
	Title        string `json:"title"`
	Reproducible bool   `json:"reproducible"`
	Input        struct {
		Payload string          `json:"payload"`
		Key     json.RawMessage `json:"key"`
		Alg     any             `json:"alg"`
	} `json:"input"`
	Output struct {
		Compact string `json:"compact"`
	} `json:"output"`
}

func loadCookbook(t testing.TB, path string) cookbookJWS {
	t.Helper()
	b, err := os.ReadFile("../../testdata/jose/cookbook/" + path)
	if err != nil {
		t.Fatal(err)
	}
	var c cookbookJWS
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCookbookEd25519 reproduces RFC 8037 appendix A.4 (cookbook
// curve25519/jws.json) byte for byte and verifies it.
func TestCookbookEd25519(t *testing.T) {
	c := loadCookbook(t, "curve25519/jws.json")
	priv, err := ParseJWK(c.Input.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Sign(Header{}, []byte(c.Input.Payload), priv)
	if err != nil {
		t.Fatal(err)
	}
	if got != c.Output.Compact {
		t.Fatalf("Sign:\n got %s\nwant %s", got, c.Output.Compact)
	}
	pub, _ := PublicKeyOf(priv)
	j, err := Verify(c.Output.Compact, pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(j.Payload) != c.Input.Payload {
		t.Fatalf("payload %q", j.Payload)
	}
}

// TestCookbookRefused checks that RFC 7520 / RFC 7797 cookbook tokens using
// algorithms outside the allow-list are refused before any key is touched.
func TestCookbookRefused(t *testing.T) {
	for _, tc := range []struct{ file, alg string }{
		{"jws/4_1.rsa_v15_signature.json", "RS256"},
		{"jws/4_2.rsa-pss_signature.json", "PS384"},
		{"jws/4_3.ecdsa_signature.json", "ES512"},
		{"jws/4_4.hmac-sha2_integrity_protection.json", "HS256"},
		{"jws/4_5.signature_with_detached_content.json", "HS256"},
		{"rfc7797/hmac-sha2_b64_false.json", "HS256"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c := loadCookbook(t, tc.file)
			h, err := ParseHeader(c.Output.Compact, nil)
			if !errors.Is(err, ErrUnsupportedAlg) {
				t.Fatalf("ParseHeader = %v, %v; want ErrUnsupportedAlg", h, err)
			}
			if _, err := Parse(c.Output.Compact, nil); !errors.Is(err, ErrUnsupportedAlg) {
				t.Fatalf("Parse = %v, want ErrUnsupportedAlg", err)
			}
		})
	}
}

// TestCookbookJWK checks RFC 7520 section 3.1/3.2 (P-521) keys are refused
// as unsupported, and the RFC 8037 Ed25519 key round-trips its thumbprint.
func TestCookbookJWK(t *testing.T) {
	for _, f := range []string{"jwk/3_1.ec_public_key.json", "jwk/3_2.ec_private_key.json"} {
		b, err := os.ReadFile("../../testdata/jose/cookbook/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseJWK(b); !errors.Is(err, ErrUnsupportedKey) {
			t.Errorf("%s: %v, want ErrUnsupportedKey", f, err)
		}
	}
	// RFC 8037 appendix A.3: thumbprint of the A.2 public key.
	pub, err := ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := Thumbprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	if tp != "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" {
		t.Fatalf("thumbprint %s", tp)
	}
}

type testKey struct {
	name string
	priv any
	pub  any
}

func testKeys(t testing.TB) []testKey {
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	k1, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return []testKey{
		{"EdDSA", edPriv, edPriv.Public()},
		{"ES256", p256, &p256.PublicKey},
		{"ES384", p384, &p384.PublicKey},
		{"ES256K", k1, k1.PubKey()},
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	keys := testKeys(t)
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			tok, err := Sign(Header{Typ: "vc+jwt", Kid: "did:example:1#k"}, []byte(`{"a":1}`), k.priv)
			if err != nil {
				t.Fatal(err)
			}
			j, err := Verify(tok, k.pub, nil)
			if err != nil {
				t.Fatal(err)
			}
			if j.Header.Alg != k.name || j.Header.Typ != "vc+jwt" || j.Header.Kid != "did:example:1#k" {
				t.Fatalf("header %+v", j.Header)
			}
			// Flip one signature bit.
			sig := []byte(tok[strings.LastIndexByte(tok, '.')+1:])
			sig[3] ^= 0x01
			bad := tok[:strings.LastIndexByte(tok, '.')+1] + string(sig)
			if _, err := Verify(bad, k.pub, nil); !errors.Is(err, ErrInvalidSignature) && !errors.Is(err, ErrBadEncoding) {
				t.Fatalf("tampered: %v", err)
			}
			// Every other key type is refused as a mismatch.
			for _, o := range keys {
				if o.name == k.name {
					continue
				}
				if _, err := Verify(tok, o.pub, nil); !errors.Is(err, ErrAlgMismatch) {
					t.Errorf("verify with %s key: %v, want ErrAlgMismatch", o.name, err)
				}
			}
			// JWK round trip.
			m, err := PublicJWK(k.priv)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := m["d"]; ok {
				t.Fatal("private part exported")
			}
			pub2, err := JWKFromMap(m)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Verify(tok, pub2, nil); err != nil {
				t.Fatalf("verify with JWK round-tripped key: %v", err)
			}
			if _, err := Thumbprint(pub2); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestInteropJWX checks tokens signed here verify with jwx and vice versa.
func TestInteropJWX(t *testing.T) {
	for _, k := range testKeys(t)[:3] {
		t.Run(k.name, func(t *testing.T) {
			alg := jwa.SignatureAlgorithm(k.name)
			tok, err := Sign(Header{}, []byte("hello"), k.priv)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify([]byte(tok), jws.WithKey(alg, k.pub)); err != nil {
				t.Fatalf("jwx rejects our token: %v", err)
			}
			theirs, err := jws.Sign([]byte("hello"), jws.WithKey(alg, k.priv))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Verify(string(theirs), k.pub, nil); err != nil {
				t.Fatalf("we reject jwx token: %v", err)
			}
		})
	}
}

func seg(s string) string { return EncodeSegment([]byte(s)) }

func TestParseRejects(t *testing.T) {
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	edPub := edPriv.Public()
	good, _ := Sign(Header{}, []byte("x"), edPriv)
	sig := good[strings.LastIndexByte(good, '.')+1:]
	p := seg("x")
	mk := func(h string) string { return seg(h) + "." + p + "." + sig }
	tests := []struct {
		name  string
		token string
		opts  *Options
		want  error
	}{
		{"alg none", seg(`{"alg":"none"}`) + "." + p + ".", nil, ErrMalformed},
		{"alg none with sig", mk(`{"alg":"none"}`), nil, ErrUnsupportedAlg},
		{"alg HS256", mk(`{"alg":"HS256"}`), nil, ErrUnsupportedAlg},
		{"alg RS256", mk(`{"alg":"RS256"}`), nil, ErrUnsupportedAlg},
		{"alg ES512", mk(`{"alg":"ES512"}`), nil, ErrUnsupportedAlg},
		{"alg lower case", mk(`{"alg":"eddsa"}`), nil, ErrUnsupportedAlg},
		{"alg missing", mk(`{"typ":"JWT"}`), nil, ErrMalformed},
		{"alg not string", mk(`{"alg":1}`), nil, ErrMalformed},
		{"typ not string", mk(`{"alg":"EdDSA","typ":1}`), nil, ErrMalformed},
		{"kid not string", mk(`{"alg":"EdDSA","kid":{}}`), nil, ErrMalformed},
		{"header not object", mk(`["alg"]`), nil, ErrMalformed},
		{"header not JSON", mk(`{alg:EdDSA}`), nil, ErrMalformed},
		{"header duplicate alg", mk(`{"alg":"HS256","alg":"EdDSA"}`), nil, ErrMalformed},
		{"header trailing data", mk(`{"alg":"EdDSA"}x`), nil, ErrMalformed},
		{"embedded jwk", mk(`{"alg":"EdDSA","jwk":{"kty":"OKP"}}`), nil, ErrForbiddenHeader},
		{"jku", mk(`{"alg":"EdDSA","jku":"https://evil.example/k"}`), nil, ErrForbiddenHeader},
		{"x5u", mk(`{"alg":"EdDSA","x5u":"https://evil.example/c"}`), nil, ErrForbiddenHeader},
		{"x5c", mk(`{"alg":"EdDSA","x5c":["AA"]}`), nil, ErrForbiddenHeader},
		{"unknown crit", mk(`{"alg":"EdDSA","crit":["exp"],"exp":1}`), nil, ErrForbiddenHeader},
		{"crit registered name", mk(`{"alg":"EdDSA","crit":["alg"]}`), &Options{Crit: []string{"alg"}}, ErrMalformed},
		{"crit empty", mk(`{"alg":"EdDSA","crit":[]}`), nil, ErrMalformed},
		{"crit param absent", mk(`{"alg":"EdDSA","crit":["x"]}`), &Options{Crit: []string{"x"}}, ErrMalformed},
		{"b64 false", mk(`{"alg":"EdDSA","b64":false,"crit":["b64"]}`), nil, ErrForbiddenHeader},
		{"two parts", seg(`{"alg":"EdDSA"}`) + "." + p, nil, ErrMalformed},
		{"four parts", mk(`{"alg":"EdDSA"}`) + ".x", nil, ErrMalformed},
		{"empty", "", nil, ErrMalformed},
		{"padding", good + "==", nil, ErrBadEncoding},
		{"newline in sig", good[:len(good)-4] + "\n" + good[len(good)-4:], nil, ErrBadEncoding},
		{"standard alphabet", seg(`{"alg":"EdDSA"}`) + "." + p + ".ab+/", nil, ErrBadEncoding},
		{"non-canonical trailing bits", seg(`{"alg":"EdDSA"}`) + "." + "eB" + "." + sig, nil, ErrBadEncoding},
		{"token too large", mk(`{"alg":"EdDSA"}`), &Options{MaxTokenBytes: 20}, ErrTooLarge},
		{"header too large", mk(`{"alg":"EdDSA","x":"` + strings.Repeat("a", 200) + `"}`), &Options{MaxHeaderBytes: 64}, ErrTooLarge},
		{"header too deep", mk(`{"alg":"EdDSA","x":[[[[[[[[[[1]]]]]]]]]]}`), nil, ErrMalformed},
		{"bad signature", mk(`{"alg":"EdDSA","typ":"x"}`), nil, ErrInvalidSignature},
		{"short signature", seg(`{"alg":"EdDSA"}`) + "." + p + "." + seg("abc"), nil, ErrInvalidSignature},
		{"alg mismatch ES256 header, Ed25519 key", mk(`{"alg":"ES256"}`), nil, ErrAlgMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(tt.token, edPub, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	// Allowed extensions pass.
	tok, err := Sign(Header{Crit: []string{"exp"}, Params: map[string]any{"exp": 5, "jwk": map[string]any{"kty": "OKP"}}}, []byte("x"), edPriv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(tok, edPub, &Options{Crit: []string{"exp"}, AllowHeaders: []string{"jwk"}}); err != nil {
		t.Fatalf("allowed extensions: %v", err)
	}
	if _, err := Verify(tok, edPub, &Options{Crit: []string{"exp"}}); !errors.Is(err, ErrForbiddenHeader) {
		t.Fatalf("jwk not allowed: %v", err)
	}
}

func TestSignRejects(t *testing.T) {
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if _, err := Sign(Header{}, nil, p521); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("P-521: %v", err)
	}
	if _, err := Sign(Header{}, nil, []byte("hmac secret")); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("HMAC: %v", err)
	}
	if _, err := Sign(Header{}, nil, nil); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("nil: %v", err)
	}
}
