package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
)

const testdata = "../testdata/vc"

// jsonValue decodes b with numbers kept exact, for comparing JSON by value.
func jsonValue(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %q: %v", b, err)
	}
	return v
}

func assertSameJSON(t testing.TB, got, want []byte) {
	t.Helper()
	if !reflect.DeepEqual(jsonValue(t, got), jsonValue(t, want)) {
		t.Fatalf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validCredentials are the credential vectors that must parse, by file.
var validCredentials = []string{
	"di-eddsa/unsigned.json",
	"di-eddsa/employmentAuth.json",
	"di-eddsa/signedDataInt.json",
	"di-eddsa/signedProofSet2.json",
	"di-ecdsa/unsigned.json",
	"di-ecdsa/prCredUnsigned.json",
	"di-ecdsa/signedECDSAP256.json",
	"status-list/examples/01-example-statuslistcredential-using-simple-entries.json",
	"status-list/examples/02-example-statuslistcredential-using-more-complex-entries.json",
	"status-list/examples/03-example-bitstringstatuslistcredential.json",
	"status-list/examples/04-a-revocable-verifiable-credential.json",
	"status-list/examples/05-a-status-list-verifiable-credential.json",
	"status-list/examples/06-associating-multiple-status-lists-with-a-single-verifiable-credential.json",
	"status-list/examples/07-associating-multiple-status-entries-in-a-single-status-list.json",
	"spec/v2-full.json",
	"spec/v1-university.json",
}

func TestParseCredentialVectors(t *testing.T) {
	for _, name := range validCredentials {
		t.Run(name, func(t *testing.T) {
			in := readFile(t, name)
			c, err := ParseCredential(in)
			if err != nil {
				t.Fatalf("ParseCredential: %v", err)
			}
			if !bytes.Equal(c.Raw(), in) {
				t.Fatal("Raw differs from the input")
			}
			out, err := json.Marshal(c)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			assertSameJSON(t, out, in)
			// A second round trip is byte-stable.
			c2, err := ParseCredential(out)
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			out2, err := json.Marshal(c2)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, out2) {
				t.Fatalf("second round trip differs:\n%s\n%s", out, out2)
			}
		})
	}
}

func TestParseCredentialFields(t *testing.T) {
	c, err := ParseCredential(readFile(t, "spec/v2-full.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != 2 || c.ID != "http://university.example/credentials/3732" {
		t.Errorf("Version, ID = %d, %q", c.Version(), c.ID)
	}
	if len(c.Context) != 3 || c.Context[2].Inline == nil {
		t.Errorf("Context = %+v", c.Context)
	}
	if got := c.ContextURLs(); len(got) != 2 {
		t.Errorf("ContextURLs = %q", got)
	}
	if len(c.Name) != 2 || c.Name[1].Language != "fr-CA" || c.Name[1].Direction != "ltr" || c.Name[1].Value != "Exemple de diplôme" {
		t.Errorf("Name = %+v", c.Name)
	}
	if len(c.Description) != 1 || c.Description[0].Value != "A degree é <b>" {
		t.Errorf("Description = %+v", c.Description)
	}
	if c.Issuer.ID != "https://university.example/issuers/565049" || c.Issuer.Props["name"] != "Example University" {
		t.Errorf("Issuer = %+v", c.Issuer)
	}
	if want := time.Date(2010, 1, 1, 18, 23, 24, 123e6, time.UTC); !c.ValidFrom.Equal(want) {
		t.Errorf("ValidFrom = %v, want %v", c.ValidFrom, want)
	}
	if len(c.Subjects) != 2 || c.Subjects[0].Props["gpa"] != json.Number("3.80") {
		t.Errorf("Subjects = %+v", c.Subjects)
	}
	if len(c.Status) != 1 || !c.Status[0].HasType("BitstringStatusListEntry") {
		t.Errorf("Status = %+v", c.Status)
	}
	if len(c.Schemas) != 2 || len(c.TermsOfUse) != 1 || len(c.Evidence) != 1 || len(c.RefreshService) != 1 {
		t.Errorf("schemas %d, terms %d, evidence %d, refresh %d", len(c.Schemas), len(c.TermsOfUse), len(c.Evidence), len(c.RefreshService))
	}
	if _, ok := c.Extra["relatedResource"]; !ok {
		t.Error("relatedResource not kept in Extra")
	}
	if c.HasProof() {
		t.Error("HasProof on an unsigned credential")
	}

	v1, err := ParseCredential(readFile(t, "spec/v1-university.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version() != 1 || v1.IssuanceDate.IsZero() || v1.ExpirationDate.IsZero() || !v1.HasProof() {
		t.Errorf("1.1 credential: %+v", v1)
	}
}

// TestMarshalAfterChange checks that changed properties are re-encoded and unchanged
// ones keep their original spelling.
func TestMarshalAfterChange(t *testing.T) {
	c, err := ParseCredential(readFile(t, "spec/v2-full.json"))
	if err != nil {
		t.Fatal(err)
	}
	c.ValidUntil = time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	c.Subjects[1].Props["spouse"] = false
	c.Extra["x-new"] = json.RawMessage(`[1]`)
	delete(c.Extra, "x-unknown")
	c.Evidence = nil
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"validFrom":"2010-01-01T19:23:24.123+01:00"`,
		`"validUntil":"2031-02-03T04:05:06Z"`,
		`"spouse":false`,
		`"x-new":[1]`,
		`"gpa":3.80`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	for _, gone := range []string{`x-unknown`, `"evidence"`} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("output still has %s", gone)
		}
	}
	if _, err := ParseCredential(out); err != nil {
		t.Fatalf("changed credential does not parse: %v", err)
	}
}

func TestMarshalBuiltInCode(t *testing.T) {
	c := &Credential{
		Context:  []LDContext{{URL: ContextV2}},
		Types:    []string{TypeCredential},
		Issuer:   Node{ID: "did:example:issuer"},
		Subjects: []Node{{ID: "did:example:subject", Props: map[string]any{"n": json.Number("1.0"), "s": "<&>"}}},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := c.MarshalJSON() // json.Marshal would add HTML escapes
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:issuer","credentialSubject":{"id":"did:example:subject","n":1.0,"s":"<&>"}}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	c.Subjects[0].Props["id"] = "x"
	if _, err := json.Marshal(c); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Props with id: got %v, want ErrMalformed", err)
	}
}

// patch returns the unsigned di-eddsa credential with top-level property key set to the
// raw JSON value (or removed when value is "").
func patch(t testing.TB, key, value string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readFile(t, "di-eddsa/unsigned.json"), &m); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(m, key)
	} else {
		m[key] = json.RawMessage(value)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCredentialInvalid(t *testing.T) {
	tests := []struct {
		name  string // VCDM 2.0 rule (or JSON rule) the vector breaks
		in    []byte
		field string // FieldError.Field, when the error is one
		want  error
	}{
		{"json/empty", []byte(``), "", jsonx.ErrMalformed},
		{"json/not an object", []byte(`[]`), "credential", ErrMalformed},
		{"json/trailing data", []byte(`{} {}`), "", jsonx.ErrMalformed},
		{"json/duplicate member", []byte(`{"id":"urn:a","id":"urn:b"}`), "", jsonx.ErrDuplicateKey},
		{"json/duplicate nested member", patch(t, "credentialSubject", `{"a":1,"a":2}`), "", jsonx.ErrDuplicateKey},
		{"json/too deep", patch(t, "x", strings.Repeat("[", 70)+strings.Repeat("]", 70)), "", jsonx.ErrTooDeep},
		{"context/missing", patch(t, "@context", ""), "@context", ErrMalformed},
		{"context/first not v2", patch(t, "@context", `["https://www.w3.org/ns/credentials/examples/v2","https://www.w3.org/ns/credentials/v2"]`), "@context[0]", ErrMalformed},
		{"context/first is an object", patch(t, "@context", `[{"@vocab":"urn:x"}]`), "@context[0]", ErrMalformed},
		{"context/number", patch(t, "@context", `["https://www.w3.org/ns/credentials/v2",5]`), "@context[1]", ErrMalformed},
		{"context/relative URL", patch(t, "@context", `["https://www.w3.org/ns/credentials/v2","examples/v2"]`), "@context[1]", ErrMalformed},
		{"id/not a URL", patch(t, "id", `"not a url"`), "id", ErrMalformed},
		{"id/relative", patch(t, "id", `"/credentials/1"`), "id", ErrMalformed},
		{"id/array", patch(t, "id", `["urn:a"]`), "id", ErrMalformed},
		{"type/missing", patch(t, "type", ""), "type", ErrMalformed},
		{"type/without VerifiableCredential", patch(t, "type", `["AlumniCredential"]`), "type", ErrMalformed},
		{"type/empty array", patch(t, "type", `[]`), "type", ErrMalformed},
		{"type/not a string", patch(t, "type", `["VerifiableCredential",1]`), "type[1]", ErrMalformed},
		{"name/number", patch(t, "name", `5`), "name", ErrMalformed},
		{"name/object without @value", patch(t, "name", `{"@language":"en"}`), "name", ErrMalformed},
		{"name/bad direction", patch(t, "name", `{"@value":"x","@direction":"up"}`), "name.@direction", ErrMalformed},
		{"name/bad language", patch(t, "name", `{"@value":"x","@language":"en_US"}`), "name.@language", ErrMalformed},
		{"description/unknown member", patch(t, "description", `{"@value":"x","lang":"en"}`), "description", ErrMalformed},
		{"issuer/missing", patch(t, "issuer", ""), "issuer", ErrMalformed},
		{"issuer/not a URL", patch(t, "issuer", `"Example University"`), "issuer.id", ErrMalformed},
		{"issuer/object without id", patch(t, "issuer", `{"name":"Example University"}`), "issuer.id", ErrMalformed},
		{"issuer/number", patch(t, "issuer", `42`), "issuer", ErrMalformed},
		{"subject/missing", patch(t, "credentialSubject", ""), "credentialSubject", ErrMalformed},
		{"subject/empty object", patch(t, "credentialSubject", `{}`), "credentialSubject", ErrMalformed},
		{"subject/empty array", patch(t, "credentialSubject", `[]`), "credentialSubject", ErrMalformed},
		{"subject/string", patch(t, "credentialSubject", `"did:example:abc"`), "credentialSubject", ErrMalformed},
		{"subject/id not a URL", patch(t, "credentialSubject", `[{"id":"did:example:a","x":1},{"id":"abc","x":1}]`), "credentialSubject[1].id", ErrMalformed},
		{"validFrom/no time zone", patch(t, "validFrom", `"2023-01-01T00:00:00"`), "validFrom", ErrMalformed},
		{"validFrom/date only", patch(t, "validFrom", `"2023-01-01"`), "validFrom", ErrMalformed},
		{"validFrom/number", patch(t, "validFrom", `1672531200`), "validFrom", ErrMalformed},
		{"validFrom/bad day", patch(t, "validFrom", `"2023-02-29T00:00:00Z"`), "validFrom", ErrMalformed},
		{"validUntil/before validFrom", patch(t, "validUntil", `"2022-12-31T23:59:59Z"`), "validUntil", ErrMalformed},
		{"status/without type", patch(t, "credentialStatus", `{"id":"https://example.com/status/1#1"}`), "credentialStatus.type", ErrMalformed},
		{"status/id not a URL", patch(t, "credentialStatus", `{"id":"1","type":"BitstringStatusListEntry"}`), "credentialStatus.id", ErrMalformed},
		{"status/empty array", patch(t, "credentialStatus", `[]`), "credentialStatus", ErrMalformed},
		{"schema/without id", patch(t, "credentialSchema", `{"type":"JsonSchema"}`), "credentialSchema.id", ErrMalformed},
		{"schema/without type", patch(t, "credentialSchema", `[{"id":"https://example.org/s.json"}]`), "credentialSchema.type", ErrMalformed},
		{"termsOfUse/without type", patch(t, "termsOfUse", `{"id":"https://example.org/t"}`), "termsOfUse.type", ErrMalformed},
		{"evidence/without type", patch(t, "evidence", `[{"id":"https://example.org/e"}]`), "evidence.type", ErrMalformed},
		{"evidence/string", patch(t, "evidence", `"https://example.org/e"`), "evidence", ErrMalformed},
		{"refreshService/without type", patch(t, "refreshService", `{"url":"https://example.org/r"}`), "refreshService.type", ErrMalformed},
		{"proof/string", patch(t, "proof", `"z3abc"`), "proof", ErrMalformed},
		{"v1/without issuanceDate", []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:example:i","credentialSubject":{"id":"did:example:s"}}`), "issuanceDate", ErrMalformed},
		{"v1/expirationDate before issuanceDate", []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:example:i","issuanceDate":"2020-01-01T00:00:00Z","expirationDate":"2019-01-01T00:00:00Z","credentialSubject":{"id":"did:example:s"}}`), "expirationDate", ErrMalformed},
		{"status-list test-suite validVc.json without issuer", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}}`), "issuer", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCredential(tt.in)
			if err == nil {
				t.Fatalf("ParseCredential succeeded: %+v", c)
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if Code(err) != "MALFORMED" {
				t.Fatalf("Code = %q", Code(err))
			}
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("got %v, want a FieldError for %s", err, tt.field)
				}
			}
		})
	}
}

func TestParserLimits(t *testing.T) {
	in := readFile(t, "di-eddsa/unsigned.json")
	if _, err := (Parser{MaxBytes: len(in)}).ParseCredential(in); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := (Parser{MaxBytes: len(in) - 1}).ParseCredential(in)
	if !errors.Is(err, jsonx.ErrTooLarge) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := (Parser{MaxDepth: 1}).ParseCredential(in); !errors.Is(err, jsonx.ErrTooDeep) {
		t.Fatalf("too deep: %v", err)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	var c Credential
	if err := json.Unmarshal(readFile(t, "di-eddsa/unsigned.json"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Issuer.ID != "https://vc.example/issuers/5678" || c.Raw() == nil {
		t.Fatalf("got %+v", c)
	}
	if err := json.Unmarshal(patch(t, "issuer", ""), &c); !errors.Is(err, ErrMalformed) {
		t.Fatalf("invalid credential: %v", err)
	}
}

func BenchmarkParseCredential(b *testing.B) {
	in := readFile(b, "di-eddsa/unsigned.json")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCredential(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCredentialSigned(b *testing.B) {
	in := readFile(b, "di-eddsa/signedDataInt.json")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCredential(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalCredential(b *testing.B) {
	c, err := ParseCredential(readFile(b, "di-eddsa/signedDataInt.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseCredential(f *testing.F) {
	for _, name := range validCredentials {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","issuer":{"id":"urn:x"},"credentialSubject":[{"a":1}],"name":[{"@value":"x"}]}`))
	f.Add([]byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"issuer":"did:example:i","issuanceDate":"2020-01-01T24:00:00-14:00","credentialSubject":{"id":"did:example:s"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseCredential(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || c != nil {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a parsed credential: %v", err)
		}
		assertSameJSON(t, out, in)
		c2, err := ParseCredential(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(c2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("unstable round trip: %v\n%s\n%s", err, out, out2)
		}
	})
}
