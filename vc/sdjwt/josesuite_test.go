package sdjwt

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jose"
)

// The SD-JWT cases (17-26) of the W3C VC-JOSE-COSE test suite
// (testdata/jose/vc-jose-cose-test-suite, test-mapping.json SDJWTTestMapping).
const joseSuiteDir = "../../testdata/jose/vc-jose-cose-test-suite/input"

func joseSuiteKey(t *testing.T, name string) (pub, priv any, err error) {
	b, rerr := os.ReadFile(filepath.Join(joseSuiteDir, name))
	if rerr != nil {
		t.Fatal(rerr)
	}
	var vm struct {
		Public json.RawMessage `json:"publicKeyJwk"`
		Secret json.RawMessage `json:"secretKeyJwk"`
	}
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	if pub, err = jose.ParseJWK(vm.Public); err != nil {
		return nil, nil, err
	}
	priv, err = jose.ParseJWK(vm.Secret)
	return pub, priv, err
}

func joseSuiteFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join(joseSuiteDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVCJOSECOSESuiteSDJWT(t *testing.T) {
	now := func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name, input, key, typ string
		disclose              []string // issue cases
		want                  error    // nil = success
		why                   string   // where the outcome differs from the suite's expectation
	}{
		{name: "17-basic-credential-issuance", input: "credential-selective.json", key: "vm-p384.json", typ: TypeVCLegacy,
			disclose: []string{"credentialSubject.firstName", "credentialSubject.lastName"}},
		{name: "18-complex-credential-issuance", input: "credential-nested-selective.json", key: "vm-p521.json", typ: TypeVCLegacy,
			disclose: []string{"credentialSubject.address.street", "credentialSubject.address.city", "credentialSubject.phoneNumbers[0]"},
			want:     jose.ErrUnsupportedKey, why: "P-521 (ES512) is outside Polity's algorithm set"},
		{name: "19-presentation-issuance", input: "presentation-selective.json", key: "vm-p384.json", typ: TypeVP,
			disclose: []string{"holder", "verifiableCredential[0]"}},
		{name: "20-basic-credential-verification", input: "credential-sdjwt-selective.txt", key: "vm-p384.json", typ: TypeVCLegacy,
			want: ErrMalformed, why: `the token's "iat" is a date string; RFC 7519 section 4.1.6 requires a NumericDate`},
		{name: "21-complex-credential-verification", input: "credential-sdjwt-nested.txt", key: "vm-p521.json", typ: TypeVCLegacy,
			want: jose.ErrUnsupportedKey, why: "P-521 (ES512) is outside Polity's algorithm set"},
		{name: "22-presentation-verification", input: "presentation-sdjwt-selective.txt", key: "vm-p384.json", typ: TypeVP},
		{name: "23-credential-invalid-signature", input: "credential-sdjwt-bad-signature.txt", key: "vm-p384.json", typ: TypeVCLegacy,
			want: ErrInvalidSignature},
		{name: "24-credential-invalid-media-type", input: "credential-sdjwt-bad-media-type.txt", key: "vm-ed25519.json", typ: TypeVCLegacy,
			want: ErrType},
		{name: "25-presentation-invalid-media-type", input: "presentation-sdjwt-bad-media-type.txt", key: "vm-ed25519.json", typ: TypeVP,
			want: ErrType},
		{name: "26-presentation-invalid-credentials", input: "presentation-sdjwt-bad-credential.txt", key: "vm-p521.json", typ: TypeVP,
			want: jose.ErrUnsupportedKey, why: "P-521 (ES512) is outside Polity's algorithm set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, priv, err := joseSuiteKey(t, tc.key)
			if err == nil {
				token := strings.TrimSpace(string(joseSuiteFile(t, tc.input)))
				if tc.disclose != nil {
					token, err = Issue(joseSuiteFile(t, tc.input), priv, &IssueOptions{Typ: tc.typ, Disclose: tc.disclose})
					if err != nil {
						t.Fatalf("issue: %v", err)
					}
				}
				var v *Verified
				v, err = Verify(context.Background(), token, &VerifyOptions{Key: pub, Types: []string{tc.typ}, Now: now})
				if err == nil && tc.disclose != nil && len(v.Disclosures) != len(tc.disclose) {
					t.Fatalf("%d disclosures, want %d", len(v.Disclosures), len(tc.disclose))
				}
			}
			if tc.want == nil && err != nil {
				t.Fatalf("want success, got %v", err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.why != "" {
				t.Logf("differs from the suite's expectation: %s", tc.why)
			}
		})
	}
}
