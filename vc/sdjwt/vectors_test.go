package sdjwt

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jose"
)

// Keys from testdata/sd-jwt/*/settings.yml (same in both folders).
const (
	vecIssuerJWK = `{"kty":"EC","crv":"P-256","d":"Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}`
	vecHolderJWK = `{"kty":"EC","crv":"P-256","d":"5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I","x":"TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc","y":"ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}`
	vecNonce     = "1234567890"
)

var vecAudience = map[string]string{
	"testcases":     "https://example.com/verifier",
	"ietf-examples": "https://verifier.example.org",
}

// vecRejected lists vectors this package refuses on purpose, with the kind.
var vecRejected = map[string]error{
	// Header "kid": 42 is a number; RFC 7515 section 4.1.4 makes kid a string.
	"testcases/header_mod": ErrMalformed,
}

type vector struct {
	set, name, dir string
}

func vectors(t *testing.T) []vector {
	var out []vector
	for _, set := range []string{"testcases", "ietf-examples"} {
		ents, err := os.ReadDir(filepath.Join("../../testdata/sd-jwt", set))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() {
				out = append(out, vector{set, e.Name(), filepath.Join("../../testdata/sd-jwt", set, e.Name())})
			}
		}
	}
	return out
}

func (v vector) read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(v.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (v vector) exists(name string) bool {
	_, err := os.Stat(filepath.Join(v.dir, name))
	return err == nil
}

// compactOf returns the vector's issuance or presentation in compact form,
// converting the flattened JSON serialization (RFC 9901 section 8).
func (v vector) compactOf(t *testing.T, base string) string {
	if v.exists(base + ".txt") {
		return strings.TrimSpace(string(v.read(t, base+".txt")))
	}
	var s string
	if err := json.Unmarshal(v.read(t, base+".json"), &s); err != nil {
		t.Fatal(err)
	}
	c, err := FromJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func jsonEqual(t *testing.T, got any, wantRaw []byte) bool {
	t.Helper()
	var want any
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	var gotN any
	json.Unmarshal(g, &gotN)
	return reflect.DeepEqual(gotN, want)
}

func mustJWK(t testing.TB, s string) any {
	k, err := jose.ParseJWK([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func vecOptions(t *testing.T, v vector, kb bool) *VerifyOptions {
	issuer := mustJWK(t, vecIssuerJWK)
	pub, _ := jose.PublicKeyOf(issuer)
	now := time.Unix(1683000000, 0)
	opts := &VerifyOptions{Key: pub, Types: []string{"example+sd-jwt", TypeVC}, Now: func() time.Time { return now }}
	if kb {
		var p struct{ Iat int64 }
		json.Unmarshal(v.read(t, "kb_jwt_payload.json"), &p)
		now = time.Unix(p.Iat, 0)
		opts.KeyBinding = &KeyBindingPolicy{Required: true, Audience: vecAudience[v.set], Nonce: vecNonce}
	}
	return opts
}

// TestVectorsPresentation verifies every sd_jwt_presentation (with the
// KB-JWT where the vector has one) and compares the processed payload with
// verified_contents.json.
func TestVectorsPresentation(t *testing.T) {
	for _, v := range vectors(t) {
		t.Run(v.set+"/"+v.name, func(t *testing.T) {
			kb := v.exists("kb_jwt_payload.json")
			got, err := Verify(context.Background(), v.compactOf(t, "sd_jwt_presentation"), vecOptions(t, v, kb))
			if want, ok := vecRejected[v.set+"/"+v.name]; ok {
				if !errors.Is(err, want) {
					t.Fatalf("Verify = %v, want %v", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.KeyBound != kb {
				t.Fatalf("KeyBound = %v, want %v", got.KeyBound, kb)
			}
			if !jsonEqual(t, got.Claims, v.read(t, "verified_contents.json")) {
				b, _ := json.MarshalIndent(got.Claims, "", " ")
				t.Fatalf("claims differ from verified_contents.json:\n%s", b)
			}
		})
	}
}

// normalize drops digests not in known (decoys, undisclosed) and sorts _sd,
// so payloads issued with the same salts compare equal.
func normalize(v any, known map[string]bool) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "_sd" {
				var keep []string
				for _, d := range e.([]any) {
					if known[d.(string)] {
						keep = append(keep, d.(string))
					}
				}
				slices.Sort(keep)
				t[k] = keep
				continue
			}
			t[k] = normalize(e, known)
		}
		return t
	case []any:
		var out []any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok && len(m) == 1 {
				if d, ok := m["..."].(string); ok && !known[d] {
					continue
				}
			}
			out = append(out, normalize(e, known))
		}
		return out
	}
	return v
}

// TestVectorsIssuance verifies every sd_jwt_issuance, then re-issues
// user_claims.json with the vector's salts and checks the disclosures match
// byte for byte and the payload matches up to decoy digests.
func TestVectorsIssuance(t *testing.T) {
	for _, v := range vectors(t) {
		t.Run(v.set+"/"+v.name, func(t *testing.T) {
			issuance := v.compactOf(t, "sd_jwt_issuance")
			got, err := Verify(context.Background(), issuance, vecOptions(t, v, false))
			if want, ok := vecRejected[v.set+"/"+v.name]; ok {
				if !errors.Is(err, want) {
					t.Fatalf("Verify = %v, want %v", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var payload map[string]any
			json.Unmarshal(v.read(t, "sd_jwt_payload.json"), &payload)
			salts := map[string]string{}
			var paths, theirs []string
			known := map[string]bool{}
			for _, d := range got.Disclosures {
				salts[d.Path] = d.Salt
				paths = append(paths, d.Path)
				theirs = append(theirs, d.Encoded)
				known[d.Digest] = true
			}
			// Re-issue: user claims plus the generator's iss/iat/exp.
			uc := strings.TrimSpace(string(v.read(t, "user_claims.json")))
			var ucm map[string]any
			json.Unmarshal([]byte(uc), &ucm)
			add := map[string]any{}
			for _, k := range []string{"iss", "iat", "exp"} {
				if _, in := ucm[k]; !in && payload[k] != nil {
					add[k] = payload[k]
				}
			}
			claims := uc
			if len(add) > 0 {
				extra, _ := json.Marshal(add)
				claims = "{" + string(extra[1:len(extra)-1]) + "," + uc[1:]
			}
			opts := &IssueOptions{
				Disclose: paths, Typ: got.Typ, Format: FormatSpaced,
				SaltFunc: func(p string) (string, error) { return salts[p], nil },
			}
			if _, ok := payload["cnf"]; ok && ucm["cnf"] == nil {
				opts.HolderKey = mustJWK(t, vecHolderJWK)
			}
			mine, err := Issue([]byte(claims), mustJWK(t, vecIssuerJWK), opts)
			if err != nil {
				t.Fatal(err)
			}
			sd, err := Parse(mine, nil)
			if err != nil {
				t.Fatal(err)
			}
			var ours []string
			for _, d := range sd.Disclosures {
				ours = append(ours, d.Encoded)
			}
			slices.Sort(ours)
			slices.Sort(theirs)
			if !slices.Equal(ours, theirs) {
				t.Fatalf("disclosures differ:\n ours %q\ntheirs %q", ours, theirs)
			}
			j, _ := jose.Parse(sd.JWT, nil)
			var mp map[string]any
			json.Unmarshal(j.Payload, &mp)
			if !reflect.DeepEqual(normalize(mp, known), normalize(payload, known)) {
				t.Fatalf("payload differs:\n ours %s\ntheirs %v", j.Payload, payload)
			}
			// Our issuance verifies and yields the same claims as theirs.
			re, err := Verify(context.Background(), mine, vecOptions(t, v, false))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(re.Claims, got.Claims) {
				t.Fatalf("processed claims differ")
			}
		})
	}
}
