package jose

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

const (
	holderDID = "did:example:holder"
	holderKid = holderDID + "#key-1"
	vpNonce   = "n-0S6_WzA2Mj"
	vpAud     = "https://door.example"
)

// jwtVC returns a VCDM 1.1 JWT-VC of the world's issuer about the holder.
func (w *world) jwtVC(t testing.TB) string {
	t.Helper()
	cred := `{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:c1","type":["VerifiableCredential"],
		"issuer":"` + issuerDID + `","issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":"` + holderDID + `","memberOf":"Club"}}`
	tok, err := SignJWTVC([]byte(cred), w.issuer, issuerDID+"#key-1")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func vpJSON(creds ...string) []byte {
	q, _ := json.Marshal(creds)
	return []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:p1","type":["VerifiablePresentation"],"holder":"` +
		holderDID + `","verifiableCredential":` + string(q) + `}`)
}

func (w *world) vpOpts() *VerifyOptions {
	o := w.opts()
	o.Nonce, o.Audience = vpNonce, vpAud
	return o
}

func TestJWTVPRoundTrip(t *testing.T) {
	for _, kt := range []did.KeyType{did.KeyEd25519, did.KeyP256, did.KeyP384, did.KeySecp256k1} {
		t.Run(string(kt), func(t *testing.T) {
			w := newWorld(t, kt)
			vc := w.jwtVC(t)
			tok, err := SignJWTVPAt(vpJSON(vc), w.holder, holderKid, vpAud, vpNonce, now.Add(-time.Minute), now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if h, _ := Peek(tok); h.Typ != "JWT" || h.Kid != holderKid || h.Alg != kt.Algorithm() {
				t.Fatalf("header %+v", h)
			}
			v, err := VerifyJWTVP(context.Background(), tok, w.vpOpts())
			if err != nil {
				t.Fatal(err)
			}
			if v.Subject != holderDID || len(v.Credentials) != 1 || v.Credentials[0].Subject != issuerDID {
				t.Fatalf("%+v", v)
			}
			var doc map[string]any
			if err := json.Unmarshal(v.Document, &doc); err != nil || doc["holder"] != holderDID || doc["id"] != "urn:uuid:p1" {
				t.Fatalf("document %s", v.Document)
			}
			var claims map[string]any
			_ = json.Unmarshal(v.Payload, &claims)
			if claims["iss"] != holderDID || claims["jti"] != "urn:uuid:p1" || claims["aud"] != vpAud || claims["nonce"] != vpNonce {
				t.Fatalf("claims %s", v.Payload)
			}
		})
	}
}

// TestJWTVPMinimized checks the VCDM 1.1 section 6.3.2 decoding of a presentation whose
// holder and id are carried only by iss and jti (absent, or left as empty strings).
func TestJWTVPMinimized(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	vc := w.jwtVC(t)
	q, _ := json.Marshal(vc)
	for name, vp := range map[string]string{
		"absent": `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":"VerifiablePresentation","verifiableCredential":` + string(q) + `}`,
		"empty":  `{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"","holder":"","type":["VerifiablePresentation"],"verifiableCredential":[` + string(q) + `]}`,
	} {
		t.Run(name, func(t *testing.T) {
			payload := `{"iss":"` + holderDID + `","jti":"urn:uuid:p2","aud":["` + vpAud + `","other"],"nonce":"` + vpNonce + `","vp":` + vp + `}`
			tok := signRaw(t, w.holder, `{"alg":"`+did.KeyEd25519.Algorithm()+`","kid":"`+holderKid+`"}`, payload)
			v, err := VerifyJWTVP(context.Background(), tok, w.vpOpts())
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(v.Document, &doc); err != nil || doc["holder"] != holderDID || doc["id"] != "urn:uuid:p2" {
				t.Fatalf("document %s", v.Document)
			}
		})
	}
}

func TestJWTVPSkipCredentials(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	q := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:example:x","credentialSubject":{}}`
	vp := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"holder":"` + holderDID +
		`","verifiableCredential":["not.a.token",` + q + `]}`
	tok := signRaw(t, w.holder, `{"alg":"EdDSA","typ":"JWT","kid":"`+holderKid+`"}`, `{"nonce":"`+vpNonce+`","aud":"`+vpAud+`","vp":`+vp+`}`)
	o := w.vpOpts()
	o.SkipCredentials = true
	if v, err := VerifyJWTVP(context.Background(), tok, o); err != nil || len(v.Credentials) != 0 {
		t.Fatalf("SkipCredentials: %v", err)
	}
	// Without it, the JSON-LD credential goes to Enveloped.
	var got string
	o = w.vpOpts()
	o.Enveloped = func(_ context.Context, mt, data string) error {
		got = mt
		return nil
	}
	if _, err := VerifyJWTVP(context.Background(), tok, o); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad first credential: %v", err)
	}
	tok = signRaw(t, w.holder, `{"alg":"EdDSA","kid":"`+holderKid+`"}`, `{"nonce":"`+vpNonce+`","aud":"`+vpAud+`","vp":`+
		strings.Replace(vp, `"not.a.token",`, "", 1)+`}`)
	if _, err := VerifyJWTVP(context.Background(), tok, o); err != nil || got != MediaTypeLDCredential {
		t.Fatalf("Enveloped: %v %q", err, got)
	}
}

func TestJWTVPRejects(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	vc := w.jwtVC(t)
	q, _ := json.Marshal(vc)
	vp := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"holder":"` + holderDID +
		`","verifiableCredential":[` + string(q) + `]}`
	good := `{"iss":"` + holderDID + `","aud":"` + vpAud + `","nonce":"` + vpNonce + `","vp":` + vp + `}`
	hdr := `{"alg":"EdDSA","typ":"JWT","kid":"` + holderKid + `"}`
	sign := func(header, payload string) string { return signRaw(t, w.holder, header, payload) }
	with := func(claims string) string { return strings.Replace(good, `"vp":`, claims+`,"vp":`, 1) }
	jwkHeader := func() string {
		m, _ := ijose.PublicJWK(w.holder.Public().CryptoPublicKey())
		j, _ := json.Marshal(m)
		return string(j)
	}
	tampered := vc[:len(vc)-4] + "AAAA"
	qt, _ := json.Marshal(tampered)
	many := make([]string, MaxEnveloped+1)
	for i := range many {
		many[i] = vc
	}
	mq, _ := json.Marshal(many)
	big := sign(hdr, good)

	cases := []struct {
		name  string
		token string
		opts  func(*VerifyOptions)
		kind  error
	}{
		{"alg none, empty signature", ijose.EncodeSegment([]byte(`{"alg":"none","typ":"JWT","kid":"`+holderKid+`"}`)) + "." + ijose.EncodeSegment([]byte(good)) + ".", nil, ErrMalformed},
		{"alg none", ijose.EncodeSegment([]byte(`{"alg":"none","typ":"JWT","kid":"`+holderKid+`"}`)) + "." + ijose.EncodeSegment([]byte(good)) + ".AAAA", nil, ErrUnsupportedAlg},
		{"alg HS256", sign(`{"alg":"HS256","kid":"`+holderKid+`"}`, good), nil, ErrUnsupportedAlg},
		{"alg not the key's (ES256 header, Ed25519 key)", sign(`{"alg":"ES256","kid":"`+holderKid+`"}`, good), nil, ErrInvalidSignature},
		{"embedded jwk header", sign(`{"alg":"EdDSA","kid":"`+holderKid+`","jwk":`+jwkHeader()+`}`, good), nil, ErrMalformed},
		{"unknown crit", sign(`{"alg":"EdDSA","kid":"`+holderKid+`","crit":["x"],"x":1}`, good), nil, ErrMalformed},
		{"typ vp+jwt", sign(`{"alg":"EdDSA","typ":"vp+jwt","kid":"`+holderKid+`"}`, good), nil, ErrMediaType},
		{"no vp claim (a JWT-VC)", vc, nil, ErrMediaType},
		{"vc and vp claims", sign(hdr, with(`"vc":{}`)), nil, ErrMalformed},
		{"vp not an object", sign(hdr, `{"iss":"`+holderDID+`","vp":"x"}`), nil, ErrMalformed},
		{"type without VerifiablePresentation", sign(hdr, strings.Replace(good, `"VerifiablePresentation"`, `"Presentation"`, 1)), nil, ErrMediaType},
		{"iss is not the holder", sign(hdr, strings.Replace(good, `"iss":"`+holderDID, `"iss":"did:example:mallory`, 1)), nil, ErrMalformed},
		{"empty iss", sign(hdr, strings.Replace(good, `"iss":"`+holderDID, `"iss":"`, 1)), nil, ErrMalformed},
		{"jti is not the id", sign(hdr, strings.Replace(with(`"jti":"urn:uuid:other"`), `"holder":`, `"id":"urn:uuid:p1","holder":`, 1)), nil, ErrMalformed},
		{"holder not a string or object with id", sign(hdr, strings.Replace(good, `"holder":"`+holderDID+`"`, `"holder":7`, 1)), nil, ErrMalformed},
		{"no holder and no iss", sign(hdr, strings.Replace(strings.Replace(good, `"iss":"`+holderDID+`",`, "", 1), `"holder":"`+holderDID+`",`, "", 1)), nil, ErrKeyNotAuthorized},
		{"kid of another DID", sign(`{"alg":"EdDSA","kid":"`+issuerDID+`#key-1"}`, good), nil, ErrKeyNotAuthorized},
		{"kid not in authentication", signRaw(t, w.stranger, `{"alg":"EdDSA","kid":"`+holderDID+`#key-2"}`, good), nil, ErrKeyNotAuthorized},
		{"unresolvable holder", sign(`{"alg":"EdDSA","kid":"did:example:nobody#key-1"}`, strings.ReplaceAll(good, holderDID, "did:example:nobody")), nil, ErrUnresolvableDID},
		{"signed by another key", signRaw(t, w.stranger, hdr, good), nil, ErrInvalidSignature},
		{"tampered payload", strings.Join([]string{strings.Split(big, ".")[0], ijose.EncodeSegment([]byte(with(`"x":1`))), strings.Split(big, ".")[2]}, "."), nil, ErrInvalidSignature},
		{"expired", sign(hdr, with(`"exp":1700000000`)), nil, ErrExpired},
		{"not yet valid", sign(hdr, with(`"nbf":1900000000`)), nil, ErrNotYetValid},
		{"iat not a NumericDate", sign(hdr, with(`"iat":"yesterday"`)), nil, ErrMalformed},
		{"wrong nonce", sign(hdr, strings.Replace(good, vpNonce, "other", 1)), nil, ErrChallenge},
		{"no nonce", sign(hdr, strings.Replace(good, `"nonce":"`+vpNonce+`",`, "", 1)), nil, ErrChallenge},
		{"wrong aud", sign(hdr, strings.Replace(good, vpAud, "https://evil.example", 1)), nil, ErrChallenge},
		{"token over MaxBytes", big, func(o *VerifyOptions) { o.MaxBytes = 64 }, ErrMalformed},
		{"more than MaxEnveloped credentials", sign(hdr, strings.Replace(good, `[`+string(q)+`]`, string(mq), 1)), nil, ErrMalformed},
		{"credential neither JWT nor object", sign(hdr, strings.Replace(good, `[`+string(q)+`]`, `[42]`, 1)), nil, ErrMalformed},
		{"tampered credential", sign(hdr, strings.Replace(good, string(q), string(qt), 1)), nil, ErrInvalidSignature},
		{"JSON-LD credential without Enveloped", sign(hdr, strings.Replace(good, `[`+string(q)+`]`, `[{"type":"VerifiableCredential"}]`, 1)), nil, ErrUnsupportedAlg},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := w.vpOpts()
			if tc.opts != nil {
				tc.opts(o)
			}
			v, err := VerifyJWTVP(context.Background(), tc.token, o)
			if !errors.Is(err, tc.kind) || v != nil {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
		})
	}
	if _, err := VerifyJWTVP(context.Background(), big, w.vpOpts()); err != nil {
		t.Fatalf("the unmodified token: %v", err)
	}
}

