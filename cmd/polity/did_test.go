package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
)

func didCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(e, args)
	return code, out.String(), errb.String()
}

// cliVectors collects every did:key vector DID of the five supported types with the
// expected public key: did-key/ed25519-x25519.json, x25519.json, p256.json, plus the
// secp256k1 and P-384 DIDs of the DID Core fixture did-core/did-key-transmute.json.
func cliVectors(t *testing.T) map[string]*did.PublicKey {
	t.Helper()
	out := map[string]*did.PublicKey{}
	read := func(path string, v any) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(err)
		}
	}
	type docOnly struct {
		Document json.RawMessage `json:"didDocument"`
	}
	addDoc := func(id string, raw json.RawMessage) {
		doc, err := did.ParseDocument(raw)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		k, err := doc.VerificationMethod[0].PublicKey()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out[id] = k
	}
	for _, f := range []string{"ed25519-x25519.json", "p256.json"} {
		var set map[string]docOnly
		read("../../testdata/did-key/"+f, &set)
		for id, v := range set {
			addDoc(id, v.Document)
		}
	}
	var x struct {
		Documents map[string]json.RawMessage `json:"didDocument"`
	}
	read("../../testdata/did-key/x25519.json", &x)
	for id, raw := range x.Documents {
		addDoc(id, raw)
	}
	var tm map[string]json.RawMessage
	read("../../testdata/did-core/did-key-transmute.json", &tm)
	for id, raw := range tm {
		if !strings.HasPrefix(id, "did:key:zQ3s") && !strings.HasPrefix(id, "did:key:z82L") {
			continue
		}
		var entry struct {
			Model struct {
				Properties json.RawMessage `json:"properties"`
			} `json:"didDocumentDataModel"`
		}
		_ = json.Unmarshal(raw, &entry)
		addDoc(id, entry.Model.Properties)
	}
	return out
}

func TestDIDResolveVectors(t *testing.T) {
	vectors := cliVectors(t)
	types := map[did.KeyType]int{}
	for id, want := range vectors {
		types[want.Type()]++
		t.Run(id, func(t *testing.T) {
			for _, flags := range [][]string{nil, {"--legacy"}} {
				code, stdout, stderr := didCLI(t, append(append([]string{"did", "resolve"}, flags...), id)...)
				if code != exitOK {
					t.Fatalf("%v: exit %d: %s", flags, code, stderr)
				}
				doc, err := did.ParseDocument([]byte(stdout))
				if err != nil {
					t.Fatal(err)
				}
				k, err := doc.VerificationMethod[0].PublicKey()
				if err != nil || !k.Equal(want) || doc.ID != id {
					t.Fatalf("%v: key %v, %v", flags, k, err)
				}
			}
		})
	}
	if len(types) != 5 {
		t.Fatalf("vectors cover %d key types, want 5: %v", len(types), types)
	}
}

func TestDIDNewAndResolve(t *testing.T) {
	dir := t.TempDir()
	for _, method := range []string{"key", "jwk"} {
		for _, typ := range []string{"ed25519", "p256", "p384", "secp256k1", "x25519"} {
			path := filepath.Join(dir, method+typ+".jwk")
			code, stdout, stderr := didCLI(t, "did", "new", "--method", method, "--type", typ, "--out", path)
			if code != exitOK {
				t.Fatalf("%s %s: exit %d: %s", method, typ, code, stderr)
			}
			id := strings.TrimSpace(stdout)
			if !strings.HasPrefix(id, "did:"+method+":") {
				t.Fatalf("printed %q", stdout)
			}
			st, _ := os.Stat(path)
			if st.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v", st.Mode())
			}
			priv, err := did.ReadKeyFile(path)
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, _ = didCLI(t, "did", "resolve", id)
			if code != exitOK {
				t.Fatalf("resolve %s: exit %d", id, code)
			}
			doc, _ := did.ParseDocument([]byte(stdout))
			if k, err := doc.VerificationMethod[0].PublicKey(); err != nil || !k.Equal(priv.Public()) {
				t.Fatalf("resolved key %v, %v", k, err)
			}
			// Refuses to overwrite without --force.
			if code, _, _ := didCLI(t, "did", "new", "--method", method, "--type", typ, "--out", path); code != exitFailure {
				t.Fatalf("overwrite without --force: exit %d", code)
			}
			if code, _, _ := didCLI(t, "did", "new", "--method", method, "--type", typ, "--out", path, "--force"); code != exitOK {
				t.Fatalf("--force: exit %d", code)
			}
		}
	}
}

func TestDIDErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"did"}, exitUsage},
		{[]string{"did", "bogus"}, exitUsage},
		{[]string{"did", "new"}, exitUsage},
		{[]string{"did", "new", "--out", "x", "--type", "rsa"}, exitUsage},
		{[]string{"did", "new", "--out", "x", "--method", "web"}, exitUsage},
		{[]string{"did", "new", "--nope"}, exitUsage},
		{[]string{"did", "resolve"}, exitUsage},
		{[]string{"did", "resolve", "--format", "x", "did:key:z6Mk"}, exitUsage},
		{[]string{"did", "resolve", "not-a-did"}, exitFailure},
		{[]string{"did", "resolve", "did:key:z6MkBAD"}, exitFailure},
		{[]string{"did", "resolve", "did:example:123"}, exitFailure},
		{[]string{"did", "resolve", "did:key:z2J9gaYxrKVpdoG9A4gRnmpnRCcxU6agDtFVVBVdn1JedouoZN7SzcyREXXzWgt3gGiwpoHq7K68X4m32D8HgzG8wv3sY5j7"}, exitFailure},
		{[]string{"did", "resolve", "did:web:127.0.0.1"}, exitFailure},
	}
	for _, tt := range tests {
		code, stdout, stderr := didCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, stderr)
		}
		if code == exitFailure && (stdout != "" || !strings.HasPrefix(stderr, "polity: error: ")) {
			t.Errorf("%v: stdout %q stderr %q", tt.args, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"did", "--help"}, {"did", "new", "--help"}, {"did", "resolve", "-h"}} {
		code, stdout, _ := didCLI(t, args...)
		if code != exitOK || !strings.Contains(stdout, "Usage:") || !strings.Contains(stdout, "Example") {
			t.Errorf("%v: exit %d, %q", args, code, stdout)
		}
	}
	for _, args := range [][]string{{"did", "new", "--help"}, {"did", "resolve", "--help"}} {
		if _, stdout, _ := didCLI(t, args...); !strings.Contains(stdout, "Options:") {
			t.Errorf("%v: no Options section", args)
		}
	}
}
