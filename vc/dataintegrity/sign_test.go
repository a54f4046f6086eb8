package dataintegrity

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// replaceReference is replaceMembers done with encoding/json: the JSON value the fast
// rewrite must produce.
func replaceReference(t *testing.T, data []byte, repl map[string]json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, v := range repl {
		var x any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&x); err != nil {
			t.Fatal(err)
		}
		m[k] = x
	}
	return m
}

// TestReplaceMembers: the rewrite keeps every member and its value, in order, replaces
// and appends the given members, and is compact.
func TestReplaceMembers(t *testing.T) {
	repl := map[string]json.RawMessage{"proof": json.RawMessage(`{ "type" : "DataIntegrityProof", "proofValue":"z1" }`)}
	for _, tc := range []struct{ name, in string }{
		{"compact", `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:x","n":-1.5e3}`},
		{"whitespace", " {\n \"a\" : [ 1 , { \"b\" : \"c d\" } ] ,\t\"e\":null ,\"f\":true}\n"},
		{"escapes", `{"a\"b":"x\\\"y \u00e9 \ud83d\ude00","\u0063":"}{][,:"}`},
		{"replaced", `{"proof":{"old":1},"z":[]}`},
		{"empty", `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := replaceMembers([]byte(tc.in), repl)
			if err != nil {
				t.Fatal(err)
			}
			var c bytes.Buffer
			if err := json.Compact(&c, out); err != nil || !bytes.Equal(c.Bytes(), out) {
				t.Fatalf("not compact JSON: %s (%v)", out, err)
			}
			got := mustDecode(t, out)
			if want := replaceReference(t, []byte(tc.in), repl); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %s", out)
			}
		})
	}
}

// FuzzReplaceMembers: on every strict JSON object, the rewrite gives the value
// encoding/json gives, compactly.
func FuzzReplaceMembers(f *testing.F) {
	for _, v := range signedVectors {
		f.Add(readVector(f, v.path))
	}
	f.Add([]byte(`{"a\"b":"x\\\"y","\u0063":"}{][,:", "n" : [ 1 , 2.5e-3 ]}`))
	repl := map[string]json.RawMessage{"proof": json.RawMessage(`{"type":"DataIntegrityProof"}`)}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := decodeDocument(data); err != nil {
			return
		}
		out, err := replaceMembers(data, repl)
		if err != nil {
			t.Fatalf("strict object refused: %v", err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, out); err != nil || !bytes.Equal(c.Bytes(), out) {
			t.Fatalf("not compact JSON: %q (%v)", out, err)
		}
		got, err := decodeDocument(out)
		if err != nil {
			t.Fatalf("output not strict JSON: %v", err)
		}
		if want := replaceReference(t, data, repl); !reflect.DeepEqual(got, want) {
			t.Fatalf("value changed: %q -> %q", data, out)
		}
	})
}
