package sdjwt

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

var testClaims = []byte(`{"vct":"https://credentials.example.com/member","iss":"did:example:issuer","iat":1700000000,"exp":1900000000,
"given_name":"Ada","family_name":"Lovelace","email":"ada@example.com",
"address":{"street_address":"1 Main St","locality":"London","country":"GB"},
"nationalities":["GB","FR"],"memberships":[{"org":"A","since":2020},{"org":"B","since":2021}]}`)

var testNow = time.Unix(1800000000, 0)

type testEnv struct {
	issuer, holder *did.PrivateKey
	token          string
}

func newEnv(t testing.TB, opts *IssueOptions) *testEnv {
	t.Helper()
	iss, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	hol, err := did.GenerateKey(did.KeyP256)
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &IssueOptions{}
	}
	if opts.Disclose == nil {
		opts.Disclose = []string{"given_name", "family_name", "email", "address", "address.street_address", "nationalities[*]", "memberships[1]", "memberships[0].since"}
	}
	opts.HolderKey = hol.Public()
	tok, err := Issue(testClaims, iss, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{iss, hol, tok}
}

func (e *testEnv) opts(nonce string) *VerifyOptions {
	return &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow },
		KeyBinding: &KeyBindingPolicy{Required: nonce != "", Audience: "https://door.example", Nonce: nonce}}
}

