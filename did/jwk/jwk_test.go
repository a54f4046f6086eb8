package jwk_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/internal/multi"
)

type vector struct {
	Name     string          `json:"name"`
	DID      string          `json:"did"`
	DIDURL   string          `json:"didUrl"`
	Document json.RawMessage `json:"didDocument"`
}

func load(t *testing.T, file string) vector {
	t.Helper()
	data, err := os.ReadFile("../../testdata/did-jwk/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonEqual(t *testing.T, got any, want json.RawMessage) {
	t.Helper()
	g, _ := json.Marshal(got)
	var gv, wv any
	_ = json.Unmarshal(g, &gv)
	_ = json.Unmarshal(want, &wv)
	if !reflect.DeepEqual(gv, wv) {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

// TestVectors checks the did:jwk spec examples (p256.json, x25519.json).
func TestVectors(t *testing.T) {
	for _, file := range []string{"p256.json", "x25519.json"} {
		v := load(t, file)
		t.Run(file, func(t *testing.T) {
			doc, err := jwk.Resolve(v.DID)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, doc, v.Document)
			pub, raw, err := jwk.PublicKey(v.DID)
			if err != nil {
				t.Fatal(err)
			}
			again, err := jwk.FromJWK(raw)
			if err != nil || again != v.DID {
				t.Errorf("FromJWK = %s, %v", again, err)
			}
			if file == "p256.json" {
				if got := jwk.New(pub); got != v.DID {
					t.Errorf("New = %s", got)
				}
			}
			rel := did.AssertionMethod
			if pub.Type() == did.KeyX25519 {
				rel = did.KeyAgreement
			}
			if _, err := doc.MethodFor(v.DIDURL, rel); err != nil {
				t.Errorf("MethodFor(%s): %v", v.DIDURL, err)
			}
		})
	}
}

// TestPublishedDocument checks the documents as printed in the spec. The P-256 one has a
// stray '$' in its authentication entry ("did:jwk:$eyJ..."), which is not a DID URL, so
// parsing must reject it with ErrInvalidDocument.
func TestPublishedDocument(t *testing.T) {
	for _, name := range []string{"p256", "x25519"} {
		data, err := os.ReadFile("../../testdata/did-jwk/" + name + ".did-document.published.json")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := did.ParseDocument(data)
		if name == "p256" {
			if !errors.Is(err, did.ErrInvalidDocument) || !errors.Is(err, did.ErrInvalidDIDURL) {
				t.Errorf("p256 published document: err = %v, want ErrInvalidDocument", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want, err := jwk.Resolve(doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		k1, err := doc.VerificationMethod[0].PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		k2, _ := want.VerificationMethod[0].PublicKey()
		if !k1.Equal(k2) {
			t.Errorf("%s: key mismatch", name)
		}
	}
}

func TestAllKeyTypes(t *testing.T) {
	for _, typ := range did.KeyTypes() {
		priv, err := did.GenerateKey(typ)
		if err != nil {
			t.Fatal(err)
		}
		id := jwk.New(priv.Public())
		doc, err := jwk.Resolve(id)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		k, err := doc.VerificationMethod[0].PublicKey()
		if err != nil || !k.Equal(priv.Public()) {
			t.Fatalf("%s: %v %v", typ, k, err)
		}
		_, err = doc.MethodFor(id+"#0", did.AssertionMethod)
		if typ == did.KeyX25519 && !errors.Is(err, did.ErrNotAuthorized) || typ != did.KeyX25519 && err != nil {
			t.Errorf("%s: assertionMethod: %v", typ, err)
		}
	}
}

func TestInvalid(t *testing.T) {
	enc := func(s string) string { return "did:jwk:" + multi.EncodeRawBase64URL([]byte(s)) }
	priv, _ := did.GenerateKey(did.KeyP256)
	pj, _ := json.Marshal(priv.JWK())
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"not-base64url", "did:jwk:eyJ+", did.ErrInvalidDID},
		{"padding", "did:jwk:e30=", did.ErrInvalidDID},
		{"not-json", enc("{"), did.ErrInvalidKey},
		{"duplicate-member", enc(`{"kty":"OKP","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), did.ErrInvalidKey},
		{"private-key", enc(string(pj)), did.ErrInvalidKey},
		{"rsa", enc(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`), did.ErrUnsupportedKeyType},
		{"p521", enc(`{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}`), did.ErrUnsupportedKeyType},
		{"kty-crv-mismatch", enc(`{"kty":"EC","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), did.ErrInvalidKey},
		{"short-x", enc(`{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`), did.ErrInvalidKey},
		{"other-method", "did:key:z6Mk", did.ErrMethodNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := jwk.Resolve(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
