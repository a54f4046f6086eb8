package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/status"
)

// vpParty is a key, its key file and its did:key.
type vpParty struct {
	key  *did.PrivateKey
	file string
	did  string
}

func newParty(t *testing.T, kt did.KeyType, seed byte) vpParty {
	t.Helper()
	k, err := did.NewPrivateKey(kt, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.jwk")
	if err := did.WriteKeyFile(path, k, false); err != nil {
		t.Fatal(err)
	}
	return vpParty{key: k, file: path, did: key.New(k.Public())}
}

// vpWorld issues, with the CLI, one credential of each suite to the holder.
type vpWorld struct {
	issuer, holder, other vpParty
	creds                 map[string]string // suite → file
}

func newVPWorld(t *testing.T) *vpWorld {
	t.Helper()
	w := &vpWorld{
		issuer: newParty(t, did.KeyEd25519, 7),
		holder: newParty(t, did.KeyEd25519, 8),
		other:  newParty(t, did.KeyP256, 9),
		creds:  map[string]string{},
	}
	v2 := writeFile(t, "v2.json", fmt.Appendf(nil, `{"@context":["https://www.w3.org/ns/credentials/v2","https://polity.id/ns/v1"],`+
		`"type":["VerifiableCredential","MembershipCredential"],"credentialSubject":{"id":%q,"community":"did:example:commons","role":"member"}}`, w.holder.did))
	v1 := writeFile(t, "v1.json", fmt.Appendf(nil, `{"@context":["https://www.w3.org/2018/credentials/v1"],`+
		`"type":["VerifiableCredential"],"credentialSubject":{"id":%q}}`, w.holder.did))
	created := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		suite string
		in    string
		extra []string
	}{
		{"eddsa-rdfc-2022", v2, nil},
		{"vc-jwt", v2, nil},
		{"jwt-vc-1.1", v1, nil},
		{"sd-jwt", v2, []string{"--holder", w.holder.did, "--disclose", "credentialSubject.role", "--disclose", "credentialSubject.community"}},
	} {
		args := append([]string{"vc", "issue", "--key", w.issuer.file, "--suite", tc.suite, "--created", created}, tc.extra...)
		code, out, errOut := runCLI(t, "", append(args, tc.in)...)
		if code != exitOK {
			t.Fatalf("vc issue --suite %s: exit %d: %s", tc.suite, code, errOut)
		}
		if tc.suite != "eddsa-rdfc-2022" && strings.Count(out, "\n") != 1 {
			t.Fatalf("vc issue --suite %s: not one line: %q", tc.suite, out)
		}
		w.creds[tc.suite] = writeFile(t, tc.suite+".cred", []byte(out))
	}
	// A VCDM 1.1 Data Integrity credential, for VCDM 1.1 JWT presentations.
	code, out, errOut := runCLI(t, "", "vc", "issue", "--key", w.issuer.file, "--suite", "eddsa-rdfc-2022", "--created", created, v1)
	if code != exitOK {
		t.Fatalf("vc issue VCDM 1.1: exit %d: %s", code, errOut)
	}
	w.creds["eddsa-rdfc-2022/1.1"] = writeFile(t, "di11.cred", []byte(out))
	return w
}

func TestVCIssueJOSESuites(t *testing.T) {
	w := newVPWorld(t)
	for _, suite := range []string{"vc-jwt", "jwt-vc-1.1", "sd-jwt"} {
		t.Run(suite, func(t *testing.T) {
			code, res := verifyCLI(t, "", w.creds[suite])
			if code != exitOK || !res.Verified {
				t.Fatalf("exit %d: %+v", code, res)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"disclose without sd-jwt", []string{"--suite", "vc-jwt", "--disclose", "credentialSubject.role"}},
		{"unknown suite", []string{"--suite", "vc+jwt"}},
		{"holder not a did:key", []string{"--suite", "sd-jwt", "--holder", "did:web:example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"vc", "issue", "--key", w.issuer.file}, tc.args...)
			if code, _, _ := runCLI(t, "", append(args, w.creds["vc-jwt"])...); code != exitUsage {
				t.Fatalf("exit %d", code)
			}
		})
	}
}

// vpOutput is the JSON result of "polity vp verify".
type vpOutput struct {
	vcOutput
	Format      string     `json:"format"`
	Credentials []vcOutput `json:"credentials"`
}

// vpVerifyCLI runs "polity vp verify" (or "vc verify") and decodes its JSON result.
func vpVerifyCLI(t *testing.T, cmd string, args ...string) (int, vpOutput) {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{cmd, "verify"}, args...)...)
	var res vpOutput
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&res); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON object: %v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	if len(res.Checks) != len(vc.CheckNames) || (code == exitOK) != res.Verified || (res.Error == nil) != res.Verified {
		t.Fatalf("exit %d with %s", code, out)
	}
	return code, res
}

