package wallet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/wallet/query"
)

// presentFixture is a wallet holding a holder key and three credentials
// issued to it (Data Integrity, vc+jwt and SD-JWT VC) by a did:key issuer.
type presentFixture struct {
	w                *Wallet
	keyID, holderDID string
	di, jwt, sd      string // credential record ids
}

func didKeyVM(id string) string { return id + "#" + strings.TrimPrefix(id, "did:key:") }

func newPresentFixture(t *testing.T) *presentFixture {
	t.Helper()
	ctx := context.Background()
	issuer, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	issuerDID, holderDID := key.New(issuer.Public()), key.New(holder.Public())
	w, err := CreateStore(ctx, NewMemStore(), pass, cheap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	f := &presentFixture{w: w, holderDID: holderDID}
	info, err := w.AddPrivateKey(ctx, holder, holderDID, "holder")
	if err != nil {
		t.Fatal(err)
	}
	f.keyID = info.ID

	cred := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],`+
		`"issuer":%q,"validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":%q}}`, issuerDID, holderDID)
	di, err := vc.Issue(ctx, []byte(cred), issuer, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := jose.SignCredential([]byte(cred), issuer, didKeyVM(issuerDID))
	if err != nil {
		t.Fatal(err)
	}
	sd, err := sdjwt.Issue(fmt.Appendf(nil, `{"iss":%q,"vct":"https://polity.id/vct/member","iat":1700000000,`+
		`"given_name":"Ada","family_name":"Lovelace","role":"member"}`, issuerDID), issuer,
		&sdjwt.IssueOptions{Disclose: []string{"given_name", "family_name", "role"}, Kid: didKeyVM(issuerDID), HolderKey: holder.Public()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		raw string
		dst *string
	}{{string(di), &f.di}, {jwt, &f.jwt}, {sd, &f.sd}} {
		info, err := w.AddCredential(ctx, []byte(c.raw))
		if err != nil {
			t.Fatal(err)
		}
		*c.dst = info.ID
	}
	return f
}

// TestPresentRoundTrip signs presentations from the wallet in each format
// and verifies them with the vc verifier.
func TestPresentRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := newPresentFixture(t)
	v := vc.NewVerifier(vc.VerifierConfig{})
	for _, tc := range []struct {
		name, format string
		creds        func(*presentFixture) []string
	}{
		{"data-integrity", "", func(f *presentFixture) []string { return []string{f.di, f.jwt} }},
		{"vp+jwt", vc.FormatVPJWT, func(f *presentFixture) []string { return []string{f.jwt} }},
		{"sd-jwt+kb", vc.FormatSDJWT, func(f *presentFixture) []string { return []string{f.sd} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			challenge := "challenge-" + tc.name
			req := &PresentRequest{KeyID: f.keyID, Credentials: tc.creds(f), Nonce: challenge, Audience: "https://door.example", Format: tc.format}
			vp, err := f.w.Present(ctx, nil, req)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.VerifyPresentation(ctx, vp, vc.PresentationOptions{Challenge: challenge, Domain: "https://door.example"})
			if err != nil || !res.Verified {
				t.Fatalf("verify: %v", err)
			}
		})
	}
	ps, err := f.w.Presentations(ctx)
	if err != nil || len(ps) != 3 {
		t.Fatalf("stored presentations: %d, %v", len(ps), err)
	}
}

// TestPresentDCQLDisclosure presents an SD-JWT chosen by a DCQL query: only
// the requested claim is disclosed, and the result verifies.
func TestPresentDCQLDisclosure(t *testing.T) {
	ctx := context.Background()
	f := newPresentFixture(t)
	q, err := query.ParseDCQL([]byte(`{"credentials":[{"id":"member","format":"dc+sd-jwt",
		"meta":{"vct_values":["https://polity.id/vct/member"]},"claims":[{"path":["role"],"values":["member"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.w.MatchDCQL(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	req := &PresentRequest{KeyID: f.keyID, Nonce: "n-dcql", Audience: "https://door.example", Format: vc.FormatSDJWT}
	req.FromDCQL(q, res)
	if len(req.Credentials) != 1 || req.Credentials[0] != f.sd || len(req.Disclose) != 1 || strings.Join(req.Disclose[0], ",") != "role" {
		t.Fatalf("request from DCQL: %+v", req)
	}
	vp, err := f.w.Present(ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	// issuer JWT, one disclosure, KB-JWT.
	if n := strings.Count(string(vp), "~"); n != 2 {
		t.Fatalf("presentation has %d '~' separators, want 2: %s", n, vp)
	}
	if _, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyPresentation(ctx, vp, vc.PresentationOptions{Challenge: "n-dcql", Domain: "https://door.example"}); err != nil {
		t.Fatal(err)
	}
}

// TestPresentRequestFromDefinition checks the disclosure choice for a PE
// definition with and without limit_disclosure.
func TestPresentRequestFromDefinition(t *testing.T) {
	ctx := context.Background()
	f := newPresentFixture(t)
	for _, tc := range []struct {
		name, limit string
		want        [][]string
	}{
		{"limit_disclosure required", `,"limit_disclosure":"required"`, [][]string{{"given_name"}}},
		{"no limit", ``, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def, err := query.ParseDefinition([]byte(`{"id":"d","input_descriptors":[{"id":"name","format":{"dc+sd-jwt":{}},
				"constraints":{"fields":[{"path":["$.given_name"]}]` + tc.limit + `}}]}`))
			if err != nil {
				t.Fatal(err)
			}
			res, err := f.w.MatchDefinition(ctx, def)
			if err != nil {
				t.Fatal(err)
			}
			var req PresentRequest
			req.FromDefinition(res)
			if len(req.Credentials) != 1 || req.Credentials[0] != f.sd || fmt.Sprint(req.Disclose) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v %v, want [%s] %v", req.Credentials, req.Disclose, f.sd, tc.want)
			}
		})
	}
}

func TestClaimPath(t *testing.T) {
	for _, tc := range []struct {
		ptr  []any
		want string
	}{
		{[]any{"credentialSubject", "role"}, "credentialSubject.role"},
		{[]any{"nationalities", 1}, "nationalities[1]"},
		{[]any{"address", "a.b"}, `address["a.b"]`},
		{[]any{"degrees", nil, "type"}, "degrees"},
		{[]any{}, ""},
	} {
		if got := claimPath(tc.ptr); got != tc.want {
			t.Errorf("claimPath(%v) = %q, want %q", tc.ptr, got, tc.want)
		}
	}
}

func TestPresentErrors(t *testing.T) {
	ctx := context.Background()
	f := newPresentFixture(t)
	for _, tc := range []struct {
		name string
		req  PresentRequest
		want error
	}{
		{"no credentials", PresentRequest{KeyID: f.keyID, Nonce: "n"}, ErrMalformed},
		{"unknown key", PresentRequest{KeyID: "nope", Credentials: []string{f.di}, Nonce: "n"}, ErrNotFound},
		{"unknown credential", PresentRequest{KeyID: f.keyID, Credentials: []string{"nope"}, Nonce: "n"}, ErrNotFound},
		{"unknown format", PresentRequest{KeyID: f.keyID, Credentials: []string{f.di}, Nonce: "n", Format: "mso_mdoc"}, ErrNoPresenter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.w.Present(ctx, nil, &tc.req); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	f.w.Lock()
	if _, err := f.w.Present(ctx, nil, &PresentRequest{KeyID: f.keyID, Credentials: []string{f.di}, Nonce: "n"}); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked: %v", err)
	}
}
