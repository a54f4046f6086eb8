package wallet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/wallet/query"
)

const vectors = "../testdata/wallet"

func readVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors, rel))
	if err != nil {
		t.Fatalf("vector %s: %v", rel, err)
	}
	return b
}

// TestParseVectors extracts metadata from published credentials of each format.
func TestParseVectors(t *testing.T) {
	day := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	for _, tc := range []struct {
		vector  string // file under testdata/wallet (origin in its SOURCE.txt)
		format  Format
		typ     string
		issuer  string
		subject string
		from    time.Time
		sd      bool
	}{
		{"di-eddsa/signedDataInt.json", FormatLDP, "AlumniCredential", "https://vc.example/issuers/5678", "did:example:abcdefgh", day("2023-01-01T00:00:00Z"), false},
		{"jose/credential-jose-minimal.txt", FormatJWT, "ExampleAlumniCredential", "https://example.issuer/vc-jose-cose", "did:example:123", day("2010-01-01T19:23:24Z"), false},
		{"jose/credential-sdjwt-selective.txt", FormatSDJWT, "IdentityCredential", "https://example.issuer/vc-jose-cose", "did:example:ebfeb1f712ebc6f1c276e12ec21", day("2024-01-01T00:00:00Z"), true},
		{"sd-jwt/w3c-vc/sd_jwt_issuance.txt", FormatSDJWT, "IdentityCredential", "https://example.com", "", time.Unix(1541493724, 0).UTC(), true},
	} {
		t.Run(tc.vector, func(t *testing.T) {
			p, err := parseCredential(readVector(t, tc.vector), DefaultMaxCredentialBytes)
			if err != nil {
				t.Fatal(err)
			}
			if p.format != tc.format || !contains(p.types, tc.typ) || p.issuer != tc.issuer || p.subject != tc.subject || !p.validFrom.Equal(tc.from) || p.sd != tc.sd {
				t.Fatalf("got format=%s types=%v issuer=%q subject=%q from=%v sd=%v", p.format, p.types, p.issuer, p.subject, p.validFrom, p.sd)
			}
		})
	}
	// The selective vc-jose-cose credential discloses both names.
	p, _ := parseCredential(readVector(t, "jose/credential-sdjwt-selective.txt"), DefaultMaxCredentialBytes)
	cs := p.claims.(map[string]any)["credentialSubject"].(map[string]any)
	if cs["firstName"] != "Jane" || cs["lastName"] != "Doe" {
		t.Fatalf("disclosed subject %v", cs)
	}
}

// TestSDJWTDisclosureVectors applies the disclosures of each RFC 9901 example
// presentation and compares with the example's verified_contents.json.
func TestSDJWTDisclosureVectors(t *testing.T) {
	cases, _ := os.ReadDir(filepath.Join(vectors, "sd-jwt"))
	n := 0
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		n++
		t.Run(c.Name(), func(t *testing.T) {
			pres := strings.TrimSpace(string(readVector(t, "sd-jwt/"+c.Name()+"/sd_jwt_presentation.txt")))
			want, err := jsonx.Decode(readVector(t, "sd-jwt/"+c.Name()+"/verified_contents.json"), jsonx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := decodeSDJWT(pres, DefaultMaxCredentialBytes)
			if err != nil {
				t.Fatal(err)
			}
			if !query.Equal(p.claims, want) {
				t.Fatalf("claims differ:\n got %v\nwant %v", p.claims, want)
			}
			// The issuance form carries every disclosure; all must be referenced.
			iss := strings.TrimSpace(string(readVector(t, "sd-jwt/"+c.Name()+"/sd_jwt_issuance.txt")))
			if _, err := decodeSDJWT(iss, DefaultMaxCredentialBytes); err != nil {
				t.Fatalf("issuance: %v", err)
			}
		})
	}
	if n == 0 {
		t.Fatal("no SD-JWT vectors found")
	}
}

// TestParseMetadataSources checks where metadata comes from: vc for a valid
// credential, the lenient reader for one vc refuses, and the proof's
// cryptosuite for selective disclosure.
func TestParseMetadataSources(t *testing.T) {
	const ctx = `"@context":["https://www.w3.org/ns/credentials/v2"],`
	for _, tc := range []struct {
		name, in       string
		issuer, subj   string
		from           string
		sd             bool
		claimsInParsed bool
	}{
		{"valid-vcdm2", `{` + ctx + `"type":["VerifiableCredential"],"issuer":{"id":"did:example:i","name":"I"},"validFrom":"2024-01-01T00:00:00.5Z","credentialSubject":[{"a":1},{"id":"did:example:s"}]}`,
			"did:example:i", "did:example:s", "2024-01-01T00:00:00.5Z", false, false},
		{"vcdm1.1-dates", `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:example:i","issuanceDate":"2020-01-01T00:00:00Z","credentialSubject":{"id":"did:example:s"}}`,
			"did:example:i", "did:example:s", "2020-01-01T00:00:00Z", false, false},
		{"invalid-kept-leniently", `{"type":["VerifiableCredential"],"issuer":"did:example:i","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:s"}}`,
			"did:example:i", "did:example:s", "2024-01-01T00:00:00Z", false, true},
		{"ecdsa-sd-2023-proof", `{` + ctx + `"type":["VerifiableCredential"],"issuer":"did:example:i","credentialSubject":{"id":"did:example:s"},"proof":{"type":"DataIntegrityProof","cryptosuite":"ecdsa-sd-2023"}}`,
			"did:example:i", "did:example:s", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseCredential([]byte(tc.in), DefaultMaxCredentialBytes)
			if err != nil {
				t.Fatal(err)
			}
			var from time.Time
			if tc.from != "" {
				from, _ = time.Parse(time.RFC3339Nano, tc.from)
			}
			if p.issuer != tc.issuer || p.subject != tc.subj || !p.validFrom.Equal(from) || p.sd != tc.sd || (p.claims != nil) != tc.claimsInParsed {
				t.Fatalf("got issuer=%q subject=%q from=%v sd=%v claims=%v", p.issuer, p.subject, p.validFrom, p.sd, p.claims != nil)
			}
		})
	}
}
