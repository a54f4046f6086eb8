// Package interop_test checks that Polity verifies the credentials and presentations that
// Digital Bazaar's JavaScript libraries issued (fixtures/, written by issue.mjs and
// committed, so no JavaScript runtime is needed here), and that Polity reproduces the
// deterministic Ed25519 proofs among them byte for byte.
package interop_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
)

var cliFlag = flag.Bool("cli", false, "also verify every fixture with the polity CLI (builds cmd/polity)")

const fixtureDir = "fixtures"

// now is the fixed verification time: after every validFrom, before every validUntil.
var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

type manifest struct {
	Challenge string    `json:"challenge"`
	Domain    string    `json:"domain"`
	Fixtures  []fixture `json:"fixtures"`
}

type fixture struct {
	File   string `json:"file"`
	Expect string `json:"expect"` // "valid" or the error code Polity must report
	Kind   string `json:"kind"`   // "credential" or "presentation"
	Format string `json:"format"` // "data-integrity", "vc+jwt", "jwt-vc"
	Suite  string `json:"suite"`
	Curve  string `json:"curve"`
	Alg    string `json:"alg"`
	VCDM   string `json:"vcdm"`
	Issuer string `json:"issuer"`
	Holder string `json:"holder"`
}

func readManifest(t testing.TB) *manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Fixtures) == 0 {
		t.Fatal("manifest lists no fixtures")
	}
	return &m
}

func readFixture(t testing.TB, f fixture) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, f.File))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(data)
}

// knownGaps lists valid fixtures that Polity rejects today, with the reason. Such a
// fixture is skipped with its reason; once Polity accepts it the test fails, so that the
// entry is removed and the fixture is checked again.
var knownGaps = map[string]string{}

// checkKnownGap skips a known gap that still fails and fails one that now passes.
func checkKnownGap(t *testing.T, f fixture, err error) {
	t.Helper()
	reason, ok := knownGaps[f.File]
	if !ok {
		return
	}
	if err != nil {
		t.Skipf("known gap: %s: %v", reason, err)
	}
	t.Fatalf("known gap fixed (%s): remove %s from knownGaps", reason, f.File)
}

func newVerifier() *vc.Verifier {
	return vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return now }})
}

// TestManifestComplete checks that every fixture file is described, so none is skipped.
func TestManifestComplete(t *testing.T) {
	m := readManifest(t)
	listed := map[string]bool{}
	for _, f := range m.Fixtures {
		listed[f.File] = true
	}
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "manifest.json" && !listed[e.Name()] {
			t.Errorf("%s is not in manifest.json", e.Name())
		}
	}
}

// TestNodeCredentials verifies every credential of the fixtures through vc.Verifier,
// with the default offline resolver (did:key): the issuer controls the key, so the full
// verification runs. Tampered copies must fail with INVALID_SIGNATURE.
func TestNodeCredentials(t *testing.T) {
	m := readManifest(t)
	v := newVerifier()
	ctx := context.Background()
	n := 0
	for _, f := range m.Fixtures {
		if f.Kind != "credential" {
			continue
		}
		n++
		t.Run(f.File, func(t *testing.T) {
			res, err := v.Verify(ctx, readFixture(t, f))
			checkKnownGap(t, f, err)
			checkOutcome(t, f, res, err)
			if err == nil && res.Format != wantFormat(f.Format) {
				t.Errorf("format %q, want %q", res.Format, wantFormat(f.Format))
			}
		})
	}
	if n == 0 {
		t.Fatal("no credential fixtures")
	}
}

func wantFormat(f string) string {
	if f == "data-integrity" {
		return vc.FormatDataIntegrity
	}
	return vc.FormatJOSE
}

func checkOutcome(t *testing.T, f fixture, res *vc.Result, err error) {
	t.Helper()
	if f.Expect == "valid" {
		if err != nil {
			t.Fatalf("Polity rejects a valid %s credential: %v (code %s)", f.Suite+f.Alg, err, vc.Code(err))
		}
		if res == nil || !res.Verified {
			t.Fatalf("no error but not verified: %+v", res)
		}
		return
	}
	if err == nil {
		t.Fatalf("Polity accepts a tampered credential")
	}
	if !errors.Is(err, vc.ErrInvalidSignature) || vc.Code(err) != f.Expect {
		t.Fatalf("error %v (code %s), want %s", err, vc.Code(err), f.Expect)
	}
	if res != nil && res.Verified {
		t.Fatalf("error %v but Result.Verified", err)
	}
}

