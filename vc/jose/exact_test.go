package jose

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonx"
)

var payloadSeeds = []string{
	`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:issuer","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder"}}`,
	`{"type":"VerifiablePresentation","holder":{"id":"did:example:h","name":"x"},"nonce":"n","aud":["a","b"],"exp":1.5e9,"nbf":-0}`,
	`{"issuer":"did:a","ISSUER":"did:b","Type":["x"],"type":["VerifiableCredential",null],"iss":null,"vc":null}`,
	`{"vc":{"type":"VerifiableCredential","issuer":""},"iss":"did:a","sub":7,"jti":"u"}`,
	`{"issuer":{"id":""},"validUntil":5,"exp":"1","nbf":null,"verifiableCredential":[{"id":"data:x"}]}`,
	"{ \"a\" : [1, {\"b\":\"}\\\"]\"}] , \"v\\u0063\" : {\"x\":[]} ,\"z\":true}",
	`null`, `[]`, `"x"`, `{}`,
}

// The one-pass payload reader must accept exactly what the field-by-field decode
// into the claims struct accepts, and read the same values.
func FuzzPayloadFields(f *testing.F) {
	for _, s := range payloadSeeds {
		f.Add([]byte(s))
	}
	lim := jsonx.Limits{MaxBytes: DefaultMaxBytes}
	f.Fuzz(func(t *testing.T, data []byte) {
		var old claims
		oldErr := unmarshalFields(data, &old, lim)
		m, err := decodePayload(data, lim)
		var c claims
		var sub, jti *string
		if err == nil {
			if c.Iss, err = optString(m, "iss"); err == nil {
				if c.ValidFrom, err = optString(m, "validFrom"); err == nil {
					if c.ValidUntil, err = optString(m, "validUntil"); err == nil {
						c.Nonce, err = optString(m, "nonce")
					}
				}
			}
		}
		var oldVC struct {
			VC  map[string]any `json:"vc"`
			Sub *string        `json:"sub"`
			Jti *string        `json:"jti"`
		}
		oldVCErr := unmarshalFields(data, &oldVC, lim)
		if err == nil {
			if sub, err = optString(m, "sub"); err == nil {
				jti, err = optString(m, "jti")
			}
			if vc, ok := m["vc"]; ok && err == nil && vc != nil {
				if _, ok := vc.(map[string]any); !ok {
					err = errNotObject
				}
			}
		}
		if (oldErr == nil && oldVCErr == nil) != (err == nil) {
			t.Fatalf("old error %v, new error %v", oldErr, err)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual([]*string{old.Iss, old.ValidFrom, old.ValidUntil, old.Nonce, oldVC.Sub, oldVC.Jti}, []*string{c.Iss, c.ValidFrom, c.ValidUntil, c.Nonce, sub, jti}) {
			t.Fatal("string members differ")
		}
		for name, raw := range map[string]json.RawMessage{"exp": old.Exp, "nbf": old.Nbf} {
			t1, ok1, err1 := numericDate(name, raw)
			t2, ok2, err2 := numericDate(name, rawValue(m, name))
			if !t1.Equal(t2) || ok1 != ok2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s differs: %v %v %v / %v %v %v", name, t1, ok1, err1, t2, ok2, err2)
			}
		}
		if (oldVC.VC != nil) != (m["vc"] != nil) {
			t.Fatal("vc object differs")
		}
		if (old.VC != nil) != hasKey(m, "vc") || (old.VP != nil) != hasKey(m, "vp") {
			t.Fatal("vc/vp presence differs")
		}
		for _, want := range []string{"VerifiableCredential", "VerifiablePresentation", "a"} {
			if hasType(old.Type, want) != hasTypeValue(m["type"], want) || audContains(old.Aud, want) != hasTypeValue(m["aud"], want) {
				t.Fatalf("type/aud %q differs", want)
			}
		}
		for name, raw := range map[string]json.RawMessage{"issuer": old.Issuer, "holder": old.Holder} {
			id1, err1 := idOf(raw)
			v, ok := m[name]
			id2, err2 := idOfValue(v, ok)
			if id1 != id2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s: %q %v / %q %v", name, id1, err1, id2, err2)
			}
		}
		// rawMember finds the text of each exact member.
		for k, v := range m {
			raw := rawMember(data, k)
			got, err := jsonx.Decode(raw, lim)
			if err != nil || !reflect.DeepEqual(got, v) {
				t.Fatalf("rawMember(%q) = %q (%v)", k, raw, err)
			}
		}
		if rawMember(data, "\x00absent") != nil {
			t.Fatal("rawMember found an absent member")
		}
	})
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// A JWT-VC whose "vc" member already holds every claim gives that member as
// signed; one that lacks a claim gives the credential with it filled in.
func TestJWTVCDocument(t *testing.T) {
	key, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	opts := &VerifyOptions{Key: key.Public(), Now: func() time.Time { return now }}
	full := `{"@context":["https://www.w3.org/2018/credentials/v1"], "id":"urn:uuid:1","type":["VerifiableCredential"],"issuer":"did:example:issuer","issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder","n":1.50}}`
	for _, c := range []struct {
		name, payload, want string
	}{
		{"complete", `{"iss":"did:example:issuer","jti":"urn:uuid:1","sub":"did:example:holder","nbf":1735689600,"vc":` + full + `}`, full},
		{"minimized", `{"iss":"did:example:issuer","sub":"did:example:holder","nbf":1735689600,"vc":{"type":"VerifiableCredential","credentialSubject":{"n":1.50}}}`,
			`{"credentialSubject":{"id":"did:example:holder","n":1.50},"issuanceDate":"2025-01-01T00:00:00Z","issuer":"did:example:issuer","type":"VerifiableCredential"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok := signRaw(t, key, `{"alg":"EdDSA","typ":"JWT"}`, c.payload)
			v, err := VerifyJWTVC(context.Background(), tok, opts)
			if err != nil {
				t.Fatal(err)
			}
			if string(v.Document) != c.want {
				t.Fatalf("document %s, want %s", v.Document, c.want)
			}
		})
	}
}
