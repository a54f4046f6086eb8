package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/status"
)

var update = flag.Bool("update", false, "rewrite golden files")

const vcTestdata = "testdata/vc"

// vcTestKey writes the fixed Ed25519 test key (seed 32 x 0x07) to a key file.
func vcTestKey(t *testing.T) (*did.PrivateKey, string) {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "issuer.jwk")
	if err := did.WriteKeyFile(path, k, false); err != nil {
		t.Fatal(err)
	}
	return k, path
}

type vcOutput struct {
	Verified bool `json:"verified"`
	Checks   []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"checks"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// verifyCLI runs "polity vc verify" and decodes its single JSON object.
func verifyCLI(t *testing.T, stdin string, args ...string) (int, vcOutput) {
	t.Helper()
	code, out, errOut := runCLI(t, stdin, append([]string{"vc", "verify"}, args...)...)
	var res vcOutput
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value on stdout: %s", out)
	}
	if len(res.Checks) != len(vc.CheckNames) {
		t.Fatalf("checks: %s", out)
	}
	if (code == exitOK) != res.Verified || (res.Error == nil) != res.Verified {
		t.Fatalf("exit %d with %s", code, out)
	}
	return code, res
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVCVerifyW3CVectors(t *testing.T) {
	for _, p := range []string{"di-eddsa/signedDataInt.json", "di-ecdsa/signedECDSAP256.json"} {
		t.Run(p, func(t *testing.T) {
			path := filepath.Join(vcTestdata, p)
			code, res := verifyCLI(t, "", path)
			if code != exitFailure || res.Error.Code != "KEY_NOT_AUTHORIZED" {
				t.Fatalf("full: exit %d, %+v", code, res.Error)
			}
			code, res = verifyCLI(t, "", "--proof-only", path)
			if code != exitOK {
				t.Fatalf("proof-only: exit %d, %+v", code, res.Error)
			}
			// Flags may follow the file.
			if code, _ = verifyCLI(t, "", path, "--proof-only"); code != exitOK {
				t.Fatalf("proof-only after the file: exit %d", code)
			}
		})
	}
}

// "vc issue" with --created is reproducible byte for byte.
func TestVCIssueGolden(t *testing.T) {
	_, keyFile := vcTestKey(t)
	in := filepath.Join(vcTestdata, "membership.json")
	args := []string{"vc", "issue", "--key", keyFile, "--suite", "eddsa-rdfc-2022", "--created", "2026-01-01T00:00:00Z", in}
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden := filepath.Join(vcTestdata, "membership.signed.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Fatalf("output differs from %s:\n%s", golden, out)
	}
	if _, again, _ := runCLI(t, "", args...); again != out {
		t.Fatal("second run differs")
	}
}

// A credential issued by the CLI verifies through the Go API, and one issued through
// the Go API verifies with the CLI.
func TestVCInterop(t *testing.T) {
	ctx := context.Background()
	k, keyFile := vcTestKey(t)
	in := filepath.Join(vcTestdata, "membership.json")
	p256, err := did.NewPrivateKey(did.KeyP256, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	p256File := filepath.Join(t.TempDir(), "p256.jwk")
	if err := did.WriteKeyFile(p256File, p256, false); err != nil {
		t.Fatal(err)
	}
	for _, suite := range vc.Suites() {
		t.Run("cli→go/"+suite, func(t *testing.T) {
			kf := keyFile
			if strings.HasPrefix(suite, "ecdsa-") {
				kf = p256File
			}
			code, out, errOut := runCLI(t, "", "vc", "issue", "--key", kf, "--suite", suite, in)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			res, err := vc.NewVerifier(vc.VerifierConfig{}).Verify(ctx, []byte(out))
			if err != nil || !res.Verified {
				t.Fatalf("%v", err)
			}
		})
	}
	t.Run("go→cli", func(t *testing.T) {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := vc.Issue(ctx, data, k, vc.IssueOptions{Suite: vc.SuiteEdDSAJCS2022})
		if err != nil {
			t.Fatal(err)
		}
		if code, res := verifyCLI(t, "", writeFile(t, "signed.json", signed)); code != exitOK {
			t.Fatalf("exit %d: %+v", code, res.Error)
		}
		// And from stdin.
		if code, res := verifyCLI(t, string(signed), "-"); code != exitOK {
			t.Fatalf("stdin: exit %d: %+v", code, res.Error)
		}
	})
}

func TestVCVerifyCodes(t *testing.T) {
	k, keyFile := vcTestKey(t)
	in := filepath.Join(vcTestdata, "membership.json")
	_, signed, _ := runCLI(t, "", "vc", "issue", "--key", keyFile, "--created", "2026-01-01T00:00:00Z", in)
	good := writeFile(t, "good.json", []byte(signed))
	tampered := writeFile(t, "tampered.json", []byte(strings.Replace(signed, `"role":"member"`, `"role":"admin"`, 1)))

	// did:example:issuer, with the test key listed under authentication only.
	doc := &did.Document{ID: "did:example:issuer"}
	vm, err := did.NewVerificationMethod("did:example:issuer#key-1", doc.ID, "Multikey", k.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc.VerificationMethod = []did.VerificationMethod{vm}
	doc.AddReference("#key-1", did.Authentication)
	docJSON, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	docDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(docDir, "issuer.json"), docJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	code, foreignOut, errOut := runCLI(t, "", "vc", "issue", "--key", keyFile, "--issuer", "did:example:issuer",
		"--vm", "did:example:issuer#key-1", in)
	if code != exitOK {
		t.Fatalf("issue for did:example:issuer: %s", errOut)
	}
	foreign := writeFile(t, "foreign.json", []byte(foreignOut))

	for _, tc := range []struct {
		name string
		args []string
		code string
	}{
		{"valid", []string{good}, ""},
		{"tampered → INVALID_SIGNATURE", []string{tampered}, "INVALID_SIGNATURE"},
		{"before validFrom → NOT_YET_VALID", []string{"--now", "2025-12-31T00:00:00Z", good}, "NOT_YET_VALID"},
		{"within skew", []string{"--now", "2025-12-31T23:59:30Z", good}, ""},
		{"no skew → NOT_YET_VALID", []string{"--skew", "0s", "--now", "2025-12-31T23:59:30Z", good}, "NOT_YET_VALID"},
		{"trusted issuer", []string{"--trust", key.New(k.Public()) + "=MembershipCredential", good}, ""},
		{"untrusted issuer → UNTRUSTED_ISSUER", []string{"--trust", "did:example:other", good}, "UNTRUSTED_ISSUER"},
		{"unknown DID method → UNRESOLVABLE_DID", []string{foreign}, "UNRESOLVABLE_DID"},
		{"pinned document, key not in assertionMethod → KEY_NOT_AUTHORIZED", []string{"--did-doc", docDir, foreign}, "KEY_NOT_AUTHORIZED"},
		{"pinned document file", []string{"--did-doc", filepath.Join(docDir, "issuer.json"), foreign}, "KEY_NOT_AUTHORIZED"},
		{"not JSON → MALFORMED", []string{writeFile(t, "x.json", []byte("not a credential"))}, "MALFORMED"},
		{"duplicate key → MALFORMED", []string{writeFile(t, "dup.json", []byte(strings.Replace(signed, `"type":`, `"type":"X","type":`, 1)))}, "MALFORMED"},
		{"unknown context → UNKNOWN_CONTEXT", []string{writeFile(t, "ctx.json", []byte(strings.Replace(signed,
			`"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1","https://example.org/v9"`, 1)))}, "UNKNOWN_CONTEXT"},
		{"unknown suite → UNSUPPORTED_SUITE", []string{writeFile(t, "suite.json", []byte(strings.Replace(signed,
			`"eddsa-rdfc-2022"`, `"eddsa-2099"`, 1)))}, "UNSUPPORTED_SUITE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, res := verifyCLI(t, "", tc.args...)
			got := ""
			if res.Error != nil {
				got = res.Error.Code
			}
			if got != tc.code {
				t.Fatalf("exit %d, code %q, want %q: %+v", code, got, tc.code, res.Error)
			}
		})
	}
}

func TestVCUsage(t *testing.T) {
	_, keyFile := vcTestKey(t)
	in := filepath.Join(vcTestdata, "membership.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"vc alone", []string{"vc"}, exitUsage},
		{"vc --help", []string{"vc", "--help"}, exitOK},
		{"unknown subcommand", []string{"vc", "sign"}, exitUsage},
		{"issue --help", []string{"vc", "issue", "--help"}, exitOK},
		{"verify --help", []string{"vc", "verify", "-h"}, exitOK},
		{"issue without key", []string{"vc", "issue", in}, exitUsage},
		{"issue without file", []string{"vc", "issue", "--key", keyFile}, exitUsage},
		{"issue unknown suite", []string{"vc", "issue", "--key", keyFile, "--suite", "rsa-2018", in}, exitUsage},
		{"issue bad time", []string{"vc", "issue", "--key", keyFile, "--created", "yesterday", in}, exitUsage},
		{"issue unknown flag", []string{"vc", "issue", "--keys", keyFile, in}, exitUsage},
		{"issue key type does not fit suite", []string{"vc", "issue", "--key", keyFile, "--suite", "ecdsa-rdfc-2019", in}, exitFailure},
		{"issue missing key file", []string{"vc", "issue", "--key", "/nonexistent/k.jwk", in}, exitFailure},
		{"verify without file", []string{"vc", "verify"}, exitUsage},
		{"verify two files", []string{"vc", "verify", in, in}, exitUsage},
		{"verify bad --now", []string{"vc", "verify", "--now", "2026-01-01", in}, exitUsage},
		{"verify bad --did-doc", []string{"vc", "verify", "--did-doc", "/nonexistent", in}, exitUsage},
		{"verify bad --trust", []string{"vc", "verify", "--trust", "not-a-did", in}, exitUsage},
		{"verify missing file", []string{"vc", "verify", "/nonexistent/c.json"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if code == exitOK && !strings.HasPrefix(out, "Usage:") {
				t.Fatalf("help not on stdout: %q", out)
			}
			if code == exitUsage && (out != "" || !strings.Contains(errOut, "polity: error:") && !strings.HasPrefix(errOut, "Usage:")) {
				t.Fatalf("usage error output: stdout %q stderr %q", out, errOut)
			}
		})
	}
}

func TestVCStatus(t *testing.T) {
	k, keyFile := vcTestKey(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "list.state")
	list, err := status.CreateList(state, status.ListOptions{URL: "https://example.com/status/1", Purpose: "revocation"})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(vcTestdata, "membership.json")
	code, signed, errOut := runCLI(t, "", "vc", "issue", "--key", keyFile, "--status", state, in)
	if code != exitOK {
		t.Fatalf("issue --status: %s", errOut)
	}
	if err := list.Reload(); err != nil {
		t.Fatal(err)
	}
	if list.Allocated() != 1 {
		t.Fatalf("%d indexes allocated", list.Allocated())
	}
	cred := writeFile(t, "cred.json", []byte(signed))
	pub := t.TempDir()
	publish := func() {
		unsigned, err := list.Credential(status.CredentialOptions{Issuer: key.New(k.Public())})
		if err != nil {
			t.Fatal(err)
		}
		signedList, err := vc.Issue(context.Background(), unsigned, k, vc.IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pub, "list.json"), signedList, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	if code, res := verifyCLI(t, "", cred); code != exitFailure || res.Error.Code != "STATUS_UNAVAILABLE" {
		t.Fatalf("without a status source: exit %d %+v", code, res.Error)
	}
	if code, res := verifyCLI(t, "", "--ignore-status", cred); code != exitOK {
		t.Fatalf("--ignore-status: exit %d %+v", code, res.Error)
	}
	if code, res := verifyCLI(t, "", "--status-dir", pub, cred); code != exitOK {
		t.Fatalf("--status-dir: exit %d %+v", code, res.Error)
	}
	var entry struct {
		Status struct {
			Index string `json:"statusListIndex"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal([]byte(signed), &entry); err != nil {
		t.Fatal(err)
	}
	var idx uint64
	if _, err := fmt.Sscan(entry.Status.Index, &idx); err != nil {
		t.Fatal(err)
	}
	if err := list.Set(idx); err != nil {
		t.Fatal(err)
	}
	publish()
	if code, res := verifyCLI(t, "", "--status-dir", pub, cred); code != exitFailure || res.Error.Code != "REVOKED" {
		t.Fatalf("revoked: exit %d %+v", code, res.Error)
	}
}