const (
	vpChallenge = "8f3a-challenge"
	vpDomain    = "https://door.example"
)

// TestVPCreateVerifiesInGo checks that presentations made by the CLI verify through
// the Go API.
func TestVPCreateVerifiesInGo(t *testing.T) {
	w := newVPWorld(t)
	for _, tc := range []struct {
		format string
		creds  []string
		extra  []string
	}{
		{"di", []string{"eddsa-rdfc-2022", "vc-jwt", "jwt-vc-1.1", "sd-jwt"}, nil},
		{"jwt", []string{"vc-jwt", "jwt-vc-1.1", "sd-jwt"}, nil},
		{"jwt-vp-1.1", []string{"jwt-vc-1.1", "eddsa-rdfc-2022/1.1"}, nil},
		{"sd-jwt", []string{"sd-jwt"}, []string{"--disclose", "credentialSubject.role"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			args := append([]string{"vp", "create", "--key", w.holder.file, "--challenge", vpChallenge, "--domain", vpDomain, "--format", tc.format}, tc.extra...)
			for _, c := range tc.creds {
				args = append(args, w.creds[c])
			}
			code, out, errOut := runCLI(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if tc.format != "di" && strings.Count(out, "\n") != 1 {
				t.Fatalf("not one line: %q", out)
			}
			res, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyPresentation(context.Background(), []byte(out),
				vc.PresentationOptions{Challenge: vpChallenge, Domain: vpDomain})
			if err != nil || !res.Verified || len(res.Credentials) != len(tc.creds) {
				t.Fatalf("VerifyPresentation: %v", err)
			}
		})
	}
}

// TestVPGoVerifiesInCLI checks that presentations made by vc.Present verify with
// "vp verify" and "vc verify".
func TestVPGoVerifiesInCLI(t *testing.T) {
	w := newVPWorld(t)
	for _, format := range []string{vc.FormatDataIntegrity, vc.FormatVPJWT, vc.FormatJWTVP, vc.FormatSDJWT} {
		t.Run(format, func(t *testing.T) {
			creds := [][]byte{readFile(t, w.creds["vc-jwt"]), readFile(t, w.creds["sd-jwt"])}
			switch format {
			case vc.FormatSDJWT:
				creds = creds[1:]
			case vc.FormatJWTVP:
				creds = [][]byte{readFile(t, w.creds["jwt-vc-1.1"]), readFile(t, w.creds["eddsa-rdfc-2022/1.1"])}
			}
			pres, err := vc.Present(context.Background(), creds, w.holder.key, vc.PresentOptions{
				Format: format, Challenge: vpChallenge, Domain: vpDomain})
			if err != nil {
				t.Fatal(err)
			}
			file := writeFile(t, "vp", pres)
			for _, cmd := range []string{"vp", "vc"} {
				code, res := vpVerifyCLI(t, cmd, "--challenge", vpChallenge, "--domain", vpDomain, file)
				if code != exitOK || res.Format != format || len(res.Credentials) != len(creds) {
					t.Fatalf("%s verify: exit %d: %+v", cmd, code, res)
				}
				for _, c := range res.Credentials {
					if !c.Verified || c.Checks[len(c.Checks)-1].Name != vc.CheckNameHolder {
						t.Fatalf("credential %+v", c)
					}
				}
			}
			// A presentation needs a challenge.
			if code, _, errOut := runCLI(t, "", "vc", "verify", file); code != exitUsage || !strings.Contains(errOut, "--challenge") {
				t.Fatalf("without --challenge: exit %d: %s", code, errOut)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := readInput(&env{}, path, maxInput)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

func vpCreate(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"vp", "create", "--challenge", vpChallenge, "--domain", vpDomain}, args...)...)
	if code != exitOK {
		t.Fatalf("vp create: exit %d: %s", code, errOut)
	}
	return writeFile(t, "vp", []byte(out))
}

func TestVPVerifyRejects(t *testing.T) {
	w := newVPWorld(t)
	di := vpCreate(t, "--key", w.holder.file, w.creds["eddsa-rdfc-2022"])
	jwtVP := vpCreate(t, "--key", w.holder.file, "--format", "jwt", w.creds["vc-jwt"])
	sdVP := vpCreate(t, "--key", w.holder.file, "--format", "sd-jwt", w.creds["sd-jwt"])
	jwtVP11 := vpCreate(t, "--key", w.holder.file, "--format", "jwt-vp-1.1", w.creds["jwt-vc-1.1"])
	past := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)

	// A credential tampered before presenting, in a presentation signed after.
	tampered := bytes.Replace(readFile(t, w.creds["eddsa-rdfc-2022"]), []byte(`"role":"member"`), []byte(`"role":"admin"`), 1)
	tamperedCred := vpCreate(t, "--key", w.holder.file, writeFile(t, "cred.json", tampered))
	// The presentation itself altered after signing.
	tamperedVP := writeFile(t, "vp.json", bytes.Replace(readFile(t, di), []byte(`"holder"`), []byte(`"id":"urn:uuid:1","holder"`), 1))

	// vp+jwt tokens with alg none and with an embedded jwk header.
	payload, _ := json.Marshal(map[string]any{"@context": []string{vc.ContextV2}, "type": []string{"VerifiablePresentation"},
		"holder": w.holder.did, "nonce": vpChallenge, "aud": vpDomain})
	vm := w.holder.did + "#" + strings.TrimPrefix(w.holder.did, "did:key:")
	jws := func(header map[string]any, sign bool) string {
		h, _ := json.Marshal(header)
		in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(payload)
		sig := ""
		if sign {
			sig = base64.RawURLEncoding.EncodeToString(ed25519.Sign(w.holder.key.CryptoPrivateKey().(ed25519.PrivateKey), []byte(in)))
		}
		return writeFile(t, "vp.jwt", []byte(in+"."+sig))
	}
	jwkHeader := w.holder.key.Public().JWK()

	for _, tc := range []struct {
		name string
		args []string
		code string
	}{
		{"wrong challenge/di", []string{"--challenge", "other", di}, "CHALLENGE_MISMATCH"},
		{"wrong challenge/vp+jwt", []string{"--challenge", "other", jwtVP}, "CHALLENGE_MISMATCH"},
		{"wrong challenge/sd-jwt", []string{"--challenge", "other", sdVP}, "CHALLENGE_MISMATCH"},
		{"wrong domain/di", []string{"--challenge", vpChallenge, "--domain", "https://evil.example", di}, "DOMAIN_MISMATCH"},
		{"wrong domain/vp+jwt", []string{"--challenge", vpChallenge, "--domain", "https://evil.example", jwtVP}, "DOMAIN_MISMATCH"},
		{"wrong domain/sd-jwt", []string{"--challenge", vpChallenge, "--domain", "https://evil.example", sdVP}, "DOMAIN_MISMATCH"},
		{"wrong challenge/jwt-vp-1.1", []string{"--challenge", "other", jwtVP11}, "CHALLENGE_MISMATCH"},
		{"wrong domain/jwt-vp-1.1", []string{"--challenge", vpChallenge, "--domain", "https://evil.example", jwtVP11}, "DOMAIN_MISMATCH"},
		{"holder mismatch/jwt-vp-1.1", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.other.file, "--format", "jwt-vp-1.1", w.creds["jwt-vc-1.1"])}, "HOLDER_MISMATCH"},
		{"expired presentation/jwt-vp-1.1", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.holder.file, "--format", "jwt-vp-1.1", "--created", past, "--expires", "1h", w.creds["jwt-vc-1.1"])}, "EXPIRED"},
		{"holder mismatch/di", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.other.file, w.creds["eddsa-rdfc-2022"])}, "HOLDER_MISMATCH"},
		{"holder mismatch/vp+jwt", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.other.file, "--format", "jwt", w.creds["vc-jwt"])}, "HOLDER_MISMATCH"},
		{"holder mismatch/sd-jwt", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.other.file, "--format", "sd-jwt", w.creds["sd-jwt"])}, "INVALID_SIGNATURE"},
		{"tampered presentation", []string{"--challenge", vpChallenge, tamperedVP}, "INVALID_SIGNATURE"},
		{"tampered embedded credential", []string{"--challenge", vpChallenge, tamperedCred}, "INVALID_SIGNATURE"},
		{"expired presentation/di", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.holder.file, "--created", past, "--expires", "1h", w.creds["eddsa-rdfc-2022"])}, "EXPIRED"},
		{"expired presentation/vp+jwt", []string{"--challenge", vpChallenge, vpCreate(t, "--key", w.holder.file, "--format", "jwt", "--created", past, "--expires", "1h", w.creds["vc-jwt"])}, "EXPIRED"},
		{"old presentation/--max-age", []string{"--challenge", vpChallenge, "--max-age", "10m", vpCreate(t, "--key", w.holder.file, "--created", past, w.creds["eddsa-rdfc-2022"])}, "EXPIRED"},
		{"vp+jwt alg none", []string{"--challenge", vpChallenge, jws(map[string]any{"alg": "none", "typ": "vp+jwt", "kid": vm}, false)}, "MALFORMED"},
		{"vp+jwt embedded jwk", []string{"--challenge", vpChallenge, jws(map[string]any{"alg": "EdDSA", "typ": "vp+jwt", "kid": vm, "jwk": jwkHeader}, true)}, "MALFORMED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, res := vpVerifyCLI(t, "vp", tc.args...)
			if code != exitFailure || res.Error.Code != tc.code {
				t.Fatalf("exit %d, %+v, want %s", code, res.Error, tc.code)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"verify without --challenge", []string{"vp", "verify", di}},
		{"create without --challenge", []string{"vp", "create", "--key", w.holder.file, di}},
		{"unknown format", []string{"vp", "create", "--key", w.holder.file, "--challenge", "c", "--format", "cbor", di}},
		{"disclose without sd-jwt", []string{"vp", "create", "--key", w.holder.file, "--challenge", "c", "--disclose", "x", w.creds["vc-jwt"]}},
		{"unknown command", []string{"vp", "sign"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, _ := runCLI(t, "", tc.args...); code != exitUsage {
				t.Fatalf("exit %d", code)
			}
		})
	}
}