// TestNodePresentations verifies the holder-signed presentations: the presentation proof
// (purpose authentication, challenge and domain, key controlled by the holder) and then
// every credential it carries.
func TestNodePresentations(t *testing.T) {
	m := readManifest(t)
	v := newVerifier()
	env := &dataintegrity.Env{Now: func() time.Time { return now }}
	ctx := context.Background()
	n := 0
	for _, f := range m.Fixtures {
		if f.Kind != "presentation" {
			continue
		}
		n++
		t.Run(f.File, func(t *testing.T) {
			raw := readFixture(t, f)
			_, err := dataintegrity.Verify(ctx, raw, env, dataintegrity.VerifyOptions{
				Purpose:    dataintegrity.PurposeAuthentication,
				Challenge:  m.Challenge,
				Domain:     m.Domain,
				Controller: f.Holder,
			})
			if err == nil {
				var vp struct {
					VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
				}
				if err := json.Unmarshal(raw, &vp); err != nil {
					t.Fatal(err)
				}
				if len(vp.VerifiableCredential) == 0 {
					t.Fatal("presentation carries no credential")
				}
				for _, c := range vp.VerifiableCredential {
					if _, err = v.Verify(ctx, c); err != nil {
						break
					}
				}
			}
			checkKnownGap(t, f, err)
			checkOutcome(t, f, &vc.Result{Verified: err == nil}, err)

			// A wrong challenge must fail even on the untampered presentation.
			if f.Expect == "valid" {
				_, err := dataintegrity.Verify(ctx, raw, env, dataintegrity.VerifyOptions{
					Purpose: dataintegrity.PurposeAuthentication, Challenge: "other", Domain: m.Domain,
				})
				if !errors.Is(err, dataintegrity.ErrChallenge) {
					t.Fatalf("wrong challenge: %v, want ErrChallenge", err)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no presentation fixtures")
	}
}

// seed is the Ed25519 issuer seed of lib.mjs: SHA-256 of "polity interop " + label.
func seed(label string) []byte {
	s := sha256.Sum256([]byte("polity interop " + label))
	return s[:]
}

// TestReproduceEd25519 signs the unsigned form of each deterministic (Ed25519) Data
// Integrity fixture with Polity, with the same key and proof options, and expects the
// proof Digital Bazaar produced, byte for byte: both sides canonicalize and sign alike.
func TestReproduceEd25519(t *testing.T) {
	m := readManifest(t)
	key, err := did.NewPrivateKey(did.KeyEd25519, seed("ed25519 issuer"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	for _, f := range m.Fixtures {
		if f.Kind != "credential" || f.Format != "data-integrity" || f.Curve != "Ed25519" || f.Expect != "valid" {
			continue
		}
		n++
		t.Run(f.File, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(readFixture(t, f), &doc); err != nil {
				t.Fatal(err)
			}
			want, _ := doc["proof"].(map[string]any)
			delete(doc, "proof")
			created, err := time.Parse(time.RFC3339, want["created"].(string))
			if err != nil {
				t.Fatal(err)
			}
			unsigned, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			out, err := vc.Issue(ctx, unsigned, key, vc.IssueOptions{Suite: f.Suite, Created: created})
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["proof"], want) {
				g, _ := json.MarshalIndent(got["proof"], "", "  ")
				w, _ := json.MarshalIndent(want, "", "  ")
				t.Fatalf("Polity's proof differs:\n got %s\nwant %s", g, w)
			}
		})
	}
	if n == 0 {
		t.Fatal("no Ed25519 Data Integrity fixtures")
	}
}

// TestNodeCredentialsCLI runs `polity vc verify` on every credential fixture (with -cli:
// it builds the CLI). Exit 0 means verified, 1 rejected.
func TestNodeCredentialsCLI(t *testing.T) {
	if !*cliFlag {
		t.Skip("run with -cli to check the fixtures through the polity CLI")
	}
	bin := filepath.Join(t.TempDir(), "polity")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "github.com/polity-id/polity/cmd/polity")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	m := readManifest(t)
	for _, f := range m.Fixtures {
		if f.Kind != "credential" {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			cmd := exec.Command(bin, "vc", "verify", filepath.Join(fixtureDir, f.File))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			want := 0
			if f.Expect != "valid" {
				want = 1
			}
			if code != want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, want, stdout.String(), stderr.String())
			}
			if want == 1 && !strings.Contains(stdout.String()+stderr.String(), f.Expect) {
				t.Fatalf("output does not name %s\nstdout: %s\nstderr: %s", f.Expect, stdout.String(), stderr.String())
			}
		})
	}
}
