package policy

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	commons = "did:example:commons"
	alice   = "did:example:alice"
)

const basePolicy = `{
  "id": "urn:example:door-policy",
  "types": ["MembershipCredential"],
  "issuers": [{"did": "did:example:commons", "name": "Commons", "types": ["MembershipCredential"], "validFrom": "2024-01-01T00:00:00Z"}],
  "constraints": [
    {"path": "credentialSubject.role", "op": "in", "value": ["member", "steward"]},
    {"path": "credentialSubject.community", "op": "equals", "value": "did:example:commons"},
    {"path": "credentialSubject.memberSince", "op": "before", "value": "now"}
  ],
  "maxAge": "365d",
  "requireStatus": true,
  "minScore": 0.5
}`

func mustParse(t testing.TB, s string) *Policy {
	t.Helper()
	p, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// membership returns a parsed membership credential and a verified result for it.
func membership(t testing.TB, issuer, community, role string, validFrom time.Time, withStatus bool) *vc.Result {
	t.Helper()
	c := vc.NewMembership(vc.MembershipClaims{Member: alice, Community: community, Role: role, Since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	c.Issuer = vc.Node{ID: issuer}
	c.ValidFrom = validFrom
	if withStatus {
		c.Status = []vc.Node{{ID: "https://example.org/status/1#5", Types: []string{"BitstringStatusListEntry"},
			Props: map[string]any{"statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": "https://example.org/status/1"}}}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := vc.ParseCredential(b)
	if err != nil {
		t.Fatal(err)
	}
	r := &vc.Result{Format: vc.FormatJOSE, Credential: pc}
	for _, name := range vc.CheckNames {
		switch name {
		case vc.CheckNameContexts, vc.CheckNameIssuer:
			r.Skip(name, nil)
		case vc.CheckNameStatus:
			if withStatus {
				r.Record(name, nil)
			} else {
				r.Skip(name, nil)
			}
		default:
			r.Record(name, nil)
		}
	}
	_ = r.Finish()
	return r
}

func codes(d Decision) []Code {
	var out []Code
	for _, r := range d.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	p := mustParse(t, basePolicy)
	recent := now.Add(-30 * 24 * time.Hour)
	scores := map[string]float64{alice: 0.9}
	revoked := membership(t, commons, commons, "member", recent, true)
	revoked.Checks[4] = vc.Check{Name: vc.CheckNameStatus, Status: vc.Failed, Err: vc.ErrRevoked}
	_ = revoked.Finish()

	tests := []struct {
		name   string
		in     Input
		want   []Code
		wantIs error
	}{
		{"allow", Input{Result: membership(t, commons, commons, "member", recent, true), Holder: alice, Scores: scores}, nil, nil},
		{"steward allowed", Input{Result: membership(t, commons, commons, "steward", recent, true), Holder: alice, Scores: scores}, nil, nil},
		{"untrusted issuer", Input{Result: membership(t, "did:example:other", commons, "member", recent, true), Holder: alice, Scores: scores},
			[]Code{CodeUntrustedIssuer}, vc.ErrUntrustedIssuer},
		{"wrong community", Input{Result: membership(t, commons, "did:example:elsewhere", "member", recent, true), Holder: alice, Scores: scores},
			[]Code{CodeClaimMismatch}, ErrClaimMismatch},
		{"wrong role", Input{Result: membership(t, commons, commons, "visitor", recent, true), Holder: alice, Scores: scores},
			[]Code{CodeClaimMismatch}, ErrClaimMismatch},
		{"too old", Input{Result: membership(t, commons, commons, "member", now.Add(-400*24*time.Hour), true), Holder: alice, Scores: scores},
			[]Code{CodeTooOld}, ErrTooOld},
		{"no status", Input{Result: membership(t, commons, commons, "member", recent, false), Holder: alice, Scores: scores},
			[]Code{CodeStatusRequired}, ErrStatusRequired},
		{"revoked", Input{Result: revoked, Holder: alice, Scores: scores}, []Code{CodeRevoked}, vc.ErrRevoked},
		{"low score", Input{Result: membership(t, commons, commons, "member", recent, true), Holder: alice, Scores: map[string]float64{alice: 0.2}},
			[]Code{CodeLowScore}, ErrLowScore},
		{"no score", Input{Result: membership(t, commons, commons, "member", recent, true), Holder: alice},
			[]Code{CodeLowScore}, ErrLowScore},
		{"other holder", Input{Result: membership(t, commons, commons, "member", recent, true), Holder: "did:example:mallory", Scores: map[string]float64{"did:example:mallory": 1}},
			[]Code{CodeHolderMismatch}, ErrHolderMismatch},
		{"no result", Input{Holder: alice}, []Code{CodeNotVerified}, ErrNotVerified},
		{"two failures", Input{Result: membership(t, "did:example:other", "did:example:elsewhere", "member", recent, true), Holder: alice, Scores: scores},
			[]Code{CodeUntrustedIssuer, CodeClaimMismatch}, ErrUntrustedIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			d := p.Evaluate(tt.in)
			if !reflect.DeepEqual(codes(d), tt.want) {
				t.Fatalf("codes %v, want %v (%v)", codes(d), tt.want, d.Reasons)
			}
			if d.Allow != (tt.want == nil) {
				t.Fatalf("allow %v with reasons %v", d.Allow, d.Reasons)
			}
			err := d.Err()
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrDenied) || !errors.Is(err, tt.wantIs) {
				t.Fatalf("err %v does not match ErrDenied and %v", err, tt.wantIs)
			}
			for _, r := range d.Reasons {
				if r.Message == "" {
					t.Errorf("reason %s without message", r.Code)
				}
			}
		})
	}
}

func TestZeroPolicyDenies(t *testing.T) {
	var p Policy
	d := p.Evaluate(Input{Result: membership(t, commons, commons, "member", now, false), Holder: alice, Now: now})
	if d.Allow || !errors.Is(d.Err(), ErrUntrustedIssuer) {
		t.Fatalf("zero policy: %+v", d)
	}
}

func TestIssuerWindowAndTypes(t *testing.T) {
	p := &Policy{Issuers: []TrustedIssuer{{DID: commons, Types: []string{"ResidencyCredential"}}}}
	if d := p.Evaluate(Input{Result: membership(t, commons, commons, "member", now, false), Holder: alice, Now: now}); !errors.Is(d.Err(), ErrUntrustedIssuer) {
		t.Fatalf("issuer trusted for another type: %+v", d)
	}
	p = &Policy{Issuers: []TrustedIssuer{{DID: commons, ValidUntil: now.Add(-time.Hour)}}}
	if d := p.Evaluate(Input{Result: membership(t, commons, commons, "member", now, false), Holder: alice, Now: now}); !errors.Is(d.Err(), ErrUntrustedIssuer) {
		t.Fatalf("retired issuer: %+v", d)
	}
	p.Issuers[0].ValidUntil = time.Time{}
	if d := p.Evaluate(Input{Result: membership(t, commons, commons, "member", now, false), Holder: alice, Now: now}); !d.Allow {
		t.Fatalf("plain policy: %+v", d)
	}
}

func TestConstraintOperators(t *testing.T) {
	c := vc.NewMembership(vc.MembershipClaims{Member: alice, Community: commons, Role: "member", Since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	c.Issuer = vc.Node{ID: commons}
	c.Subjects[0].Props["level"] = json.Number("3")
	c.Subjects[0].Props["verified"] = true
	tests := []struct {
		name string
		con  string
		want Code // "" = holds
	}{
		{"equals string", `{"path":"credentialSubject.role","op":"equals","value":"member"}`, ""},
		{"equals number exact", `{"path":"credentialSubject.level","op":"equals","value":3.0}`, ""},
		{"equals bool", `{"path":"credentialSubject.verified","op":"equals","value":true}`, ""},
		{"equals mismatch", `{"path":"credentialSubject.role","op":"equals","value":"steward"}`, CodeClaimMismatch},
		{"equals type mismatch", `{"path":"credentialSubject.level","op":"equals","value":"3"}`, CodeClaimMismatch},
		{"in", `{"path":"credentialSubject.role","op":"in","value":["steward","member"]}`, ""},
		{"exists", `{"path":"credentialSubject.community","op":"exists"}`, ""},
		{"exists missing", `{"path":"credentialSubject.nickname","op":"exists"}`, CodeMissingClaim},
		{"issuer id from string", `{"path":"issuer.id","op":"equals","value":"did:example:commons"}`, ""},
		{"before date", `{"path":"credentialSubject.memberSince","op":"before","value":"2025-01-01T00:00:00Z"}`, ""},
		{"after date fails", `{"path":"credentialSubject.memberSince","op":"after","value":"2025-01-01T00:00:00Z"}`, CodeClaimMismatch},
		{"after not a date", `{"path":"credentialSubject.role","op":"after","value":"2025-01-01T00:00:00Z"}`, CodeClaimMismatch},
		{"min", `{"path":"credentialSubject.level","op":"min","value":3}`, ""},
		{"min fails", `{"path":"credentialSubject.level","op":"min","value":3.5}`, CodeClaimMismatch},
		{"max", `{"path":"credentialSubject.level","op":"max","value":10}`, ""},
		{"type array", `{"path":"type","op":"equals","value":"MembershipCredential"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, `{"issuers":[{"did":"did:example:commons"}],"constraints":[`+tt.con+`]}`)
			d := p.Evaluate(Input{Credential: c, Result: &vc.Result{Verified: true}, Holder: alice, Now: now})
			got := Code("")
			if len(d.Reasons) > 0 {
				got = d.Reasons[0].Code
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q: %v", got, tt.want, d.Reasons)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		also     error
	}{
		{"not JSON", `{`, jsonx.ErrMalformed},
		{"duplicate member", `{"types":[],"types":[]}`, jsonx.ErrDuplicateKey},
		{"unknown member", `{"requireStaus":true}`, nil},
		{"trailing data", `{} {}`, jsonx.ErrMalformed},
		{"unknown op", `{"constraints":[{"path":"a","op":"like","value":"x"}]}`, nil},
		{"missing op", `{"constraints":[{"path":"a"}]}`, nil},
		{"empty path segment", `{"constraints":[{"path":"a..b","op":"exists"}]}`, nil},
		{"exists with value", `{"constraints":[{"path":"a","op":"exists","value":1}]}`, nil},
		{"in not array", `{"constraints":[{"path":"a","op":"in","value":"x"}]}`, nil},
		{"in empty", `{"constraints":[{"path":"a","op":"in","value":[]}]}`, nil},
		{"min string", `{"constraints":[{"path":"a","op":"min","value":"3"}]}`, nil},
		{"before bad date", `{"constraints":[{"path":"a","op":"before","value":"2025-01-01"}]}`, nil},
		{"equals object", `{"constraints":[{"path":"a","op":"equals","value":{}}]}`, nil},
		{"bad maxAge", `{"maxAge":"forever"}`, nil},
		{"negative maxAge", `{"maxAge":"-1h"}`, nil},
		{"negative minScore", `{"minScore":-1}`, nil},
		{"issuer not a URL", `{"issuers":[{"did":"commons"}]}`, nil},
		{"issuer bad date", `{"issuers":[{"did":"did:example:a","validFrom":"yesterday"}]}`, nil},
		{"issuer window reversed", `{"issuers":[{"did":"did:example:a","validFrom":"2025-01-01T00:00:00Z","validUntil":"2024-01-01T00:00:00Z"}]}`, nil},
		{"issuer unknown member", `{"issuers":[{"did":"did:example:a","trust":"full"}]}`, nil},
		{"wrong type", `{"types":"MembershipCredential"}`, nil},
		{"too deep", `{"constraints":[{"path":"a","op":"in","value":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}]}`, jsonx.ErrTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err %v, want ErrMalformed", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err %T is not a *FieldError", err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Fatalf("err %v, want also %v", err, tt.also)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	p := mustParse(t, basePolicy)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q := mustParse(t, string(b))
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("round trip changed the policy:\n%s", b)
	}
	if p.MaxAge != 365*24*time.Hour || p.MinScore != 0.5 || !p.RequireStatus || len(p.Constraints) != 3 {
		t.Fatalf("parsed %+v", p)
	}
}

type fakeVerifier struct {
	res *vc.Result
	err error
}

func (f fakeVerifier) Verify(context.Context, []byte) (*vc.Result, error) { return f.res, f.err }

func TestLoadRegistry(t *testing.T) {
	unsigned := []byte(`{"id":"urn:example:registry","issuers":[{"did":"did:example:commons","types":["MembershipCredential"]}]}`)
	r, err := LoadRegistry(context.Background(), unsigned, "", nil)
	if err != nil || len(r.Issuers) != 1 || r.Publisher != "" {
		t.Fatalf("unsigned: %v %+v", err, r)
	}
	if _, err := LoadRegistry(context.Background(), unsigned, commons, nil); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("unsigned where signed required: %v", err)
	}

	regCred := func(issuer string, types ...string) *vc.Result {
		c := &vc.Credential{Context: []vc.LDContext{{URL: vc.ContextV2}}, ID: "urn:example:reg", Types: append([]string{vc.TypeCredential}, types...),
			Issuer: vc.Node{ID: issuer}, Subjects: []vc.Node{{ID: commons, Props: map[string]any{
				"issuers": []any{map[string]any{"did": "did:example:school", "types": []any{"MembershipCredential"}}}}}}}
		return &vc.Result{Verified: true, Credential: c}
	}
	signed := []byte("eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	r, err = LoadRegistry(context.Background(), signed, commons, fakeVerifier{res: regCred(commons, TypeTrustRegistry)})
	if err != nil || len(r.Issuers) != 1 || r.Issuers[0].DID != "did:example:school" || r.Publisher != commons || r.ID != "urn:example:reg" {
		t.Fatalf("signed: %v %+v", err, r)
	}
	tests := []struct {
		name string
		v    CredentialVerifier
		pub  string
		want error
	}{
		{"bad signature", fakeVerifier{err: vc.ErrInvalidSignature}, commons, vc.ErrInvalidSignature},
		{"other publisher", fakeVerifier{res: regCred("did:example:other", TypeTrustRegistry)}, commons, ErrRegistrySignature},
		{"no publisher", fakeVerifier{res: regCred(commons, TypeTrustRegistry)}, "", ErrRegistrySignature},
		{"no verifier", nil, commons, ErrRegistrySignature},
		{"wrong type", fakeVerifier{res: regCred(commons)}, commons, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LoadRegistry(context.Background(), signed, tt.pub, tt.v); !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}

	p := mustParse(t, `{"issuers":[{"did":"did:example:commons"}]}`)
	p.Trust(r)
	if len(p.Issuers) != 2 {
		t.Fatalf("Trust: %+v", p.Issuers)
	}
}
