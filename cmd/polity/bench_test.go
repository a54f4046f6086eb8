package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// benchFixtures issues, with fresh keys, the credentials the bench tests measure.
func benchFixtures(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	files := map[string]string{}
	newKey := func(kt did.KeyType) (*did.PrivateKey, string) {
		k, err := did.GenerateKey(kt)
		if err != nil {
			t.Fatal(err)
		}
		return k, key.New(k.Public())
	}
	holder, holderDID := newKey(did.KeyEd25519)
	member := func(issuer string) *vc.Credential {
		c := vc.NewMembership(vc.MembershipClaims{Member: holderDID, Community: issuer, Role: "member"})
		c.Issuer = vc.Node{ID: issuer}
		c.ValidFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		return c
	}
	ed, edDID := newKey(did.KeyEd25519)
	p256, p256DID := newKey(did.KeyP256)
	p384, p384DID := newKey(did.KeyP384)
	for name, in := range map[string]struct {
		k     *did.PrivateKey
		id    string
		suite string
	}{
		"eddsa-rdfc-2022.json": {ed, edDID, vc.SuiteEdDSARDFC2022},
		"ecdsa-rdfc-2019.json": {p256, p256DID, vc.SuiteECDSARDFC2019},
		"ecdsa-jcs-2019.json":  {p384, p384DID, vc.SuiteECDSAJCS2019},
	} {
		signed, err := vc.Issue(ctx, member(in.id), in.k, vc.IssueOptions{Suite: in.suite})
		if err != nil {
			t.Fatal(err)
		}
		files[name] = writeFile(t, name, signed)
		if name == "eddsa-rdfc-2022.json" {
			tampered := bytes.Replace(signed, []byte(`"member"`), []byte(`"admin"`), 1)
			files["tampered.json"] = writeFile(t, "tampered.json", tampered)
		}
	}
	b, err := json.Marshal(member(p256DID))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jose.SignCredential(b, p256, p256DID+"#"+strings.TrimPrefix(p256DID, "did:key:"))
	if err != nil {
		t.Fatal(err)
	}
	files["es256.jwt"] = writeFile(t, "es256.jwt", []byte(tok+"\n"))
	// An SD-JWT VC with one disclosure and the holder's key in cnf, and its
	// presentation with a Key Binding JWT.
	keyFile := filepath.Join(t.TempDir(), "issuer.jwk")
	if err := did.WriteKeyFile(keyFile, ed, false); err != nil {
		t.Fatal(err)
	}
	unsigned, err := json.Marshal(member(edDID))
	if err != nil {
		t.Fatal(err)
	}
	code, sd, errOut := runCLI(t, string(unsigned), "vc", "issue", "--key", keyFile, "--suite", "sd-jwt",
		"--holder", holderDID, "--disclose", "credentialSubject.role", "-")
	if code != exitOK {
		t.Fatalf("issuing an SD-JWT VC: exit %d: %s", code, errOut)
	}
	files["sd.jwt"] = writeFile(t, "sd.jwt", []byte(sd))
	held, err := os.ReadFile(files["eddsa-rdfc-2022.json"])
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]struct {
		format string
		creds  [][]byte
	}{
		"vp-di.json": {"", [][]byte{held, []byte(tok)}},
		"vp.jwt":     {vc.FormatVPJWT, [][]byte{[]byte(tok)}},
		"vp-sd.jwt":  {vc.FormatSDJWT, [][]byte{[]byte(strings.TrimSpace(sd))}},
	} {
		vp, err := vc.Present(ctx, in.creds, holder, vc.PresentOptions{
			Format: in.format, Challenge: benchChallenge, Domain: benchDomain})
		if err != nil {
			t.Fatal(err)
		}
		files[name] = writeFile(t, name, vp)
	}
	files["presentation.json"] = writeFile(t, "presentation.json",
		[]byte(`{"@context":["`+vc.ContextV2+`"],"type":["VerifiablePresentation"]}`))
	return files
}

const (
	benchChallenge = "n-0S6_WzA2Mj"
	benchDomain    = "door.example"
)

// benchLines decodes polity bench output: one JSON object per line.
func benchLines(t *testing.T, out string) []benchResult {
	t.Helper()
	var res []benchResult
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r benchResult
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		res = append(res, r)
	}
	return res
}

func TestBenchMeasures(t *testing.T) {
	f := benchFixtures(t)
	want := []struct {
		file, format, suite string
		alg                 did.KeyType
	}{
		{"eddsa-rdfc-2022.json", vc.FormatDataIntegrity, vc.SuiteEdDSARDFC2022, did.KeyEd25519},
		{"ecdsa-rdfc-2019.json", vc.FormatDataIntegrity, vc.SuiteECDSARDFC2019, did.KeyP256},
		{"ecdsa-jcs-2019.json", vc.FormatDataIntegrity, vc.SuiteECDSAJCS2019, did.KeyP384},
		{"es256.jwt", vc.FormatJOSE, "", did.KeyP256},
		{"sd.jwt", vc.FormatSDJWT, "", did.KeyEd25519},
	}
	args := []string{"bench", "--seconds", "0.02"}
	for _, w := range want {
		args = append(args, f[w.file])
	}
	code, out, errOut := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := benchLines(t, out)
	if len(got) != len(want) {
		t.Fatalf("%d results for %d files:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		t.Run(w.file, func(t *testing.T) {
			r := got[i]
			if r.File != f[w.file] || r.Kind != "credential" || r.Format != w.format || r.Suite != w.suite ||
				r.Alg != string(w.alg) || r.Signatures != 1 || r.Seconds != 0.02 {
				t.Errorf("got %+v", r)
			}
			if r.VerifyOpsS <= 0 || r.RawOpsS <= 0 || r.Ratio <= 0 || r.AllocsPerOp <= 0 {
				t.Errorf("rates: %+v", r)
			}
		})
	}
}

