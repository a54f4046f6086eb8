package vc_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

// Fixed test keys: Ed25519 from a constant seed, P-256 from a constant scalar.
func testKey(t testing.TB, kt did.KeyType) *did.PrivateKey {
	t.Helper()
	secret := bytes.Repeat([]byte{0x42}, 32)
	if kt == did.KeyP384 {
		secret = bytes.Repeat([]byte{0x42}, 48)
	}
	k, err := did.NewPrivateKey(kt, secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var (
	t2025 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	t2026 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func membership() *vc.Credential {
	c := vc.NewMembership(vc.MembershipClaims{
		Member:    "did:example:alice",
		Community: "did:example:commons",
		Role:      "member",
		Since:     time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	c.ID = "urn:uuid:0d3c9c1e-6f2a-4a54-8c1b-2f4c7d1e5a10"
	return c
}

func issue(t testing.TB, cred any, k *did.PrivateKey, opts vc.IssueOptions) []byte {
	t.Helper()
	if opts.Created.IsZero() {
		opts.Created = t2025
	}
	out, err := vc.Issue(context.Background(), cred, k, opts)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return out
}

func verifierAt(now time.Time, cfg vc.VerifierConfig) *vc.Verifier {
	cfg.Now = func() time.Time { return now }
	return vc.NewVerifier(cfg)
}

// edit decodes a JSON object, applies f and encodes it again.
func edit(t testing.TB, data []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readVector(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkResult asserts the invariants every Result keeps: one entry per check in
// order, the error non-nil exactly when a check failed, Verified only with a passed
// proof.
func checkResult(t testing.TB, r *vc.Result, err error) {
	t.Helper()
	if r == nil {
		t.Fatal("nil Result")
	}
	if len(r.Checks) != len(vc.CheckNames) {
		t.Fatalf("%d checks, want %d: %+v", len(r.Checks), len(vc.CheckNames), r.Checks)
	}
	failed := false
	for i, c := range r.Checks {
		if c.Name != vc.CheckNames[i] {
			t.Fatalf("check %d is %q, want %q", i, c.Name, vc.CheckNames[i])
		}
		if c.Status == vc.Failed {
			failed = true
			if c.Err == nil {
				t.Fatalf("failed check %s without error", c.Name)
			}
		}
	}
	if failed != (err != nil) {
		t.Fatalf("failed checks %v but err = %v", failed, err)
	}
	if r.Verified != (err == nil) {
		t.Fatalf("Verified = %v with err = %v", r.Verified, err)
	}
}

// W3C vectors: their verification methods are did:key URLs while their issuers are
// https URLs, so the key is not the issuer's: full verification must refuse them, and
// a proof-only check must accept them.
func TestVerifyW3CVectors(t *testing.T) {
	for _, path := range []string{
		"../testdata/vc/di-eddsa/signedDataInt.json",
		"../testdata/vc/di-eddsa/signedProofSet2.json",
		"../testdata/vc/di-ecdsa/signedECDSAP256.json",
	} {
		t.Run(path[len("../testdata/vc/"):], func(t *testing.T) {
			data := readVector(t, path)
			r, err := vc.NewVerifier(vc.VerifierConfig{}).Verify(context.Background(), data)
			checkResult(t, r, err)
			if !errors.Is(err, vc.ErrKeyNotAuthorized) || vc.Code(err) != "KEY_NOT_AUTHORIZED" {
				t.Fatalf("full verification: %v (code %s), want KEY_NOT_AUTHORIZED", err, vc.Code(err))
			}
			r, err = vc.NewVerifier(vc.VerifierConfig{ProofOnly: true}).Verify(context.Background(), data)
			checkResult(t, r, err)
			if err != nil || !r.Verified || !r.ProofOnly || r.Format != vc.FormatDataIntegrity || r.Credential == nil {
				t.Fatalf("proof-only: %v, %+v", err, r)
			}
			for _, name := range []string{vc.CheckNameValidity, vc.CheckNameStatus, vc.CheckNameIssuer} {
				if c, _ := r.Check(name); c.Status != vc.Skipped {
					t.Errorf("proof-only: %s is %s, want skipped", name, c.Status)
				}
			}
		})
	}
}

func TestVerifyIssuedSuites(t *testing.T) {
	for _, tc := range []struct {
		suite string
		kt    did.KeyType
	}{
		{vc.SuiteEdDSARDFC2022, did.KeyEd25519},
		{vc.SuiteEdDSAJCS2022, did.KeyEd25519},
		{vc.SuiteEd25519Signature2020, did.KeyEd25519},
		{vc.SuiteECDSARDFC2019, did.KeyP256},
		{vc.SuiteECDSARDFC2019, did.KeyP384},
		{vc.SuiteECDSAJCS2019, did.KeyP256},
		{vc.SuiteECDSAJCS2019, did.KeyP384},
	} {
		t.Run(tc.suite+"/"+string(tc.kt), func(t *testing.T) {
			k := testKey(t, tc.kt)
			signed := issue(t, membership(), k, vc.IssueOptions{Suite: tc.suite})
			r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(context.Background(), signed)
			checkResult(t, r, err)
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.Credential.Membership()
			if err != nil || m.Member != "did:example:alice" {
				t.Fatalf("membership: %+v %v", m, err)
			}
			if r.Credential.Issuer.ID != key.New(k.Public()) {
				t.Fatalf("issuer %q", r.Credential.Issuer.ID)
			}
		})
	}
}

// fakeStatus answers every status check with a fixed result.
func fakeStatus(res vc.StatusResult, err error) vc.StatusChecker {
	return vc.StatusCheckerFunc(func(ctx context.Context, c *vc.Credential, entries []vc.Node) (vc.StatusResult, error) {
		if len(entries) == 0 {
			return vc.StatusResult{}, errors.New("no entries")
		}
		return res, err
	})
}

// notFound is a resolver that knows no DID.
type notFound struct{}

func (notFound) Resolve(ctx context.Context, id string) (*did.Document, error) {
	return nil, fmt.Errorf("%w: %s", did.ErrNotFound, id)
}

// pinnedIssuer returns a resolver that knows did:example:issuer, whose only method
// #key-1 (the Ed25519 test key) is listed under rels.
func pinnedIssuer(t testing.TB, k *did.PrivateKey, rels ...did.Relationship) *did.MultiResolver {
	t.Helper()
	doc := &did.Document{ID: "did:example:issuer"}
	vm, err := did.NewVerificationMethod("did:example:issuer#key-1", doc.ID, "Multikey", k.Public())
	if err != nil {
		t.Fatal(err)
	}
	doc.VerificationMethod = []did.VerificationMethod{vm}
	doc.AddReference("#key-1", rels...)
	doc.SetContext(did.ContextDIDv1, "https://w3id.org/security/multikey/v1")
	r := vc.NewOfflineResolver()
	if err := r.Pin(doc); err != nil {
		t.Fatal(err)
	}
	return r
}

// foreignSigned returns a membership credential of issuer did:example:issuer signed
// with k's did:key method, which the issuer's document does not list.
func foreignSigned(t testing.TB, k *did.PrivateKey) []byte {
	t.Helper()
	c := membership()
	c.Issuer = vc.Node{ID: "did:example:issuer"}
	c.ValidFrom = t2025
	doc, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	id := key.New(k.Public())
	out, err := dataintegrity.AddProof(context.Background(), doc, k, dataintegrity.Options{
		VerificationMethod: id + "#" + strings.TrimPrefix(id, "did:key:"), Created: t2025}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// statusNode is a Bitstring Status List revocation entry.
func statusNode() vc.Node {
	return vc.Node{
		ID:    "https://example.com/status/3#94567",
		Types: []string{"BitstringStatusListEntry"},
		Props: map[string]any{
			"statusPurpose":        "revocation",
			"statusListIndex":      "94567",
			"statusListCredential": "https://example.com/status/3",
		},
	}
}

func TestVerifyErrorCodes(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, did.KeyEd25519)
	good := issue(t, membership(), k, vc.IssueOptions{})
	issuerDID := key.New(k.Public())

	withStatus := func() []byte {
		c := membership()
		c.Status = []vc.Node{statusNode()}
		return issue(t, c, k, vc.IssueOptions{})
	}()
	dated := func(from, until time.Time) []byte {
		c := membership()
		c.ValidFrom, c.ValidUntil = from, until
		return issue(t, c, k, vc.IssueOptions{})
	}
	v1 := func() []byte {
		raw := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],` +
			`"credentialSubject":{"id":"did:example:alice"}}`
		return issue(t, []byte(raw), k, vc.IssueOptions{})
	}()

	for _, tc := range []struct {
		name  string
		input []byte
		cfg   vc.VerifierConfig
		code  string
		also  error // a lower kind that must stay wrapped
	}{
		{"valid membership (eddsa-rdfc-2022)", good, vc.VerifierConfig{}, "", nil},
		{"tampered claim → INVALID_SIGNATURE", edit(t, good, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["role"] = "admin"
		}), vc.VerifierConfig{}, "INVALID_SIGNATURE", did.ErrInvalidSignature},
		{"tampered proofValue → INVALID_SIGNATURE", edit(t, good, func(m map[string]any) {
			p := m["proof"].(map[string]any)
			pv := []byte(p["proofValue"].(string))
			pv[10] ^= 1
			p["proofValue"] = string(pv)
		}), vc.VerifierConfig{}, "INVALID_SIGNATURE", nil},
		{"unknown context URL → UNKNOWN_CONTEXT", edit(t, good, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://example.org/unknown/v1")
		}), vc.VerifierConfig{}, "UNKNOWN_CONTEXT", nil},
		{"undefined term under the 1.1 context (safe mode) → MALFORMED", edit(t, v1, func(m map[string]any) {
			m["favouriteColour"] = "green"
		}), vc.VerifierConfig{}, "MALFORMED", nil},
		{"duplicate member name → MALFORMED", bytes.Replace(good, []byte(`"type":`), []byte(`"type":"X","type":`), 1),
			vc.VerifierConfig{}, "MALFORMED", nil},
		{"not JSON → MALFORMED", []byte("hello"), vc.VerifierConfig{}, "MALFORMED", nil},
		{"no proof → MALFORMED", edit(t, good, func(m map[string]any) { delete(m, "proof") }),
			vc.VerifierConfig{}, "MALFORMED", nil},
		{"too large → MALFORMED", good, vc.VerifierConfig{Limits: vc.Limits{MaxBytes: 100}}, "MALFORMED", nil},
		{"validUntil passed → EXPIRED", dated(time.Time{}, t2025.Add(time.Hour)), vc.VerifierConfig{}, "EXPIRED", nil},
		{"validFrom ahead → NOT_YET_VALID", dated(t2026.Add(48*time.Hour), time.Time{}), vc.VerifierConfig{}, "NOT_YET_VALID", nil},
		{"validFrom within skew", dated(t2026.Add(30*time.Second), time.Time{}), vc.VerifierConfig{}, "", nil},
		{"validFrom ahead, no skew → NOT_YET_VALID", dated(t2026.Add(30*time.Second), time.Time{}),
			vc.VerifierConfig{Skew: -1}, "NOT_YET_VALID", nil},
		{"issuer DID of an unknown method → UNRESOLVABLE_DID", issue(t, membership(), k, vc.IssueOptions{
			IssuerDID: "did:example:issuer", VerificationMethod: "did:example:issuer#key-1",
		}), vc.VerifierConfig{}, "UNRESOLVABLE_DID", did.ErrMethodNotSupported},
		{"issuer DID not found → UNRESOLVABLE_DID", good, vc.VerifierConfig{Resolver: notFound{}},
			"UNRESOLVABLE_DID", did.ErrNotFound},
		{"unsupported cryptosuite → UNSUPPORTED_SUITE", edit(t, good, func(m map[string]any) {
			m["proof"].(map[string]any)["cryptosuite"] = "eddsa-2099"
		}), vc.VerifierConfig{}, "UNSUPPORTED_SUITE", nil},
		{"key only in authentication → KEY_NOT_AUTHORIZED", issue(t, membership(), k, vc.IssueOptions{
			IssuerDID: "did:example:issuer", VerificationMethod: "did:example:issuer#key-1",
		}), vc.VerifierConfig{Resolver: pinnedIssuer(t, k, did.Authentication)}, "KEY_NOT_AUTHORIZED", nil},
		{"key in assertionMethod of a pinned document", issue(t, membership(), k, vc.IssueOptions{
			IssuerDID: "did:example:issuer", VerificationMethod: "did:example:issuer#key-1",
		}), vc.VerifierConfig{Resolver: pinnedIssuer(t, k, did.AssertionMethod)}, "", nil},
		{"signed by the key of another DID → KEY_NOT_AUTHORIZED", foreignSigned(t, k),
			vc.VerifierConfig{Resolver: pinnedIssuer(t, k, did.AssertionMethod)}, "KEY_NOT_AUTHORIZED", nil},
		{"revoked → REVOKED", withStatus, vc.VerifierConfig{
			StatusChecker: fakeStatus(vc.StatusResult{Revoked: true, Message: "index 94567"}, nil)}, "REVOKED", nil},
		{"suspended → SUSPENDED", withStatus, vc.VerifierConfig{
			StatusChecker: fakeStatus(vc.StatusResult{Suspended: true}, nil)}, "SUSPENDED", nil},
		{"status good", withStatus, vc.VerifierConfig{StatusChecker: fakeStatus(vc.StatusResult{}, nil)}, "", nil},
		{"status list unreachable → STATUS_UNAVAILABLE", withStatus, vc.VerifierConfig{
			StatusChecker: fakeStatus(vc.StatusResult{}, context.DeadlineExceeded)}, "STATUS_UNAVAILABLE", context.DeadlineExceeded},
		{"status entry without checker → STATUS_UNAVAILABLE", withStatus, vc.VerifierConfig{}, "STATUS_UNAVAILABLE", vc.ErrStatusUnknown},
		{"status entry ignored", withStatus, vc.VerifierConfig{IgnoreStatus: true}, "", nil},
		{"issuer not trusted → UNTRUSTED_ISSUER", good, vc.VerifierConfig{
			TrustedIssuers: map[string][]string{"did:example:other": nil}}, "UNTRUSTED_ISSUER", nil},
		{"type not trusted → UNTRUSTED_ISSUER", good, vc.VerifierConfig{
			TrustedIssuers: map[string][]string{issuerDID: {vc.TypeResidency}}}, "UNTRUSTED_ISSUER", nil},
		{"issuer and type trusted", good, vc.VerifierConfig{
			TrustedIssuers: map[string][]string{issuerDID: {vc.TypeMembership}}}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := verifierAt(t2026, tc.cfg).Verify(ctx, tc.input)
			checkResult(t, r, err)
			if got := vc.Code(err); got != tc.code {
				t.Fatalf("code %q, want %q: %v", got, tc.code, err)
			}
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Fatalf("error does not wrap %v: %v", tc.also, err)
			}
			var ve *vc.VerificationError
			if err != nil && !errors.As(err, &ve) {
				t.Fatalf("error is %T, want *vc.VerificationError", err)
			}
			out, jerr := json.Marshal(r)
			if jerr != nil {
				t.Fatal(jerr)
			}
			var shape struct {
				Verified bool              `json:"verified"`
				Checks   []json.RawMessage `json:"checks"`
				Error    *struct{ Code string }
			}
			if jerr := json.Unmarshal(out, &shape); jerr != nil || shape.Verified != (tc.code == "") ||
				(shape.Error == nil) != (tc.code == "") || (shape.Error != nil && shape.Error.Code != tc.code) {
				t.Fatalf("JSON %s", out)
			}
		})
	}
}

// Every failure is reported, and each stays matchable with errors.Is.
func TestVerifyReportsEveryFailure(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	c := membership()
	c.ValidUntil = t2025.Add(time.Hour)
	c.Status = []vc.Node{statusNode()}
	signed := issue(t, c, k, vc.IssueOptions{})
	r, err := verifierAt(t2026, vc.VerifierConfig{
		StatusChecker:  fakeStatus(vc.StatusResult{Revoked: true}, nil),
		TrustedIssuers: map[string][]string{},
	}).Verify(context.Background(), signed)
	checkResult(t, r, err)
	for _, kind := range []error{vc.ErrExpired, vc.ErrRevoked, vc.ErrUntrustedIssuer} {
		if !errors.Is(err, kind) {
			t.Errorf("errors.Is(err, %v) = false: %v", kind, err)
		}
	}
	if vc.Code(err) != "EXPIRED" {
		t.Errorf("code %s, want the first failure's (EXPIRED)", vc.Code(err))
	}
}

func TestVerifyProofOnlyIgnoresPolicy(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	c := membership()
	c.ValidUntil = t2025.Add(time.Hour)
	signed := issue(t, c, k, vc.IssueOptions{})
	r, err := verifierAt(t2026, vc.VerifierConfig{ProofOnly: true, TrustedIssuers: map[string][]string{}}).
		Verify(context.Background(), signed)
	checkResult(t, r, err)
	if err != nil || !r.ProofOnly {
		t.Fatalf("%v %+v", err, r)
	}
}

func TestVerifyPresentationRefused(t *testing.T) {
	data := readVector(t, "../testdata/vc/spec/vp-v2.json")
	r, err := vc.NewVerifier(vc.VerifierConfig{}).Verify(context.Background(), data)
	checkResult(t, r, err)
	if !errors.Is(err, vc.ErrMalformed) {
		t.Fatalf("%v", err)
	}
}

func vcJWTCredential(t testing.TB, issuer string) []byte {
	t.Helper()
	c := membership()
	c.Issuer = vc.Node{ID: issuer}
	c.ValidFrom = t2025
	out, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerifyJOSE(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, did.KeyP256)
	issuer := key.New(k.Public())
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	token, err := jose.SignCredential(vcJWTCredential(t, issuer), k, kid)
	if err != nil {
		t.Fatal(err)
	}
	r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(ctx, []byte(token))
	checkResult(t, r, err)
	if err != nil || r.Format != vc.FormatJOSE || r.Credential == nil || r.Credential.Issuer.ID != issuer {
		t.Fatalf("%v %+v", err, r)
	}

	t.Run("tampered → INVALID_SIGNATURE", func(t *testing.T) {
		parts := strings.Split(token, ".")
		sig := []byte(parts[2])
		sig[5] ^= 'A' ^ 'B'
		if sig[5] == parts[2][5] {
			sig[5] = 'C'
		}
		parts[2] = string(sig)
		r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(ctx, []byte(strings.Join(parts, ".")))
		checkResult(t, r, err)
		if vc.Code(err) != "INVALID_SIGNATURE" && vc.Code(err) != "MALFORMED" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("not yet valid → NOT_YET_VALID with proof passed", func(t *testing.T) {
		r, err := verifierAt(t2025.Add(-48*time.Hour), vc.VerifierConfig{}).Verify(ctx, []byte(token))
		checkResult(t, r, err)
		if vc.Code(err) != "NOT_YET_VALID" {
			t.Fatalf("%v", err)
		}
		if c, _ := r.Check(vc.CheckNameProof); c.Status != vc.Passed {
			t.Fatalf("proof %s", c.Status)
		}
	})
	t.Run("untrusted issuer", func(t *testing.T) {
		r, err := verifierAt(t2026, vc.VerifierConfig{TrustedIssuers: map[string][]string{}}).Verify(ctx, []byte(token))
		checkResult(t, r, err)
		if !errors.Is(err, vc.ErrUntrustedIssuer) {
			t.Fatalf("%v", err)
		}
	})
}

func TestVerifySDJWT(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, did.KeyEd25519)
	issuer := key.New(k.Public())
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	claims := fmt.Sprintf(`{"iss":%q,"vct":"https://polity.id/vct/membership","iat":%d,"community":"did:example:commons","role":"member"}`,
		issuer, t2025.Unix())
	token, err := sdjwt.Issue([]byte(claims), k, &sdjwt.IssueOptions{Kid: kid, Disclose: []string{"role"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(ctx, []byte(token))
	checkResult(t, r, err)
	if err != nil || r.Format != vc.FormatSDJWT {
		t.Fatalf("%v %+v", err, r)
	}
	r, err = verifierAt(t2026, vc.VerifierConfig{TrustedIssuers: map[string][]string{"did:example:x": nil}}).Verify(ctx, []byte(token))
	checkResult(t, r, err)
	if !errors.Is(err, vc.ErrUntrustedIssuer) {
		t.Fatalf("%v", err)
	}
	r, err = verifierAt(t2026, vc.VerifierConfig{TrustedIssuers: map[string][]string{issuer: nil}}).Verify(ctx, []byte(token))
	checkResult(t, r, err)
	if err != nil {
		t.Fatalf("%v", err)
	}
}

// A registered context is accepted like a pinned one.
func TestVerifyRegisteredContext(t *testing.T) {
	const url = "https://example.org/ctx/v1"
	doc := []byte(`{"@context":{"@protected":true,"favouriteColour":"https://example.org/ns#favouriteColour"}}`)
	sum := sha256.Sum256(doc)
	ctxs := []vc.Context{{URL: url, Document: doc, SHA256: fmt.Sprintf("%x", sum)}}
	k := testKey(t, did.KeyEd25519)
	raw := `{"@context":["https://www.w3.org/2018/credentials/v1","` + url + `"],"type":["VerifiableCredential"],` +
		`"credentialSubject":{"id":"did:example:alice","favouriteColour":"green"}}`
	signed := issue(t, []byte(raw), k, vc.IssueOptions{Contexts: ctxs})
	r, err := verifierAt(t2026, vc.VerifierConfig{Contexts: ctxs}).Verify(context.Background(), signed)
	checkResult(t, r, err)
	if err != nil {
		t.Fatal(err)
	}
	r, err = verifierAt(t2026, vc.VerifierConfig{}).Verify(context.Background(), signed)
	checkResult(t, r, err)
	if !errors.Is(err, vc.ErrUnknownContext) {
		t.Fatalf("without the context: %v", err)
	}
	bad := []vc.Context{{URL: url, Document: doc, SHA256: strings.Repeat("0", 64)}}
	r, err = verifierAt(t2026, vc.VerifierConfig{Contexts: bad}).Verify(context.Background(), signed)
	checkResult(t, r, err)
	if err == nil {
		t.Fatal("a context with the wrong hash was accepted")
	}
}

func FuzzVerify(f *testing.F) {
	k := testKey(f, did.KeyEd25519)
	f.Add(issue(f, membership(), k, vc.IssueOptions{}))
	f.Add(issue(f, membership(), k, vc.IssueOptions{Suite: vc.SuiteEdDSAJCS2022}))
	for _, p := range []string{
		"../testdata/vc/di-eddsa/signedDataInt.json",
		"../testdata/vc/di-ecdsa/signedECDSAP256.json",
		"../testdata/vc/spec/v2-full.json",
	} {
		f.Add(readVector(f, p))
	}
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.e30.AAAA"))
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.e30.AAAA~WyJhIiwiYiIsImMiXQ~"))
	v := verifierAt(t2026, vc.VerifierConfig{})
	po := verifierAt(t2026, vc.VerifierConfig{ProofOnly: true})
	codes := map[string]bool{"": true, "ERROR": true}
	for _, c := range []string{"MALFORMED", "UNKNOWN_CONTEXT", "UNSUPPORTED_SUITE", "INVALID_SIGNATURE",
		"UNRESOLVABLE_DID", "KEY_NOT_AUTHORIZED", "EXPIRED", "NOT_YET_VALID", "REVOKED", "SUSPENDED", "UNTRUSTED_ISSUER", "STATUS_UNAVAILABLE"} {
		codes[c] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []*vc.Verifier{v, po} {
			r, err := v.Verify(context.Background(), data)
			checkResult(t, r, err)
			if !codes[vc.Code(err)] {
				t.Fatalf("unexpected code %q: %v", vc.Code(err), err)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// entryNode converts a status list entry to a credentialStatus node.
func entryNode(t testing.TB, e status.Entry) vc.Node {
	t.Helper()
	b, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	n := vc.Node{Props: map[string]any{}}
	n.ID, _ = m["id"].(string)
	if typ, ok := m["type"].(string); ok {
		n.Types = []string{typ}
	}
	delete(m, "id")
	delete(m, "type")
	for k, v := range m {
		n.Props[k] = v
	}
	return n
}

// An issuer allocates an index in its Bitstring Status List, issues a credential with
// the entry and publishes the signed list; a verifier checks it offline from a
// directory, before and after revocation.
func TestVerifyStatusList(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, did.KeyEd25519)
	dir := t.TempDir()
	list, err := status.CreateList(dir+"/list.state", status.ListOptions{
		URL: "https://example.com/status/1", Purpose: "revocation"})
	if err != nil {
		t.Fatal(err)
	}
	entry, err := list.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	signed := issue(t, membership(), k, vc.IssueOptions{Status: []vc.Node{entryNode(t, entry)}})
	pubDir := t.TempDir()
	publish := func() {
		unsigned, err := list.Credential(status.CredentialOptions{Issuer: key.New(k.Public()), ValidFrom: t2025})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pubDir+"/list.json", issue(t, unsigned, k, vc.IssueOptions{}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	now := func() time.Time { return t2026 }
	checker := status.NewChecker(status.NewDirFetcher(pubDir), vc.NewVerifier(vc.VerifierConfig{Now: now}),
		&status.Config{Now: now})
	v := vc.NewVerifier(vc.VerifierConfig{Now: now, StatusChecker: vc.NewStatusListChecker(checker)})
	r, err := v.Verify(ctx, signed)
	checkResult(t, r, err)
	if c, _ := r.Check(vc.CheckNameStatus); err != nil || c.Status != vc.Passed {
		t.Fatalf("before revocation: %v (%s)", err, c.Status)
	}
	if err := list.Set(entry.Index); err != nil {
		t.Fatal(err)
	}
	publish()
	checker.Purge()
	r, err = v.Verify(ctx, signed)
	checkResult(t, r, err)
	if !errors.Is(err, vc.ErrRevoked) {
		t.Fatalf("after revocation: %v", err)
	}
}

func TestVerifyPresentation(t *testing.T) {
	ctx := context.Background()
	issuerKey := testKey(t, did.KeyEd25519)
	holderKey := testKey(t, did.KeyP256)
	holder := key.New(holderKey.Public())
	cred := issue(t, membership(), issuerKey, vc.IssueOptions{})
	present := func(cred []byte, challenge string) []byte {
		vp := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":%q,"verifiableCredential":[%s]}`, holder, cred)
		out, err := dataintegrity.AddProof(ctx, []byte(vp), holderKey, dataintegrity.Options{
			VerificationMethod: holder + "#" + strings.TrimPrefix(holder, "did:key:"),
			ProofPurpose:       dataintegrity.PurposeAuthentication,
			Challenge:          challenge, Domain: "https://door.example",
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	v := verifierAt(t2026, vc.VerifierConfig{})
	good := present(cred, "c-123")
	// The credential's subject is not the holder: the holder policy accepts it.
	opts := vc.PresentationOptions{Challenge: "c-123", Domain: "https://door.example",
		AcceptHolder: func(subject, _ string) bool { return subject == "did:example:alice" }}
	res, err := v.VerifyPresentation(ctx, good, opts)
	if err != nil || !res.Verified || len(res.Credentials) != 1 || res.Presentation.Presentation == nil {
		t.Fatalf("%v %+v", err, res)
	}
	checkResult(t, res.Presentation, res.Presentation.Err())
	for _, tc := range []struct {
		name  string
		input []byte
		opts  vc.PresentationOptions
		kind  error
	}{
		{"wrong challenge → INVALID_SIGNATURE", good, vc.PresentationOptions{Challenge: "c-999"}, vc.ErrInvalidSignature},
		{"wrong domain → INVALID_SIGNATURE", good, vc.PresentationOptions{Challenge: "c-123", Domain: "https://other.example"}, vc.ErrInvalidSignature},
		{"no challenge expected → MALFORMED", good, vc.PresentationOptions{}, vc.ErrMalformed},
		{"credential tampered before presenting → INVALID_SIGNATURE",
			present(bytes.Replace(cred, []byte(`"role":"member"`), []byte(`"role":"admin"`), 1), "c-123"), opts, vc.ErrInvalidSignature},
		{"credential given to Verify → MALFORMED", good, opts, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.kind == nil {
				r, err := v.Verify(ctx, tc.input)
				checkResult(t, r, err)
				if !errors.Is(err, vc.ErrMalformed) {
					t.Fatal(err)
				}
				return
			}
			res, err := v.VerifyPresentation(ctx, tc.input, tc.opts)
			if res == nil || res.Verified || !errors.Is(err, tc.kind) {
				t.Fatalf("%v", err)
			}
		})
	}
}