func (e *testEnv) present(t testing.TB, paths ...string) string {
	t.Helper()
	p, err := Present(e.token, paths, &KeyBinding{Key: e.holder, Audience: "https://door.example", Nonce: "n-1", IssuedAt: testNow.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIssuePresentVerify(t *testing.T) {
	e := newEnv(t, &IssueOptions{Decoys: 2})
	full, err := Verify(context.Background(), e.token, &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	json.Unmarshal(testClaims, &want)
	got, _ := json.Marshal(full.Claims)
	var gotM map[string]any
	json.Unmarshal(got, &gotM)
	delete(gotM, "cnf")
	wb, _ := json.Marshal(want)
	if gb, _ := json.Marshal(gotM); string(gb) != string(wb) {
		t.Fatalf("full disclosure:\n got %s\nwant %s", gb, wb)
	}
	if len(full.Disclosures) != 9 {
		t.Fatalf("%d disclosures, want 9", len(full.Disclosures))
	}

	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{nil, `{"iat":1700000000,"iss":"did:example:issuer","exp":1900000000,"vct":"https://credentials.example.com/member","nationalities":[],"memberships":[{"org":"A"}]}`},
		{[]string{"given_name", "nationalities[1]"}, `{"iat":1700000000,"iss":"did:example:issuer","exp":1900000000,"vct":"https://credentials.example.com/member","given_name":"Ada","nationalities":["FR"],"memberships":[{"org":"A"}]}`},
		{[]string{"address.street_address"}, `{"iat":1700000000,"iss":"did:example:issuer","exp":1900000000,"vct":"https://credentials.example.com/member","address":{"street_address":"1 Main St","locality":"London","country":"GB"},"nationalities":[],"memberships":[{"org":"A"}]}`},
		{[]string{"address.locality"}, `{"iat":1700000000,"iss":"did:example:issuer","exp":1900000000,"vct":"https://credentials.example.com/member","address":{"locality":"London","country":"GB"},"nationalities":[],"memberships":[{"org":"A"}]}`},
		{[]string{"memberships[1]", "memberships[0].since"}, `{"iat":1700000000,"iss":"did:example:issuer","exp":1900000000,"vct":"https://credentials.example.com/member","nationalities":[],"memberships":[{"org":"A","since":2020},{"org":"B","since":2021}]}`},
	} {
		t.Run(strings.Join(tc.paths, ","), func(t *testing.T) {
			p := e.present(t, tc.paths...)
			v, err := Verify(context.Background(), p, e.opts("n-1"))
			if err != nil {
				t.Fatal(err)
			}
			if !v.KeyBound || v.HolderKey == nil {
				t.Fatal("not key bound")
			}
			delete(v.Claims, "cnf")
			var w map[string]any
			json.Unmarshal([]byte(tc.want), &w)
			gb, _ := json.Marshal(v.Claims)
			wb, _ := json.Marshal(w)
			if string(gb) != string(wb) {
				t.Fatalf("got  %s\nwant %s", gb, wb)
			}
		})
	}
	if _, err := Present(e.token, []string{"no_such_claim"}, nil); !errors.Is(err, ErrPath) {
		t.Fatalf("unknown path: %v", err)
	}
}

func TestHashAlgs(t *testing.T) {
	for _, alg := range []string{SHA256, SHA384, SHA512} {
		e := newEnv(t, &IssueOptions{HashAlg: alg})
		if _, err := Verify(context.Background(), e.present(t, "email"), e.opts("n-1")); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
	}
	if _, err := Issue(testClaims, ed25519.NewKeyFromSeed(make([]byte, 32)), &IssueOptions{HashAlg: "md5"}); !errors.Is(err, ErrUnsupportedAlg) {
		t.Fatalf("md5: %v", err)
	}
}

// reencode rebuilds a token with replaced disclosures, re-signing nothing.
func withDisclosures(tok string, ds ...string) string {
	jwt := tok[:strings.IndexByte(tok, '~')]
	return jwt + "~" + strings.Join(ds, "~") + "~"
}

func disc(arr ...any) string {
	b, _ := json.Marshal(arr)
	return jose.EncodeSegment(b)
}

func TestVerifyRejects(t *testing.T) {
	e := newEnv(t, nil)
	sd, _ := Parse(e.token, nil)
	var encs []string
	for _, d := range sd.Disclosures {
		encs = append(encs, d.Encoded)
	}
	pres := e.present(t, "email")
	kbStart := strings.LastIndexByte(pres, '~') + 1
	_, otherIssuer, _ := ed25519.GenerateKey(rand.Reader)
	otherTok, _ := Issue(testClaims, otherIssuer, &IssueOptions{Disclose: []string{"email"}})
	noVct := strings.Replace(string(testClaims), `"vct":"https://credentials.example.com/member",`, "", 1)
	plainTok, _ := Issue([]byte(noVct), e.issuer, &IssueOptions{Typ: "example+sd-jwt"})
	noVctJWT, _ := jose.Sign(jose.Header{Typ: TypeVC}, []byte(`{"iss":"did:example:issuer"}`), e.issuer.CryptoPrivateKey())
	noVctVC := noVctJWT + "~"
	expTok, _ := Issue([]byte(strings.Replace(string(testClaims), "1900000000", "1700000001", 1)), e.issuer, nil)
	nbfTok, _ := Issue([]byte(strings.Replace(string(testClaims), `"iat":1700000000`, `"nbf":1900000000`, 1)), e.issuer, nil)

	tests := []struct {
		name  string
		token string
		opts  *VerifyOptions
		want  error
	}{
		{"no tilde", sd.JWT, nil, ErrMalformed},
		{"empty disclosure", sd.JWT + "~~", nil, ErrMalformed},
		{"disclosure not base64url", withDisclosures(e.token, "!!"), nil, ErrDisclosure},
		{"disclosure not array", withDisclosures(e.token, jose.EncodeSegment([]byte(`{"a":1}`))), nil, ErrDisclosure},
		{"disclosure 4 elements", withDisclosures(e.token, disc("abcdefghijklmnopqrstuv", "a", 1, 2)), nil, ErrDisclosure},
		{"salt too short", withDisclosures(e.token, disc("short", "email", "x")), nil, ErrDisclosure},
		{"salt not string", withDisclosures(e.token, disc(12, "email", "x")), nil, ErrDisclosure},
		{"reserved name _sd", withDisclosures(e.token, disc("abcdefghijklmnopqrstuv", "_sd", "x")), nil, ErrDisclosure},
		{"reserved name ...", withDisclosures(e.token, disc("abcdefghijklmnopqrstuv", "...", "x")), nil, ErrDisclosure},
		{"unreferenced disclosure", withDisclosures(e.token, disc("abcdefghijklmnopqrstuv", "email", "evil@example.com")), nil, ErrDisclosure},
		{"duplicate disclosure", withDisclosures(e.token, encs[0], encs[0]), nil, ErrDisclosure},
		{"disclosure duplicate JSON key", withDisclosures(e.token, jose.EncodeSegment([]byte(`["abcdefghijklmnopqrstuv","a",{"x":1,"x":2}]`))), nil, ErrDisclosure},
		{"wrong issuer key", otherTok, nil, ErrInvalidSignature},
		{"typ not SD-JWT VC", plainTok, nil, ErrType},
		{"SD-JWT VC without vct", noVctVC, nil, ErrType},
		{"expired", expTok, nil, ErrExpired},
		{"not yet valid", nbfTok, nil, ErrNotYetValid},
		{"KB required, absent", e.token, e.opts("n-1"), ErrKeyBinding},
		{"KB wrong nonce", pres, e.opts("n-2"), ErrChallenge},
		{"KB wrong audience", pres, &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow }, KeyBinding: &KeyBindingPolicy{Required: true, Audience: "https://other.example", Nonce: "n-1"}}, ErrChallenge},
		{"KB too old", pres, &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow.Add(time.Hour) }, KeyBinding: &KeyBindingPolicy{Required: true, Audience: "https://door.example", Nonce: "n-1"}}, ErrExpired},
		{"KB in the future", pres, &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow.Add(-time.Hour) }, KeyBinding: &KeyBindingPolicy{Required: true, Audience: "https://door.example", Nonce: "n-1"}}, ErrNotYetValid},
		{"KB sd_hash mismatch (disclosure dropped)", pres[:strings.IndexByte(pres, '~')+1] + pres[kbStart:], e.opts("n-1"), ErrKeyBinding},
		{"KB signature by other key", pres[:kbStart] + mustKB(t, e, otherIssuer, pres[:kbStart]), e.opts("n-1"), ErrInvalidSignature},
		{"too many disclosures", e.token, &VerifyOptions{Key: e.issuer.Public(), Limits: &Limits{MaxDisclosures: 2}}, ErrTooLarge},
		{"too large", e.token, &VerifyOptions{Key: e.issuer.Public(), Limits: &Limits{MaxBytes: 100}}, ErrTooLarge},
		{"too deep", e.token, &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow }, Limits: &Limits{MaxDepth: 2}}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts == nil {
				opts = &VerifyOptions{Key: e.issuer.Public(), Now: func() time.Time { return testNow }}
			}
			_, err := Verify(context.Background(), tt.token, opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if vcerr.Find(err) == nil && !errors.Is(err, ErrKeyBinding) && !errors.Is(err, ErrPath) {
				t.Fatalf("error %v has no vc kind", err)
			}
		})
	}
}

