package vc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
)

// refString is the reference encoding of writeString: encoding/json without HTML
// escaping (invalid UTF-8 bytes become \ufffd).
func refString(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}

func stringCases() []string {
	cases := []string{"", "plain", `q"uote`, `back\slash`, "<html>&amp;", "tab\tnl\ncr\r", "\b\f\x00\x1f\x7f",
		"é日本\U0001F600", "\u2028\u2029x", "bad\xffbyte", "\xc3", "\xed\xa0\x80", "a\xe2\x80", "https://www.w3.org/ns/credentials/v2"}
	for c := 0; c < 256; c++ {
		cases = append(cases, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	return cases
}

// TestWriteString compares the JSON string encoder with encoding/json on every byte and
// on the escapes it must make.
func TestWriteString(t *testing.T) {
	for _, s := range stringCases() {
		var buf bytes.Buffer
		buf.WriteString("prefix")
		writeString(&buf, s)
		if got, want := buf.Bytes()[len("prefix"):], refString(s); !bytes.Equal(got, want) {
			t.Errorf("writeString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzWriteString(f *testing.F) {
	for _, s := range stringCases() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		writeString(&buf, s)
		if want := refString(s); !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("writeString(%q) = %s, want %s", s, buf.Bytes(), want)
		}
	})
}

// TestDecodeCredentialTree: reading a credential's nodes from the decoded document gives
// the credential (or the error) that decoding its JSON gives, on every credential vector
// and on malformed node shapes.
func TestDecodeCredentialTree(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../testdata/vc/*/*.json", "../testdata/vc/*/*/*.json", "../testdata/di-*/*.json", "../testdata/di-*/*/*.json", "testdata/*.json"} {
		names, _ := filepath.Glob(pattern)
		files = append(files, names...)
	}
	docs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = b
	}
	const head = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":`
	for name, doc := range map[string]string{
		"issuer number":       head + `1,"credentialSubject":{"id":"did:ex:1"}}`,
		"issuer empty id":     head + `{"id":""},"credentialSubject":{"id":"did:ex:1"}}`,
		"issuer empty object": head + `{},"credentialSubject":{"id":"did:ex:1"}}`,
		"subject string":      head + `"did:ex:2","credentialSubject":"did:ex:1"}`,
		"subject type number": head + `"did:ex:2","credentialSubject":{"type":[1]}}`,
		"subject empty types": head + `"did:ex:2","credentialSubject":[{"type":[]},{"n":1.50,"m":{"a":[true,null]}}]}`,
		"subject id number":   head + `"did:ex:2","credentialSubject":{"id":5}}`,
		"status array":        head + `"did:ex:2","credentialSubject":{"id":"did:ex:1"},"credentialStatus":[{"type":"X","id":"urn:x"},"bad"]}`,
		"id empty":            head + `"did:ex:2","id":"","credentialSubject":{"id":"did:ex:1"}}`,
		"id number":           head + `"did:ex:2","id":7,"credentialSubject":{"id":"did:ex:1"}}`,
		"bad date":            head + `"did:ex:2","validFrom":"yesterday","credentialSubject":{"id":"did:ex:1"}}`,
		"date number":         head + `"did:ex:2","validUntil":2030,"credentialSubject":{"id":"did:ex:1"}}`,
		"good dates":          head + `"did:ex:2","validFrom":"2025-01-01T00:00:00Z","validUntil":"2030-01-01T00:00:00.5+02:00","credentialSubject":{"id":"did:ex:1"}}`,
		"type number":         `{"@context":"https://www.w3.org/ns/credentials/v2","type":3,"issuer":"did:ex:2","credentialSubject":{"id":"did:ex:1"}}`,
		"inline context":      `{"@context":["https://www.w3.org/ns/credentials/v2",{"x":"https://ex.com/x"}],"type":"VerifiableCredential","issuer":"did:ex:2","credentialSubject":{"x":1}}`,
		"context number":      `{"@context":["https://www.w3.org/ns/credentials/v2",5],"type":"VerifiableCredential","issuer":"did:ex:2","credentialSubject":{"x":1}}`,
	} {
		docs[name] = []byte(doc)
	}
	if len(docs) < 20 {
		t.Fatalf("only %d documents", len(docs))
	}
	compared := 0
	for name, raw := range docs {
		tree, err := jsonx.Decode(raw, jsonx.Limits{})
		m, isMap := tree.(map[string]any)
		if err != nil || !isMap {
			continue
		}
		want, werr := decodeCredential(bytes.Clone(raw))
		got, gerr := decodeCredentialTree(bytes.Clone(raw), m)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Errorf("%s: error %v, want %v", name, gerr, werr)
			continue
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: credentials differ\ngot  %+v\nwant %+v", name, got, want)
		}
		if werr == nil && len(got.Subjects) > 0 {
			compared++
		}
	}
	if compared < 15 {
		t.Fatalf("only %d credentials compared", compared)
	}
}
