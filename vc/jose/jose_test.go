package jose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
)

const issuerDID = "did:example:issuer"

type world struct {
	issuer, holder, stranger *did.PrivateKey
	resolver                 did.Resolver
}

func newWorld(t testing.TB, kt did.KeyType) *world {
	t.Helper()
	w := &world{}
	var err error
	for _, k := range []**did.PrivateKey{&w.issuer, &w.holder, &w.stranger} {
		if *k, err = did.GenerateKey(kt); err != nil {
			t.Fatal(err)
		}
	}
	docs := map[string]*did.Document{}
	mk := func(id string, key *did.PrivateKey) {
		am, _ := did.NewVerificationMethod(id+"#key-1", id, "Multikey", key.Public())
		other, _ := did.NewVerificationMethod(id+"#key-2", id, "Multikey", w.stranger.Public())
		docs[id] = &did.Document{ID: id, VerificationMethod: []did.VerificationMethod{am, other},
			AssertionMethod: []did.MethodRef{did.Ref("#key-1")}, Authentication: []did.MethodRef{did.Ref("#key-1")}}
	}
	mk(issuerDID, w.issuer)
	mk("did:example:holder", w.holder)
	w.resolver = did.ResolverFunc(func(_ context.Context, id string) (*did.Document, error) {
		if d, ok := docs[id]; ok {
			return d, nil
		}
		return nil, fmt.Errorf("%w: %s", did.ErrNotFound, id)
	})
	return w
}

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func credJSON(issuer string, extra string) []byte {
	return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + issuer +
		`","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder","memberOf":"Club"}` + extra + `}`)
}

func (w *world) opts() *VerifyOptions {
	return &VerifyOptions{Resolver: w.resolver, Now: func() time.Time { return now }}
}

func TestCredentialDID(t *testing.T) {
	for _, kt := range []did.KeyType{did.KeyEd25519, did.KeyP256, did.KeyP384, did.KeySecp256k1} {
		t.Run(string(kt), func(t *testing.T) {
			w := newWorld(t, kt)
			tok, err := SignCredential(credJSON(issuerDID, ""), w.issuer, issuerDID+"#key-1")
			if err != nil {
				t.Fatal(err)
			}
			v, err := VerifyCredential(context.Background(), tok, w.opts())
			if err != nil {
				t.Fatal(err)
			}
			if v.Subject != issuerDID || v.Typ != TypVC || v.Alg != kt.Algorithm() {
				t.Fatalf("%+v", v)
			}
			var m map[string]any
			if json.Unmarshal(v.Document, &m) != nil || m["issuer"] != issuerDID {
				t.Fatalf("document %s", v.Document)
			}
		})
	}
}