// mustKB signs a KB-JWT over prefix with an arbitrary key.
func mustKB(t *testing.T, e *testEnv, key any, prefix string) string {
	sd, _ := Parse(prefix, nil)
	h, _ := digestOf(SHA256, sd.withoutKB())
	claims, _ := json.Marshal(map[string]any{"iat": testNow.Unix(), "aud": "https://door.example", "nonce": "n-1", "sd_hash": h})
	kb, err := jose.Sign(jose.Header{Typ: TypeKB}, claims, key)
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

func TestIssueRejects(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	for _, tc := range []struct {
		name   string
		claims string
		opts   *IssueOptions
		want   error
	}{
		{"vct disclosable", string(testClaims), &IssueOptions{Disclose: []string{"vct"}}, ErrPath},
		{"exp disclosable", string(testClaims), &IssueOptions{Disclose: []string{"exp"}}, ErrPath},
		{"path matches nothing", string(testClaims), &IssueOptions{Disclose: []string{"nope"}}, ErrPath},
		{"bad path", string(testClaims), &IssueOptions{Disclose: []string{"a..b"}}, ErrPath},
		{"bad index", string(testClaims), &IssueOptions{Disclose: []string{"nationalities[-1]"}}, ErrPath},
		{"no vct", `{"a":1}`, nil, ErrType},
		{"reserved _sd", `{"vct":"x","_sd":[]}`, nil, ErrMalformed},
		{"not object", `[1]`, nil, ErrMalformed},
		{"duplicate key", `{"vct":"x","vct":"y"}`, nil, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Issue([]byte(tc.claims), key, tc.opts); !errors.Is(err, tc.want) {
				t.Fatalf("Issue = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPathSyntax(t *testing.T) {
	for _, p := range []string{"a", "a.b", "a[0]", "a[*]", "a.*", `a["3.14"]`, `a["[\"x\"]"].b[2]`} {
		s, err := parsePath(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !strings.Contains(p, "*") && pathString(s) != p {
			t.Fatalf("round trip %q -> %q", p, pathString(s))
		}
	}
	for _, p := range []string{"", ".a", "a.", "a[", "a[x]", "[0]", `a["x]`, "a[01]"} {
		if _, err := parsePath(p); !errors.Is(err, ErrPath) {
			t.Fatalf("%q: %v", p, err)
		}
	}
}