func TestSignJWTVPRejects(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	for _, tc := range []struct {
		name, vp string
		kind     error
	}{
		{"not JSON", `{`, ErrMalformed},
		{"not an object", `[]`, ErrMalformed},
		{"no holder", `{"type":"VerifiablePresentation"}`, ErrMalformed},
		{"not a presentation", `{"type":"VerifiableCredential","holder":"did:example:holder"}`, ErrMediaType},
		{"vp member", `{"type":"VerifiablePresentation","holder":"did:example:holder","vp":{}}`, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := SignJWTVP([]byte(tc.vp), w.holder, holderKid, "", ""); !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
		})
	}
	if _, err := SignJWTVPAt(vpJSON(), w.holder, holderKid, "", "", now, now); !errors.Is(err, ErrMalformed) {
		t.Fatalf("exp not after iat: %v", err)
	}
	if _, err := SignJWTVP(vpJSON(), "not a key", holderKid, "", ""); !errors.Is(err, ErrUnsupportedAlg) {
		t.Fatalf("bad key: %v", err)
	}
}

func FuzzVerifyJWTVP(f *testing.F) {
	w := newWorld(f, did.KeyEd25519)
	vc := w.jwtVC(f)
	for _, tok := range []string{vc} {
		f.Add(tok)
	}
	if tok, err := SignJWTVPAt(vpJSON(vc), w.holder, holderKid, vpAud, vpNonce, now, time.Time{}); err == nil {
		f.Add(tok)
	}
	f.Add(signRaw(f, w.holder, `{"alg":"EdDSA","kid":"`+holderKid+`"}`, `{"iss":"`+holderDID+`","vp":{"type":"VerifiablePresentation","holder":""}}`))
	f.Fuzz(func(t *testing.T, tok string) {
		for _, skip := range []bool{false, true} {
			o := w.vpOpts()
			o.SkipCredentials = skip
			v, err := VerifyJWTVP(context.Background(), tok, o)
			if err != nil {
				if v != nil || vcerr.Find(err) == nil {
					t.Fatalf("untyped error or result with error: %v", err)
				}
				continue
			}
			// A verified presentation decodes back to what it says, and its holder
			// signed it.
			var doc map[string]any
			if json.Unmarshal(v.Document, &doc) != nil || doc["holder"] != v.Subject || v.Subject != holderDID {
				t.Fatalf("document %s, subject %q", v.Document, v.Subject)
			}
		}
	})
}

// BenchmarkVerifyJWTVP measures VCDM 1.1 JWT presentation verification (Ed25519, keys
// from DID documents) beside the raw signature check of the same token: "vp" checks the
// holder's signature, nonce, aud and times (SkipCredentials), "vp+jwt-vc" also verifies
// the one JWT-VC inside, two signatures in all.
func BenchmarkVerifyJWTVP(b *testing.B) {
	w := newWorld(b, did.KeyEd25519)
	tok, err := SignJWTVPAt(vpJSON(w.jwtVC(b)), w.holder, holderKid, vpAud, vpNonce, now, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	i := strings.LastIndexByte(tok, '.')
	msg := []byte(tok[:i])
	sig, _ := ijose.DecodeSegment(tok[i+1:])
	pub := w.holder.Public().CryptoPublicKey().(ed25519.PublicKey)
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad")
			}
		}
	})
	for _, skip := range []bool{true, false} {
		name := "vp+jwt-vc"
		if skip {
			name = "vp"
		}
		o := w.vpOpts()
		o.SkipCredentials = skip
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyJWTVP(context.Background(), tok, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