func TestBenchPresentations(t *testing.T) {
	f := benchFixtures(t)
	code, out, errOut := runCLI(t, "", "bench", "--seconds", "0.02", "--challenge", benchChallenge, "--domain", benchDomain,
		f["vp-di.json"], f["vp.jwt"], f["vp-sd.jwt"])
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := benchLines(t, out)
	if len(got) != 3 {
		t.Fatalf("%d results: %s", len(got), out)
	}
	for i, want := range []struct {
		format, suite string
		signatures    int
	}{
		{vc.FormatDataIntegrity, vc.SuiteEdDSARDFC2022, 3},
		{vc.FormatVPJWT, "", 2},
		{vc.FormatSDJWT, "", 2},
	} {
		r := got[i]
		if r.Kind != "presentation" || r.Format != want.format || r.Suite != want.suite || r.Alg != string(did.KeyEd25519) ||
			r.Signatures != want.signatures || r.VerifyOpsS <= 0 || r.Ratio <= 0 {
			t.Errorf("%s: got %+v", r.File, r)
		}
	}
	code, _, errOut = runCLI(t, "", "bench", "--seconds", "0.02", "--challenge", "other", f["vp-di.json"])
	if code != exitFailure || !strings.Contains(errOut, "CHALLENGE_MISMATCH") {
		t.Fatalf("wrong challenge: exit %d: %s", code, errOut)
	}
}

func TestBenchFailures(t *testing.T) {
	f := benchFixtures(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string // in stderr
	}{
		{"tampered", []string{"--seconds", "0.02", f["tampered.json"]}, exitFailure, "INVALID_SIGNATURE"},
		{"one-of-two-fails", []string{"--seconds", "0.02", f["tampered.json"], f["es256.jwt"]}, exitFailure, "INVALID_SIGNATURE"},
		{"not-a-credential", []string{"--seconds", "0.02", writeFile(t, "junk.json", []byte(`{"a":1}`))}, exitFailure, "MALFORMED"},
		{"missing-file", []string{filepath.Join(t.TempDir(), "none.json")}, exitUsage, "none.json"},
		{"presentation-without-challenge", []string{"--seconds", "0.02", f["presentation.json"]}, exitUsage, "--challenge"},
		{"no-files", []string{"--seconds", "1"}, exitUsage, "at least one"},
		{"zero-seconds", []string{"--seconds", "0", f["es256.jwt"]}, exitUsage, "--seconds"},
		{"nan-seconds", []string{"--seconds", "NaN", f["es256.jwt"]}, exitUsage, "--seconds"},
		{"huge-seconds", []string{"--seconds", "1e9", f["es256.jwt"]}, exitUsage, "--seconds"},
		{"unknown-flag", []string{"--fast", f["es256.jwt"]}, exitUsage, "fast"},
		{"bad-now", []string{"--now", "yesterday", f["es256.jwt"]}, exitUsage, "--now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"bench"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.err) {
				t.Fatalf("exit %d, stderr %q; want exit %d with %q", code, errOut, tc.code, tc.err)
			}
			if tc.name == "one-of-two-fails" {
				if got := benchLines(t, out); len(got) != 1 || got[0].Format != vc.FormatJOSE {
					t.Fatalf("the verifying file was not measured: %q", out)
				}
			}
		})
	}
}

func TestBenchHelp(t *testing.T) {
	code, out, _ := runCLI(t, "", "bench", "--help")
	if code != exitOK || !strings.Contains(out, "verify_ops_s") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

// The whole verification fails with an expired credential, --proof-only measures the
// proof alone.
func TestBenchProofOnly(t *testing.T) {
	f := benchFixtures(t)
	args := []string{"bench", "--seconds", "0.02", "--now", "2024-01-01T00:00:00Z", f["eddsa-rdfc-2022.json"]}
	if code, _, errOut := runCLI(t, "", args...); code != exitFailure || !strings.Contains(errOut, "NOT_YET_VALID") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", append(args[:1:1], append([]string{"--proof-only"}, args[1:]...)...)...)
	if code != exitOK || len(benchLines(t, out)) != 1 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
}

func TestMeasurePair(t *testing.T) {
	var nf, ng int
	f := func() error { nf++; return nil }
	g := func() error { ng++; time.Sleep(time.Microsecond); return nil }
	fr, gr, err := measurePair(20*time.Millisecond, f, g)
	if err != nil || fr.opsPerSec <= 0 || gr.opsPerSec <= 0 || nf == 0 || ng == 0 {
		t.Fatalf("%+v %+v %v", fr, gr, err)
	}
	stop := func() error { return vc.ErrInvalidSignature }
	if _, _, err := measurePair(time.Millisecond, f, stop); !errors.Is(err, vc.ErrInvalidSignature) {
		t.Fatalf("error not returned: %v", err)
	}
}
