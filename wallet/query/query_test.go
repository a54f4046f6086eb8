package query

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	v, err := jsonx.Decode([]byte(s), jsonx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const doc = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","AgeCredential"],
"issuer":{"id":"did:example:gov"},"credentialSubject":{"id":"did:example:alice","age":34,"birthDate":"1990-05-01",
"degrees":[{"type":"BSc","year":2012},{"type":"MSc","year":2014}],"name":"Alice"},"vc":{"nested":{"name":"deep"}}}`

func TestPath(t *testing.T) {
	d := decode(t, doc)
	for _, tc := range []struct {
		path string
		want string // JSON of the selected values
	}{
		{"$", ""},
		{"$.type", `[["VerifiableCredential","AgeCredential"]]`},
		{"$.type[1]", `["AgeCredential"]`},
		{"$['@context'][0]", `["https://www.w3.org/ns/credentials/v2"]`},
		{`$["issuer"]["id"]`, `["did:example:gov"]`},
		{"$.credentialSubject.degrees[*].type", `["BSc","MSc"]`},
		{"$.credentialSubject.degrees.*.year", `[2012,2014]`},
		{"$..name", `["Alice","deep"]`},
		{"$..degrees[0].year", `[2012]`},
		{"$.missing.x", `null`},
		{"$.type[9]", `null`},
		{"$.type.name", `null`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := ParsePath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Select(d)
			if tc.want == "" {
				if len(got) != 1 {
					t.Fatalf("root selected %d values", len(got))
				}
				return
			}
			b, _ := json.Marshal(got)
			if string(b) != tc.want {
				t.Fatalf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestPathErrors(t *testing.T) {
	for _, tc := range []struct {
		path string
		want error
	}{
		{"", ErrMalformed},
		{"a.b", ErrMalformed},
		{"$.", ErrMalformed},
		{"$[", ErrMalformed},
		{"$['a'", ErrMalformed},
		{"$['a]", ErrMalformed},
		{"$[01]", ErrMalformed},
		{"$[?(@.a)]", ErrUnsupported},
		{"$[-1]", ErrUnsupported},
		{"$[0:2]", ErrMalformed},
		{"$" + strings.Repeat(".a", 65), ErrLimit},
		{"$" + strings.Repeat("a", MaxPathLength), ErrLimit},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if _, err := ParsePath(tc.path); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		filter string
		value  string
		want   bool
	}{
		{"type-string", `{"type":"string"}`, `"x"`, true},
		{"type-string-no", `{"type":"string"}`, `1`, false},
		{"type-integer", `{"type":"integer"}`, `3`, true},
		{"type-integer-no", `{"type":"integer"}`, `3.5`, false},
		{"type-number-int", `{"type":"number"}`, `3`, true},
		{"type-list", `{"type":["string","null"]}`, `null`, true},
		{"const", `{"const":"AgeCredential"}`, `"AgeCredential"`, true},
		{"const-number", `{"const":1}`, `1.0`, true},
		{"const-no", `{"const":"A"}`, `"B"`, false},
		{"enum", `{"enum":["A","B"]}`, `"B"`, true},
		{"enum-no", `{"enum":["A","B"]}`, `"C"`, false},
		{"pattern", `{"type":"string","pattern":"^did:example:"}`, `"did:example:x"`, true},
		{"pattern-no", `{"pattern":"^did:web:"}`, `"did:example:x"`, false},
		{"minimum", `{"minimum":18}`, `18`, true},
		{"minimum-no", `{"minimum":18}`, `17`, false},
		{"maximum", `{"maximum":18}`, `19`, false},
		{"exclusiveMinimum", `{"exclusiveMinimum":18}`, `18`, false},
		{"exclusiveMaximum", `{"exclusiveMaximum":18}`, `17.9`, true},
		{"draft4-exclusive", `{"minimum":18,"exclusiveMinimum":true}`, `18`, false},
		{"minLength", `{"minLength":3}`, `"ab"`, false},
		{"maxLength-runes", `{"maxLength":2}`, `"港区"`, true},
		{"contains", `{"type":"array","contains":{"const":"AgeCredential"}}`, `["VerifiableCredential","AgeCredential"]`, true},
		{"contains-no", `{"contains":{"const":"X"}}`, `["A"]`, false},
		{"items", `{"items":{"type":"string"}}`, `["a",1]`, false},
		{"minItems", `{"minItems":2}`, `["a"]`, false},
		{"not", `{"not":{"const":"A"}}`, `"B"`, true},
		{"properties", `{"type":"object","required":["a"],"properties":{"a":{"minimum":2}}}`, `{"a":3}`, true},
		{"required-no", `{"required":["b"]}`, `{"a":3}`, false},
		{"date-min", `{"type":"string","format":"date","formatMaximum":"2006-01-01"}`, `"1990-05-01"`, true},
		{"date-min-no", `{"format":"date","formatMaximum":"1980-01-01"}`, `"1990-05-01"`, false},
		{"date-time-min", `{"format":"date-time","formatMinimum":"2020-01-01T00:00:00Z"}`, `"2024-01-01T00:00:00Z"`, true},
		{"date-time-excl", `{"format":"date-time","formatExclusiveMinimum":"2024-01-01T00:00:00Z"}`, `"2024-01-01T00:00:00Z"`, false},
		{"date-format-bad", `{"format":"date"}`, `"yesterday"`, false},
		{"false-schema", `false`, `1`, false},
		{"true-schema", `true`, `1`, true},
		{"annotations", `{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"x","type":"string"}`, `"x"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFilter(decode(t, tc.filter))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(decode(t, tc.value)); got != tc.want {
				t.Fatalf("Match(%s) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	for _, tc := range []struct {
		name, filter string
		want         error
	}{
		{"not-object", `"x"`, ErrMalformed},
		{"bad-type", `{"type":"date"}`, ErrMalformed},
		{"bad-pattern", `{"pattern":"("}`, ErrMalformed},
		{"backref-pattern", `{"pattern":"(a)\\1"}`, ErrMalformed},
		{"bad-minimum", `{"minimum":"1"}`, ErrMalformed},
		{"negative-minLength", `{"minLength":-1}`, ErrMalformed},
		{"bad-format-bound", `{"format":"date","formatMinimum":"soon"}`, ErrMalformed},
		{"allOf", `{"allOf":[{"type":"string"}]}`, ErrUnsupported},
		{"ref", `{"$ref":"#/x"}`, ErrUnsupported},
		{"too-deep", strings.Repeat(`{"not":`, 40) + `{}` + strings.Repeat(`}`, 40), ErrLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseFilter(decode(t, tc.filter)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func creds(t testing.TB) []Credential {
	return []Credential{
		{ID: "age", Format: "ldp_vc", Types: []string{"VerifiableCredential", "AgeCredential"}, Claims: decode(t, doc)},
		{ID: "member", Format: "jwt_vc_json", Types: []string{"VerifiableCredential", "MemberCredential"},
			Claims: decode(t, `{"iss":"did:example:club","vc":{"type":["VerifiableCredential","MemberCredential"],"credentialSubject":{"id":"did:example:alice","role":"admin"}}}`)},
		{ID: "pid", Format: "dc+sd-jwt", Types: []string{"https://example.eu/pid"}, Selective: true,
			Claims: decode(t, `{"vct":"https://example.eu/pid","given_name":"Alice","family_name":"Doe","age_over_18":true,"nationalities":["DE","FR"],"address":{"country":"DE"}}`)},
	}
}

func TestPathPointer(t *testing.T) {
	for _, tc := range []struct {
		path, want string
	}{
		{"$.credentialSubject.role", `["credentialSubject","role"]`},
		{"$['vc']['credentialSubject'][0]", `["vc","credentialSubject",0]`},
		{"$.degrees[*].type", `["degrees",null,"type"]`},
		{"$.credentialSubject..name", `["credentialSubject"]`},
		{"$", `[]`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := ParsePath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := PathString(p.Pointer()); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}