func TestCredentialRejects(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	sign := func(cred []byte, key *did.PrivateKey, kid string) string {
		tok, err := SignCredential(cred, key, kid)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := sign(credJSON(issuerDID, ""), w.issuer, issuerDID+"#key-1")
	parts := strings.Split(good, ".")
	tests := []struct {
		name  string
		token string
		opts  *VerifyOptions
		want  error
	}{
		{"kid not in assertionMethod", sign(credJSON(issuerDID, ""), w.stranger, issuerDID+"#key-2"), nil, ErrKeyNotAuthorized},
		{"kid DID is not the issuer", sign(credJSON(issuerDID, ""), w.holder, "did:example:holder#key-1"), nil, ErrKeyNotAuthorized},
		{"unknown DID", sign(credJSON("did:example:nobody", ""), w.issuer, "did:example:nobody#key-1"), nil, ErrUnresolvableDID},
		{"no kid", sign(credJSON(issuerDID, ""), w.issuer, ""), nil, ErrUnresolvableDID},
		{"wrong key signed", sign(credJSON(issuerDID, ""), w.stranger, issuerDID+"#key-1"), nil, ErrInvalidSignature},
		{"iss differs from issuer", sign(credJSON(issuerDID, `,"iss":"did:example:other"`), w.issuer, issuerDID+"#key-1"), nil, ErrMalformed},
		{"expired exp", sign(credJSON(issuerDID, `,"exp":1700000000`), w.issuer, issuerDID+"#key-1"), nil, ErrExpired},
		{"expired validUntil", sign(credJSON(issuerDID, `,"validUntil":"2025-02-01T00:00:00Z"`), w.issuer, issuerDID+"#key-1"), nil, ErrExpired},
		{"nbf in future", sign(credJSON(issuerDID, `,"nbf":1900000000`), w.issuer, issuerDID+"#key-1"), nil, ErrNotYetValid},
		{"exp not a number", sign(credJSON(issuerDID, `,"exp":"soon"`), w.issuer, issuerDID+"#key-1"), nil, ErrMalformed},
		{"alg none", "eyJhbGciOiJub25lIiwidHlwIjoidmMrand0In0." + parts[1] + ".", nil, ErrMalformed},
		{"presentation as credential", mustVP(t, w, "", ""), nil, ErrMalformed},
		{"too large", good, &VerifyOptions{Resolver: w.resolver, MaxBytes: 64}, ErrMalformed},
		{"two key sources", good, &VerifyOptions{Resolver: w.resolver, Key: w.issuer.Public()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts == nil {
				opts = w.opts()
			}
			_, err := VerifyCredential(context.Background(), tt.token, opts)
			if tt.want == nil {
				if err == nil {
					t.Fatal("want error")
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := SignCredential(credJSON(issuerDID, `,"vc":{}`), w.issuer, "k"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("sign with vc claim: %v", err)
	}
}

func mustVP(t testing.TB, w *world, aud, nonce string) string {
	cred, err := SignCredential(credJSON(issuerDID, ""), w.issuer, issuerDID+"#key-1")
	if err != nil {
		t.Fatal(err)
	}
	vp, _ := json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"},
		"type": "VerifiablePresentation", "holder": "did:example:holder", "verifiableCredential": []any{Envelope(cred)}})
	tok, err := SignPresentation(vp, w.holder, "did:example:holder#key-1", aud, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestPresentation(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	tok := mustVP(t, w, "https://door.example", "n-42")
	opts := w.opts()
	opts.Audience, opts.Nonce = "https://door.example", "n-42"
	v, err := VerifyPresentation(context.Background(), tok, opts)
	if err != nil {
		t.Fatal(err)
	}
	if v.Subject != "did:example:holder" || len(v.Credentials) != 1 || v.Credentials[0].Subject != issuerDID {
		t.Fatalf("%+v", v)
	}
	for _, tc := range []struct {
		name, aud, nonce string
		want             error
	}{
		{"wrong nonce", "https://door.example", "n-43", ErrChallenge},
		{"wrong audience", "https://other.example", "n-42", ErrChallenge},
	} {
		o := w.opts()
		o.Audience, o.Nonce = tc.aud, tc.nonce
		if _, err := VerifyPresentation(context.Background(), tok, o); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Holder binding: signed by the issuer's key but claiming the holder.
	vp, _ := json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation", "holder": "did:example:holder"})
	forged, _ := SignPresentation(vp, w.issuer, issuerDID+"#key-1", "", "")
	if _, err := VerifyPresentation(context.Background(), forged, w.opts()); !errors.Is(err, ErrKeyNotAuthorized) {
		t.Fatalf("holder binding: %v", err)
	}
	// Unsecured embedded credential.
	vp, _ = json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation",
		"holder": "did:example:holder", "verifiableCredential": []any{json.RawMessage(credJSON(issuerDID, ""))}})
	bare, _ := SignPresentation(vp, w.holder, "did:example:holder#key-1", "", "")
	if _, err := VerifyPresentation(context.Background(), bare, w.opts()); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unsecured credential: %v", err)
	}
	skip := w.opts()
	skip.SkipCredentials = true
	if _, err := VerifyPresentation(context.Background(), bare, skip); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unsecured credential, credentials skipped: %v", err)
	}
	// A forged enveloped credential fails the presentation, unless the caller
	// verifies the credentials itself.
	forgedCred := signRaw(t, w.holder, `{"alg":"EdDSA","typ":"vc+jwt","kid":"`+issuerDID+`#key-1"}`, string(credJSON(issuerDID, "")))
	vp, _ = json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation",
		"holder": "did:example:holder", "verifiableCredential": []any{Envelope(forgedCred)}})
	withForged, _ := SignPresentation(vp, w.holder, "did:example:holder#key-1", "", "")
	if _, err := VerifyPresentation(context.Background(), withForged, w.opts()); err == nil {
		t.Fatal("forged enveloped credential accepted")
	}
	v, err = VerifyPresentation(context.Background(), withForged, skip)
	if err != nil || len(v.Credentials) != 0 {
		t.Fatalf("credentials skipped: %v, %d verified", err, len(v.Credentials))
	}
}

func TestJWTVC(t *testing.T) {
	w := newWorld(t, did.KeyP256)
	cred := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:1","type":["VerifiableCredential"],
	"issuer":{"id":"did:example:issuer","name":"Club"},"issuanceDate":"2025-01-01T00:00:00Z","expirationDate":"2026-01-01T00:00:00Z",
	"credentialSubject":{"id":"did:example:holder","memberOf":"Club"}}`)
	tok, err := SignJWTVC(cred, w.issuer, issuerDID+"#key-1")
	if err != nil {
		t.Fatal(err)
	}
	v, err := VerifyJWTVC(context.Background(), tok, w.opts())
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	json.Unmarshal(v.Document, &got)
	json.Unmarshal(cred, &want)
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("round trip:\n got %s\nwant %s", gb, wb)
	}
	var p map[string]any
	json.Unmarshal(v.Payload, &p)
	if p["iss"] != issuerDID || p["sub"] != "did:example:holder" || p["jti"] != "urn:uuid:1" || p["nbf"] != float64(1735689600) || p["exp"] != float64(1767225600) {
		t.Fatalf("claims %v", p)
	}
	// Claims-only form: the verifier fills the credential from iss/sub/jti/nbf/exp.
	payload := `{"iss":"did:example:issuer","sub":"did:example:holder","jti":"urn:uuid:2","nbf":1735689600,"exp":1767225600,
	"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"credentialSubject":{"memberOf":"Club"}}}`
	tok2 := signRaw(t, w.issuer, `{"alg":"ES256","typ":"JWT","kid":"did:example:issuer#key-1"}`, payload)
	v2, err := VerifyJWTVC(context.Background(), tok2, w.opts())
	if err != nil {
		t.Fatal(err)
	}
	var c2 map[string]any
	json.Unmarshal(v2.Document, &c2)
	if c2["issuer"] != issuerDID || c2["id"] != "urn:uuid:2" || c2["issuanceDate"] != "2025-01-01T00:00:00Z" ||
		c2["expirationDate"] != "2026-01-01T00:00:00Z" || c2["credentialSubject"].(map[string]any)["id"] != "did:example:holder" {
		t.Fatalf("reconstructed %s", v2.Document)
	}
	// Minimized form: the issuer moved to iss leaves "issuer": "" (and "id": "") behind.
	mini := `{"iss":"did:example:issuer","sub":"did:example:holder","jti":"urn:uuid:3","nbf":1735689600,
	"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"","type":["VerifiableCredential"],"issuer":"",
	"credentialSubject":{"memberOf":"Club"}}}`
	v3, err := VerifyJWTVC(context.Background(), signRaw(t, w.issuer, `{"alg":"ES256","typ":"JWT","kid":"did:example:issuer#key-1"}`, mini), w.opts())
	if err != nil {
		t.Fatalf("minimized JWT-VC: %v", err)
	}
	var c3 map[string]any
	json.Unmarshal(v3.Document, &c3)
	if c3["issuer"] != issuerDID || c3["id"] != "urn:uuid:3" {
		t.Fatalf("minimized reconstructed %s", v3.Document)
	}
	late := w.opts()
	late.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := VerifyJWTVC(context.Background(), tok, late); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
	bad := `{"iss":"did:example:other","vc":{"type":["VerifiableCredential"],"issuer":"did:example:issuer"}}`
	if _, err := VerifyJWTVC(context.Background(), signRaw(t, w.issuer, `{"alg":"ES256","kid":"did:example:issuer#key-1"}`, bad), w.opts()); !errors.Is(err, ErrMalformed) {
		t.Fatalf("iss mismatch: %v", err)
	}
}