// TestVCIssueJWTStatus checks that a vc+jwt gets the status list entry of --status and
// is revoked through it.
func TestVCIssueJWTStatus(t *testing.T) {
	k, keyFile := vcTestKey(t)
	state := filepath.Join(t.TempDir(), "list.state")
	list, err := status.CreateList(state, status.ListOptions{URL: "https://example.com/status/1", Purpose: "revocation"})
	if err != nil {
		t.Fatal(err)
	}
	code, tok, errOut := runCLI(t, "", "vc", "issue", "--key", keyFile, "--suite", "vc-jwt", "--status", state, filepath.Join(vcTestdata, "membership.json"))
	if code != exitOK {
		t.Fatalf("issue: %s", errOut)
	}
	cred := writeFile(t, "cred.jwt", []byte(tok))
	pub := t.TempDir()
	publish := func() {
		if err := list.Reload(); err != nil {
			t.Fatal(err)
		}
		unsigned, err := list.Credential(status.CredentialOptions{Issuer: key.New(k.Public())})
		if err != nil {
			t.Fatal(err)
		}
		signed, err := vc.Issue(context.Background(), unsigned, k, vc.IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		writeTo(t, filepath.Join(pub, "list.json"), signed)
	}
	publish()
	if code, res := verifyCLI(t, "", "--status-dir", pub, cred); code != exitOK {
		t.Fatalf("--status-dir: exit %d %+v", code, res.Error)
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(strings.TrimSpace(tok), ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var entry struct {
		Status []struct {
			Index string `json:"statusListIndex"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal(payload, &entry); err != nil || len(entry.Status) != 1 {
		t.Fatalf("credentialStatus: %v %s", err, payload)
	}
	var idx uint64
	if _, err := fmt.Sscan(entry.Status[0].Index, &idx); err != nil {
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

func writeTo(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
