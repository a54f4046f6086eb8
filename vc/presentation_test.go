package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

var validPresentations = []string{"spec/vp-v2.json", "spec/vp-v1-jwt.json"}

func TestParsePresentationVectors(t *testing.T) {
	for _, name := range validPresentations {
		t.Run(name, func(t *testing.T) {
			in := readFile(t, name)
			p, err := ParsePresentation(in)
			if err != nil {
				t.Fatalf("ParsePresentation: %v", err)
			}
			out, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, out, in)
		})
	}
}

func TestPresentationFields(t *testing.T) {
	in := readFile(t, "spec/vp-v2.json")
	p, err := ParsePresentation(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version() != 2 || p.Holder.ID != "did:example:ebfeb1f712ebc6f1c276e12ec21" || !p.HasProof() || len(p.TermsOfUse) != 1 {
		t.Fatalf("got %+v", p)
	}
	if len(p.Credentials) != 3 {
		t.Fatalf("%d credentials", len(p.Credentials))
	}
	emb := p.Credentials[0].Credential
	if emb == nil || !emb.HasProof() || !bytes.Contains(in, emb.Raw()) || emb.Raw()[0] != '{' {
		t.Fatalf("embedded credential: %+v", p.Credentials[0])
	}
	for i, want := range []struct{ mediaType, data string }{
		{"application/vc+jwt", "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"},
		{"application/vc+sd-jwt", "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln~"},
	} {
		e := p.Credentials[i+1].Enveloped
		if e == nil {
			t.Fatalf("item %d is not enveloped", i+1)
		}
		mt, data, err := e.Data()
		if err != nil || mt != want.mediaType || string(data) != want.data {
			t.Errorf("item %d: Data() = %q, %q, %v", i+1, mt, data, err)
		}
	}

	v1, err := ParsePresentation(readFile(t, "spec/vp-v1-jwt.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version() != 1 || len(v1.Credentials) != 1 || v1.Credentials[0].Compact == "" || v1.Holder.Props["name"] != "Holder" {
		t.Fatalf("1.1 presentation: %+v", v1)
	}
}

func TestNewEnvelope(t *testing.T) {
	jwt := "eyJhbGciOiJFZERTQSJ9.e30.c2ln~WyJhIiwiYiJd~"
	e := NewEnvelope("application/vc+sd-jwt", []byte(jwt))
	if err := e.Validate("verifiableCredential"); err != nil {
		t.Fatal(err)
	}
	mt, data, err := e.Data()
	if err != nil || mt != "application/vc+sd-jwt" || string(data) != jwt {
		t.Fatalf("Data() = %q, %q, %v", mt, data, err)
	}
	p := &Presentation{
		Context:     []LDContext{{URL: ContextV2}},
		Types:       []string{TypePresentation},
		Holder:      Node{ID: "did:example:holder"},
		Credentials: []PresentedCredential{{Enveloped: e}},
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := ParsePresentation(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if p2.Credentials[0].Enveloped == nil || p2.Credentials[0].Enveloped.ID != e.ID {
		t.Fatalf("got %+v", p2.Credentials[0])
	}
}

func TestParsePresentationInvalid(t *testing.T) {
	const ctx = `"@context":["https://www.w3.org/ns/credentials/v2"]`
	tests := []struct {
		name, in string
	}{
		{"json/duplicate member", `{` + ctx + `,"type":"VerifiablePresentation","type":"VerifiablePresentation"}`},
		{"context/missing", `{"type":"VerifiablePresentation"}`},
		{"context/first not v2", `{"@context":["https://example.org/v1"],"type":"VerifiablePresentation"}`},
		{"type/without VerifiablePresentation", `{` + ctx + `,"type":["VerifiableCredential"]}`},
		{"id/not a URL", `{` + ctx + `,"id":"abc","type":"VerifiablePresentation"}`},
		{"holder/not a URL", `{` + ctx + `,"type":"VerifiablePresentation","holder":"Alice"}`},
		{"holder/object without id", `{` + ctx + `,"type":"VerifiablePresentation","holder":{"name":"Alice"}}`},
		{"verifiableCredential/string in 2.0", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":"eyJ.e30.c2ln"}`},
		{"verifiableCredential/number", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":[1]}`},
		{"verifiableCredential/invalid credential", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":{` + ctx + `,"type":"VerifiableCredential","credentialSubject":{"a":1}}}`},
		{"enveloped/id not a data URL", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":{` + ctx + `,"id":"https://example.org/vc","type":"EnvelopedVerifiableCredential"}}`},
		{"enveloped/bad base64", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":{` + ctx + `,"id":"data:application/vc+jwt;base64,!!!","type":"EnvelopedVerifiableCredential"}}`},
		{"enveloped/without v2 context", `{` + ctx + `,"type":"VerifiablePresentation","verifiableCredential":{"@context":"https://example.org/x","id":"data:application/vc+jwt,a.b.c","type":"EnvelopedVerifiableCredential"}}`},
		{"termsOfUse/without type", `{` + ctx + `,"type":"VerifiablePresentation","termsOfUse":{"id":"urn:x"}}`},
		{"proof/string", `{` + ctx + `,"type":"VerifiablePresentation","proof":"z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePresentation([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParsePresentation succeeded: %+v", p)
			}
			if !errors.Is(err, ErrMalformed) || Code(err) != "MALFORMED" {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
			var fe *FieldError
			if !strings.HasPrefix(tt.name, "json/") && !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FieldError", err)
			}
		})
	}
}

func FuzzParsePresentation(f *testing.F) {
	for _, name := range validPresentations {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiablePresentation","verifiableCredential":[]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := ParsePresentation(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || p != nil {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("Marshal of a parsed presentation: %v", err)
		}
		assertSameJSON(t, out, in)
		p2, err := ParsePresentation(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(p2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("unstable round trip: %v\n%s\n%s", err, out, out2)
		}
	})
}
