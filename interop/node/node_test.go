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
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
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
	// Credentials is the number of credentials a presentation carries.
	Credentials int `json:"credentials"`
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

// presentationCase is one way to verify a presentation fixture: the expectations given
// to the verifier and the error code Polity must report ("" for verified).
type presentationCase struct {
	name      string
	challenge string
	domain    string
	want      string
}

// presentationCases returns the checks of a presentation fixture: the manifest's
// challenge and domain (the fixture's own expectation), and for a valid presentation
// also a wrong challenge and a wrong domain, which must fail even though every
// signature is good.
func presentationCases(m *manifest, f fixture) []presentationCase {
	cases := []presentationCase{{"as-issued", m.Challenge, m.Domain, f.Expect}}
	if cases[0].want == "valid" {
		cases[0].want = ""
		cases = append(cases,
			presentationCase{"wrong-challenge", "other-challenge", m.Domain, "CHALLENGE_MISMATCH"},
			presentationCase{"wrong-domain", m.Challenge, "other.example", "DOMAIN_MISMATCH"})
	}
	return cases
}

var presentationErrs = map[string]error{
	"":                   nil,
	"INVALID_SIGNATURE":  vc.ErrInvalidSignature,
	"CHALLENGE_MISMATCH": vc.ErrChallengeMismatch,
	"DOMAIN_MISMATCH":    vc.ErrDomainMismatch,
}

// TestNodePresentations verifies the holder-signed presentations through
// vc.Verifier.VerifyPresentation: the holder's proof (a key under authentication, the
// challenge and domain), then every credential it carries, embedded or enveloped, and
// that the holder is each credential's subject.
func TestNodePresentations(t *testing.T) {
	m := readManifest(t)
	v := newVerifier()
	ctx := context.Background()
	n := 0
	for _, f := range m.Fixtures {
		if f.Kind != "presentation" {
			continue
		}
		n++
		raw := readFixture(t, f)
		for _, c := range presentationCases(m, f) {
			t.Run(f.File+"/"+c.name, func(t *testing.T) {
				res, err := v.VerifyPresentation(ctx, raw, vc.PresentationOptions{Challenge: c.challenge, Domain: c.domain})
				checkKnownGap(t, f, err)
				if res == nil || res.Presentation == nil {
					t.Fatal("nil result")
				}
				if got := res.Presentation.Format; got != wantPresentationFormat(f.Format) {
					t.Errorf("format %q, want %q", got, wantPresentationFormat(f.Format))
				}
				if c.want == "" {
					if err != nil || !res.Verified {
						t.Fatalf("Polity rejects a valid %s presentation: %v (code %s)", f.Format, err, vc.Code(err))
					}
					if len(res.Credentials) != f.Credentials {
						t.Fatalf("%d credential results, want %d", len(res.Credentials), f.Credentials)
					}
					for i, cr := range res.Credentials {
						if !cr.Verified {
							t.Errorf("credential %d not verified: %v", i, cr.Err())
						}
					}
					return
				}
				if err == nil || res.Verified {
					t.Fatalf("Polity accepts it (want %s)", c.want)
				}
				if !errors.Is(err, presentationErrs[c.want]) || vc.Code(err) != c.want {
					t.Fatalf("error %v (code %s), want %s", err, vc.Code(err), c.want)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no presentation fixtures")
	}
}

func wantPresentationFormat(f string) string {
	if f == "data-integrity" {
		return vc.FormatDataIntegrity
	}
	return vc.FormatVPJWT
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

// buildCLI builds the polity command into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "polity")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "github.com/polity-id/polity/cmd/polity")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCLI runs the polity command and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// checkCLI checks an exit code and, for a failure, the error code of the JSON result.
func checkCLI(t *testing.T, code int, stdout, stderr, want string) {
	t.Helper()
	if want == "" {
		if code != 0 {
			t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		return
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1 (%s)\nstdout: %s\nstderr: %s", code, want, stdout, stderr)
	}
	var out struct {
		Verified bool `json:"verified"`
		Error    *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not a JSON result: %v\n%s", err, stdout)
	}
	if out.Verified || out.Error == nil || out.Error.Code != want {
		t.Fatalf("result %s, want error code %s", stdout, want)
	}
}

// TestNodeCLI runs `polity vc verify` on every credential fixture and `polity vp
// verify --challenge C --domain D` on every presentation fixture (with -cli: it builds
// the CLI). Exit 0 means verified, 1 rejected with the expected error code.
func TestNodeCLI(t *testing.T) {
	if !*cliFlag {
		t.Skip("run with -cli to check the fixtures through the polity CLI")
	}
	bin := buildCLI(t)
	m := readManifest(t)
	for _, f := range m.Fixtures {
		path := filepath.Join(fixtureDir, f.File)
		if f.Kind != "presentation" {
			t.Run(f.File, func(t *testing.T) {
				want := f.Expect
				if want == "valid" {
					want = ""
				}
				code, stdout, stderr := runCLI(t, bin, "vc", "verify", "--now", now.Format(time.RFC3339), path)
				checkCLI(t, code, stdout, stderr, want)
			})
			continue
		}
		for _, c := range presentationCases(m, f) {
			t.Run(f.File+"/"+c.name, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, bin, "vp", "verify", "--now", now.Format(time.RFC3339),
					"--challenge", c.challenge, "--domain", c.domain, path)
				checkCLI(t, code, stdout, stderr, c.want)
			})
		}
	}
}
