package vc_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
)

// presentFixture holds an issuer, a holder, a third party and one credential of each
// securing format, all issued to the holder.
type presentFixture struct {
	issuer, holder, other *did.PrivateKey
	issuerDID, issuerVM   string
	holderDID             string
	di, vcJWT, jwtVC, sd  []byte
}

func seededKey(t testing.TB, kt did.KeyType, b byte) *did.PrivateKey {
	t.Helper()
	k, err := did.NewPrivateKey(kt, bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func didAndVM(k *did.PrivateKey) (string, string) {
	d := key.New(k.Public())
	return d, d + "#" + strings.TrimPrefix(d, "did:key:")
}

func newPresentFixture(t testing.TB) *presentFixture {
	t.Helper()
	ctx := context.Background()
	f := &presentFixture{
		issuer: seededKey(t, did.KeyEd25519, 1),
		holder: seededKey(t, did.KeyEd25519, 2),
		other:  seededKey(t, did.KeyP256, 3),
	}
	f.issuerDID, f.issuerVM = didAndVM(f.issuer)
	f.holderDID, _ = didAndVM(f.holder)
	issued := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)

	m := vc.NewMembership(vc.MembershipClaims{Member: f.holderDID, Community: "did:example:commons", Role: "member"})
	var err error
	if f.di, err = vc.Issue(ctx, m, f.issuer, vc.IssueOptions{Created: issued}); err != nil {
		t.Fatal(err)
	}

	m.Issuer = vc.Node{ID: f.issuerDID}
	m.ValidFrom = issued
	doc, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jose.SignCredential(doc, f.issuer, f.issuerVM)
	if err != nil {
		t.Fatal(err)
	}
	f.vcJWT = []byte(tok)

	v11 := fmt.Sprintf(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],`+
		`"issuer":%q,"issuanceDate":%q,"credentialSubject":{"id":%q}}`, f.issuerDID, vc.FormatDateTime(issued), f.holderDID)
	if tok, err = jose.SignJWTVC([]byte(v11), f.issuer, f.issuerVM); err != nil {
		t.Fatal(err)
	}
	f.jwtVC = []byte(tok)

	claims := fmt.Sprintf(`{"vct":"https://polity.id/vct/member","iss":%q,"iat":%d,"role":"member","name":"Ada","address":{"city":"Lagos","street":"1 Main"}}`,
		f.issuerDID, issued.Unix())
	if tok, err = sdjwt.Issue([]byte(claims), f.issuer, &sdjwt.IssueOptions{
		Disclose: []string{"role", "name", "address", "address.city"}, Kid: f.issuerVM, HolderKey: f.holder.Public(),
	}); err != nil {
		t.Fatal(err)
	}
	f.sd = []byte(tok)
	return f
}

const (
	testChallenge = "c-7f3a91"
	testDomain    = "https://door.example"
)

func (f *presentFixture) present(t testing.TB, format string, k *did.PrivateKey, opts vc.PresentOptions, creds ...[]byte) []byte {
	t.Helper()
	opts.Format = format
	if opts.Challenge == "" {
		opts.Challenge = testChallenge
	}
	if opts.Domain == "" {
		opts.Domain = testDomain
	}
	out, err := vc.Present(context.Background(), creds, k, opts)
	if err != nil {
		t.Fatalf("Present(%s): %v", format, err)
	}
	return out
}

var requestOpts = vc.PresentationOptions{Challenge: testChallenge, Domain: testDomain}

func TestPresentRoundTrip(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, format string
		creds        [][]byte
	}{
		{"data-integrity/di", "", [][]byte{f.di}},
		{"data-integrity/vc+jwt+jwt-vc+sd-jwt", vc.FormatDataIntegrity, [][]byte{f.vcJWT, f.jwtVC, f.sd}},
		{"data-integrity/no-credentials", "", nil},
		{"vp+jwt/vc+jwt+jwt-vc+sd-jwt", vc.FormatVPJWT, [][]byte{f.vcJWT, f.jwtVC, f.sd}},
		{"sd-jwt+kb", vc.FormatSDJWT, [][]byte{f.sd}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pres := f.present(t, tc.format, f.holder, vc.PresentOptions{}, tc.creds...)
			if !vc.IsPresentation(pres) {
				t.Fatal("IsPresentation = false")
			}
			v := vc.NewVerifier(vc.VerifierConfig{})
			res, err := v.VerifyPresentation(ctx, pres, requestOpts)
			if err != nil || !res.Verified {
				t.Fatalf("VerifyPresentation: %v", err)
			}
			checkPresentationResult(t, res, err)
			want := cmpOr(tc.format, vc.FormatDataIntegrity)
			if res.Presentation.Format != want || len(res.Credentials) != len(tc.creds) {
				t.Fatalf("format %q, %d credentials", res.Presentation.Format, len(res.Credentials))
			}
			for i, cr := range res.Credentials {
				if c, _ := cr.Check(vc.CheckNameHolder); c.Status != vc.Passed {
					t.Errorf("credential %d: holder check %v", i, c.Status)
				}
			}
			// VerifyAny routes the same input to the same checks (a new verifier: the
			// first one remembers the presentation).
			res, err = vc.NewVerifier(vc.VerifierConfig{}).VerifyAny(ctx, pres, requestOpts)
			if err != nil || !res.Verified || res.Presentation == nil {
				t.Fatalf("VerifyAny: %v", err)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkPresentationResult checks the shape of a PresentationResult: the presentation
// reports CheckNames, credentials CheckNames plus holder, and err matches the checks.
func checkPresentationResult(t testing.TB, res *vc.PresentationResult, err error) {
	t.Helper()
	if res == nil || res.Presentation == nil {
		t.Fatal("nil result")
	}
	failed := false
	for i, c := range res.Presentation.Checks {
		if i >= len(vc.CheckNames) || c.Name != vc.CheckNames[i] {
			t.Fatalf("presentation check %d is %q", i, c.Name)
		}
		failed = failed || c.Status == vc.Failed
	}
	if len(res.Presentation.Checks) != len(vc.CheckNames) {
		t.Fatalf("%d presentation checks", len(res.Presentation.Checks))
	}
	verified := res.Presentation.Verified
	for _, cr := range res.Credentials {
		for _, c := range cr.Checks {
			failed = failed || c.Status == vc.Failed
		}
		verified = verified && cr.Verified
	}
	if failed != (err != nil) || verified != res.Verified || res.Verified != (err == nil) {
		t.Fatalf("failed=%v verified=%v err=%v", failed, res.Verified, err)
	}
}

// swapSignature returns token with the signature of another token.
func swapSignature(token, from []byte) []byte {
	i, j := bytes.LastIndexByte(token, '.'), bytes.LastIndexByte(from, '.')
	return append(append([]byte(nil), token[:i]...), from[j:]...)
}

// unsignedJWS builds a compact JWS with the given header and payload, signed with
// Ed25519 key (or with an empty signature when key is nil).
func unsignedJWS(header, payload any, k ed25519.PrivateKey) []byte {
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sig := ""
	if k != nil {
		sig = base64.RawURLEncoding.EncodeToString(ed25519.Sign(k, []byte(in)))
	}
	return []byte(in + "." + sig)
}

func TestVerifyPresentationRejects(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	now := time.Now()
	old := vc.PresentOptions{Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}
	diVP := f.present(t, "", f.holder, vc.PresentOptions{}, f.di, f.vcJWT)
	jwtVP := f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.vcJWT)
	sdVP := f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{}, f.sd)
	otherJWT := f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{Challenge: "another"}, f.vcJWT)
	otherSD := f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{Challenge: "another"}, f.sd)

	tamperedDI := bytes.Replace(f.di, []byte(`"role":"member"`), []byte(`"role":"admin"`), 1)
	vcJWT2 := f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.jwtVC) // any other signature
	tamperedJWT := swapSignature(f.vcJWT, vcJWT2)

	payload := map[string]any{"@context": []string{vc.ContextV2}, "type": []string{"VerifiablePresentation"},
		"holder": f.holderDID, "nonce": testChallenge, "aud": testDomain}
	_, holderVM := didAndVM(f.holder)
	edHolder := f.holder.CryptoPrivateKey().(ed25519.PrivateKey)
	pubJWK, _ := json.Marshal(f.holder.Public().JWK())
	var jwkMap map[string]any
	json.Unmarshal(pubJWK, &jwkMap)

	noCnf, err := sdjwt.Issue([]byte(fmt.Sprintf(`{"vct":"https://polity.id/vct/member","iss":%q,"role":"member"}`, f.issuerDID)),
		f.issuer, &sdjwt.IssueOptions{Disclose: []string{"role"}, Kid: f.issuerVM})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		input []byte
		opts  vc.PresentationOptions
		cfg   vc.VerifierConfig
		kind  error // the kind the joined error must match
		code  string
		// credentialOnly: the presentation itself verifies, a credential fails.
		credentialOnly bool
	}{
		{name: "no challenge expected", input: diVP, opts: vc.PresentationOptions{}, kind: vc.ErrMalformed, code: "MALFORMED"},
		{name: "credential, not a presentation", input: f.di, opts: requestOpts, kind: vc.ErrMalformed, code: "MALFORMED"},
		{name: "sd-jwt without key binding", input: f.sd, opts: requestOpts, kind: vc.ErrMalformed, code: "MALFORMED"},
		{name: "garbage", input: []byte("not a presentation"), opts: requestOpts, kind: vc.ErrMalformed, code: "MALFORMED"},

		{name: "wrong challenge/di", input: diVP, opts: vc.PresentationOptions{Challenge: "c-999", Domain: testDomain}, kind: vc.ErrChallengeMismatch, code: "CHALLENGE_MISMATCH"},
		{name: "wrong challenge/vp+jwt", input: jwtVP, opts: vc.PresentationOptions{Challenge: "c-999", Domain: testDomain}, kind: vc.ErrChallengeMismatch, code: "CHALLENGE_MISMATCH"},
		{name: "wrong challenge/sd-jwt", input: sdVP, opts: vc.PresentationOptions{Challenge: "c-999", Domain: testDomain}, kind: vc.ErrChallengeMismatch, code: "CHALLENGE_MISMATCH"},
		{name: "wrong domain/di", input: diVP, opts: vc.PresentationOptions{Challenge: testChallenge, Domain: "https://evil.example"}, kind: vc.ErrDomainMismatch, code: "DOMAIN_MISMATCH"},
		{name: "wrong domain/vp+jwt", input: jwtVP, opts: vc.PresentationOptions{Challenge: testChallenge, Domain: "https://evil.example"}, kind: vc.ErrDomainMismatch, code: "DOMAIN_MISMATCH"},
		{name: "wrong domain/sd-jwt", input: sdVP, opts: vc.PresentationOptions{Challenge: testChallenge, Domain: "https://evil.example"}, kind: vc.ErrDomainMismatch, code: "DOMAIN_MISMATCH"},

		{name: "holder mismatch/di", input: f.present(t, "", f.other, vc.PresentOptions{}, f.di), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH", credentialOnly: true},
		{name: "holder mismatch/vp+jwt", input: f.present(t, vc.FormatVPJWT, f.other, vc.PresentOptions{}, f.vcJWT), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH", credentialOnly: true},
		{name: "holder mismatch/jwt-vc in di", input: f.present(t, "", f.other, vc.PresentOptions{}, f.jwtVC), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH", credentialOnly: true},
		{name: "holder mismatch/sd-jwt cnf in vp+jwt", input: f.present(t, vc.FormatVPJWT, f.other, vc.PresentOptions{}, f.sd), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH", credentialOnly: true},
		{name: "holder mismatch/sd-jwt key binding by another key", input: f.present(t, vc.FormatSDJWT, f.other, vc.PresentOptions{}, f.sd), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE"},

		{name: "tampered vp/di", input: bytes.Replace(diVP, []byte(`"holder"`), []byte(`"id":"urn:uuid:1","holder"`), 1), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE"},
		{name: "tampered vp/vp+jwt", input: swapSignature(jwtVP, otherJWT), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE"},
		{name: "sd-jwt disclosure removed after key binding", input: dropDisclosure(sdVP), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE"},
		{name: "sd-jwt without cnf", input: f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{}, []byte(noCnf)), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH"},
		{name: "tampered vp/sd-jwt key binding", input: swapSignature(sdVP, otherSD), opts: requestOpts, kind: vc.ErrInvalidSignature},
		{name: "tampered credential/di", input: f.present(t, "", f.holder, vc.PresentOptions{}, tamperedDI), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE", credentialOnly: true},
		{name: "tampered credential/vp+jwt", input: f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, tamperedJWT), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE", credentialOnly: true},

		{name: "expired/di", input: f.present(t, "", f.holder, old, f.di), opts: requestOpts, kind: vc.ErrExpired, code: "EXPIRED"},
		{name: "expired/vp+jwt", input: f.present(t, vc.FormatVPJWT, f.holder, old, f.vcJWT), opts: requestOpts, kind: vc.ErrExpired, code: "EXPIRED"},
		{name: "expired/sd-jwt key binding too old", input: f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{Created: now.Add(-time.Hour)}, f.sd), opts: requestOpts, kind: vc.ErrExpired, code: "EXPIRED"},
		{name: "max age/di", input: f.present(t, "", f.holder, vc.PresentOptions{Created: now.Add(-time.Hour)}, f.di), opts: requestOpts,
			cfg: vc.VerifierConfig{PresentationMaxAge: 10 * time.Minute}, kind: vc.ErrExpired, code: "EXPIRED"},
		{name: "max age/vp+jwt future iat", input: f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{Created: now.Add(time.Hour)}, f.vcJWT), opts: requestOpts,
			cfg: vc.VerifierConfig{PresentationMaxAge: 10 * time.Minute}, kind: vc.ErrNotYetValid, code: "NOT_YET_VALID"},

		{name: "vp+jwt alg none", input: unsignedJWS(map[string]any{"alg": "none", "typ": "vp+jwt", "kid": holderVM}, payload, nil), opts: requestOpts, kind: vc.ErrMalformed},
		{name: "vp+jwt embedded jwk", input: unsignedJWS(map[string]any{"alg": "EdDSA", "typ": "vp+jwt", "kid": holderVM, "jwk": jwkMap}, payload, edHolder), opts: requestOpts, kind: vc.ErrMalformed},
		{name: "vp+jwt kid of another DID", input: unsignedJWS(map[string]any{"alg": "EdDSA", "typ": "vp+jwt", "kid": f.issuerVM}, payload, edHolder), opts: requestOpts, kind: vc.ErrKeyNotAuthorized, code: "KEY_NOT_AUTHORIZED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := vc.NewVerifier(tc.cfg).VerifyPresentation(ctx, tc.input, tc.opts)
			checkPresentationResult(t, res, err)
			if res.Verified || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if tc.code != "" && vc.Code(err) != tc.code {
				t.Errorf("code %s, want %s: %v", vc.Code(err), tc.code, err)
			}
			if tc.credentialOnly != res.Presentation.Verified {
				t.Errorf("presentation verified = %v: %v", res.Presentation.Verified, res.Presentation.Err())
			}
		})
	}
}

// dropDisclosure removes the first disclosure of an SD-JWT+KB, keeping the KB-JWT.
func dropDisclosure(token []byte) []byte {
	parts := bytes.Split(token, []byte("~"))
	return bytes.Join(append(parts[:1:1], parts[2:]...), []byte("~"))
}

func TestVerifyPresentationValidPaths(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	now := time.Now()
	for _, tc := range []struct {
		name  string
		input []byte
		opts  vc.PresentationOptions
		cfg   vc.VerifierConfig
	}{
		{"domain not expected/di", f.present(t, "", f.holder, vc.PresentOptions{}, f.di), vc.PresentationOptions{Challenge: testChallenge}, vc.VerifierConfig{}},
		{"domain not expected/vp+jwt", f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.vcJWT), vc.PresentationOptions{Challenge: testChallenge}, vc.VerifierConfig{}},
		{"accept holder/di", f.present(t, "", f.other, vc.PresentOptions{}, f.di),
			vc.PresentationOptions{Challenge: testChallenge, AcceptHolder: func(subject, holder string) bool { return subject == f.holderDID }}, vc.VerifierConfig{}},
		{"accept holder/sd-jwt in vp+jwt", f.present(t, vc.FormatVPJWT, f.other, vc.PresentOptions{}, f.sd),
			vc.PresentationOptions{Challenge: testChallenge, AcceptHolder: func(string, string) bool { return true }}, vc.VerifierConfig{}},
		{"within max age/di", f.present(t, "", f.holder, vc.PresentOptions{Created: now.Add(-5 * time.Minute)}, f.di), requestOpts, vc.VerifierConfig{PresentationMaxAge: 10 * time.Minute}},
		{"not yet expired/vp+jwt", f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{Expires: now.Add(time.Minute)}, f.vcJWT), requestOpts, vc.VerifierConfig{}},
		{"selective disclosure/sd-jwt", f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{Disclose: [][]string{{"address.city"}}}, f.sd), requestOpts, vc.VerifierConfig{}},
		{"sd-jwt cnf binds an undisclosed subject id", f.present(t, "", f.holder, vc.PresentOptions{Disclose: [][]string{{"credentialSubject.role"}}}, vcdmSDJWT(t, f)), requestOpts, vc.VerifierConfig{}},
		{"did:jwk holder", f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{Holder: jwkDID(f.holder)}, f.sd), vc.PresentationOptions{Challenge: testChallenge}, vc.VerifierConfig{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := vc.NewVerifier(tc.cfg).VerifyPresentation(ctx, tc.input, tc.opts)
			checkPresentationResult(t, res, err)
			if !res.Verified {
				t.Fatal(err)
			}
		})
	}
}

// vcdmSDJWT is an SD-JWT whose payload is a VCDM 2.0 credential with a selectively
// disclosable subject id.
func vcdmSDJWT(t testing.TB, f *presentFixture) []byte {
	t.Helper()
	claims := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,`+
		`"iss":%q,"vct":"VerifiableCredential","credentialSubject":{"id":%q,"role":"member"}}`, f.issuerDID, f.issuerDID, f.holderDID)
	tok, err := sdjwt.Issue([]byte(claims), f.issuer, &sdjwt.IssueOptions{
		Disclose: []string{"credentialSubject.id", "credentialSubject.role"}, Kid: f.issuerVM, HolderKey: f.holder.Public()})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

func TestPresentSelectiveDisclosure(t *testing.T) {
	f := newPresentFixture(t)
	all := f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{}, f.sd)
	some := f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{Disclose: [][]string{{"role"}}}, f.sd)
	if n, m := bytes.Count(all, []byte("~")), bytes.Count(some, []byte("~")); n != 5 || m != 2 {
		t.Fatalf("%d and %d separators, want 5 (4 disclosures) and 2 (1 disclosure)", n, m)
	}
}

func TestReplay(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	for _, format := range []string{vc.FormatDataIntegrity, vc.FormatVPJWT, vc.FormatSDJWT} {
		t.Run(format, func(t *testing.T) {
			cred := f.vcJWT
			if format == vc.FormatSDJWT {
				cred = f.sd
			}
			pres := f.present(t, format, f.holder, vc.PresentOptions{}, cred)
			v := vc.NewVerifier(vc.VerifierConfig{})
			// A proof that fails does not use the presentation up.
			if res, _ := v.VerifyPresentation(ctx, pres, vc.PresentationOptions{Challenge: "wrong"}); res.Verified {
				t.Fatal("wrong challenge verified")
			}
			if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
				t.Fatalf("first: %v", err)
			}
			res, err := v.VerifyPresentation(ctx, pres, requestOpts)
			checkPresentationResult(t, res, err)
			if c, _ := res.Presentation.Check(vc.CheckNameStatus); !errors.Is(err, vc.ErrReplay) || vc.Code(err) != "REPLAY" || c.Status != vc.Failed {
				t.Fatalf("second: %v", err)
			}
			// Reformatting does not make a Data Integrity presentation new.
			if format == vc.FormatDataIntegrity {
				var buf bytes.Buffer
				json.Indent(&buf, pres, "", "  ")
				if _, err := v.VerifyPresentation(ctx, buf.Bytes(), requestOpts); !errors.Is(err, vc.ErrReplay) {
					t.Fatalf("reformatted: %v", err)
				}
			}
			// Opting out, for callers that redeem challenges themselves.
			off := vc.NewVerifier(vc.VerifierConfig{DisableReplayCheck: true})
			for range 2 {
				res, err := off.VerifyPresentation(ctx, pres, requestOpts)
				if err != nil {
					t.Fatal(err)
				}
				if c, _ := res.Presentation.Check(vc.CheckNameStatus); c.Status != vc.Skipped {
					t.Fatalf("status check %v", c.Status)
				}
			}
		})
	}
	t.Run("shared store", func(t *testing.T) {
		store := vc.NewMemoryNonceStore(0, nil)
		pres := f.present(t, "", f.holder, vc.PresentOptions{}, f.di)
		a := vc.NewVerifier(vc.VerifierConfig{NonceStore: store})
		b := vc.NewVerifier(vc.VerifierConfig{NonceStore: store})
		if _, err := a.VerifyPresentation(ctx, pres, requestOpts); err != nil {
			t.Fatal(err)
		}
		if _, err := b.VerifyPresentation(ctx, pres, requestOpts); !errors.Is(err, vc.ErrReplay) {
			t.Fatalf("other verifier: %v", err)
		}
	})
	t.Run("window", func(t *testing.T) {
		now := time.Now()
		clock := func() time.Time { return now }
		pres := f.present(t, "", f.holder, vc.PresentOptions{}, f.di)
		v := vc.NewVerifier(vc.VerifierConfig{Now: clock, ReplayWindow: time.Minute})
		if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestMemoryNonceStore(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	s := vc.NewMemoryNonceStore(2, func() time.Time { return now })
	in := func(d time.Duration) time.Time { return now.Add(d) }
	for _, step := range []struct {
		name string
		id   string
		till time.Time
		want error
	}{
		{"first use", "a", in(time.Minute), nil},
		{"replay", "a", in(time.Minute), vc.ErrReplay},
		{"second id", "b", in(2 * time.Minute), nil},
		{"full", "c", in(time.Minute), vc.ErrNonceStoreFull},
		{"already expired is not stored", "d", in(-time.Second), nil},
	} {
		if err := s.Use(ctx, step.id, step.till); !errors.Is(err, step.want) || (step.want == nil) != (err == nil) {
			t.Fatalf("%s: %v, want %v", step.name, err, step.want)
		}
	}
	now = now.Add(90 * time.Second) // a expires, b stays
	if err := s.Use(ctx, "a", in(time.Minute)); err != nil {
		t.Fatalf("a after expiry: %v", err)
	}
	if err := s.Use(ctx, "b", in(time.Minute)); !errors.Is(err, vc.ErrReplay) {
		t.Fatalf("b: %v", err)
	}
	if s.Len() != 2 {
		t.Fatalf("Len = %d", s.Len())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Use(cctx, "x", in(time.Minute)); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestMemoryNonceStoreConcurrent(t *testing.T) {
	s := vc.NewMemoryNonceStore(0, nil)
	until := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 16 {
		wg.Go(func() {
			if s.Use(context.Background(), "same", until) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d uses accepted, want 1", ok)
	}
}

func TestPresentRejects(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		creds [][]byte
		key   *did.PrivateKey
		opts  vc.PresentOptions
		kind  error
	}{
		{"no challenge", [][]byte{f.di}, f.holder, vc.PresentOptions{}, vc.ErrMalformed},
		{"no key", [][]byte{f.di}, nil, vc.PresentOptions{Challenge: "c"}, vc.ErrMalformed},
		{"unknown format", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Format: "cbor"}, vc.ErrMalformed},
		{"vp+jwt with a DI credential", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Format: vc.FormatVPJWT}, vc.ErrMalformed},
		{"sd-jwt with two credentials", [][]byte{f.sd, f.sd}, f.holder, vc.PresentOptions{Challenge: "c", Format: vc.FormatSDJWT}, vc.ErrMalformed},
		{"sd-jwt with a vc+jwt", [][]byte{f.vcJWT}, f.holder, vc.PresentOptions{Challenge: "c", Format: vc.FormatSDJWT}, vc.ErrMalformed},
		{"disclose on a DI credential", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Disclose: [][]string{{"role"}}}, vc.ErrMalformed},
		{"disclose unknown claim", [][]byte{f.sd}, f.holder, vc.PresentOptions{Challenge: "c", Disclose: [][]string{{"nope"}}}, vc.ErrMalformed},
		{"holder without method", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Holder: "did:web:example.com"}, vc.ErrKeyNotAuthorized},
		{"method of another DID", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", VerificationMethod: f.issuerVM}, vc.ErrKeyNotAuthorized},
		{"expires before created", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Expires: time.Now().Add(-time.Hour)}, vc.ErrMalformed},
		{"ecdsa suite, Ed25519 key", [][]byte{f.di}, f.holder, vc.PresentOptions{Challenge: "c", Suite: vc.SuiteECDSARDFC2019}, vc.ErrUnsupportedSuite},
		{"not a credential", [][]byte{[]byte("hello")}, f.holder, vc.PresentOptions{Challenge: "c"}, vc.ErrMalformed},
		{"a presentation as a credential", [][]byte{f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.vcJWT)}, f.holder, vc.PresentOptions{Challenge: "c"}, vc.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := vc.Present(ctx, tc.creds, tc.key, tc.opts)
			if !errors.Is(err, tc.kind) || out != nil {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
		})
	}
}

func TestIsPresentation(t *testing.T) {
	f := newPresentFixture(t)
	for _, tc := range []struct {
		name  string
		input []byte
		want  bool
	}{
		{"di credential", f.di, false},
		{"vc+jwt", f.vcJWT, false},
		{"jwt-vc", f.jwtVC, false},
		{"sd-jwt", f.sd, false},
		{"di presentation", f.present(t, "", f.holder, vc.PresentOptions{}, f.di), true},
		{"vp+jwt", f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.vcJWT), true},
		{"sd-jwt+kb", f.present(t, vc.FormatSDJWT, f.holder, vc.PresentOptions{}, f.sd), true},
		{"garbage", []byte("{"), false},
		{"empty", nil, false},
	} {
		if got := vc.IsPresentation(tc.input); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

func TestVerifyAnyCredential(t *testing.T) {
	f := newPresentFixture(t)
	res, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyAny(context.Background(), f.sd, vc.PresentationOptions{})
	if err != nil || !res.Verified || res.Presentation != nil || len(res.Credentials) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
}

func jwkDID(k *did.PrivateKey) string { return jwk.New(k.Public()) }

// FuzzVerifyPresentation checks that no input panics, that the result is consistent
// with the error, and that every error has a known code.
func FuzzVerifyPresentation(f *testing.F) {
	fx := newPresentFixture(f)
	f.Add(fx.present(f, "", fx.holder, vc.PresentOptions{}, fx.di))
	f.Add(fx.present(f, vc.FormatVPJWT, fx.holder, vc.PresentOptions{}, fx.vcJWT))
	f.Add(fx.present(f, vc.FormatSDJWT, fx.holder, vc.PresentOptions{}, fx.sd))
	f.Add([]byte(fx.sd))
	f.Add([]byte(`{"type":"VerifiablePresentation"}`))
	f.Add([]byte("a.b.c~d~e.f.g"))
	codes := map[string]bool{"": true, "ERROR": true, "MALFORMED": true, "UNKNOWN_CONTEXT": true, "UNSUPPORTED_SUITE": true,
		"INVALID_SIGNATURE": true, "UNRESOLVABLE_DID": true, "KEY_NOT_AUTHORIZED": true, "EXPIRED": true, "NOT_YET_VALID": true,
		"REVOKED": true, "SUSPENDED": true, "UNTRUSTED_ISSUER": true, "STATUS_UNAVAILABLE": true, "CHALLENGE_MISMATCH": true, "DOMAIN_MISMATCH": true,
		"HOLDER_MISMATCH": true, "REPLAY": true}
	v := vc.NewVerifier(vc.VerifierConfig{DisableReplayCheck: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.VerifyAny(context.Background(), data, requestOpts)
		if res == nil || res.Verified != (err == nil) {
			t.Fatalf("result %+v with %v", res, err)
		}
		if !codes[vc.Code(err)] {
			t.Fatalf("code %q: %v", vc.Code(err), err)
		}
	})
}

func TestVerifyPresentationProofOnly(t *testing.T) {
	f := newPresentFixture(t)
	old := vc.PresentOptions{Created: time.Now().Add(-2 * time.Hour), Expires: time.Now().Add(-time.Hour)}
	for _, format := range []string{vc.FormatDataIntegrity, vc.FormatVPJWT, vc.FormatSDJWT} {
		t.Run(format, func(t *testing.T) {
			cred, opts := f.vcJWT, old
			switch format {
			case vc.FormatSDJWT:
				cred, opts = f.sd, vc.PresentOptions{Created: old.Created}
			case vc.FormatDataIntegrity:
				opts = vc.PresentOptions{} // a proof's expires is part of the proof
			}
			// Presented by another key (and expired): only the signatures are checked.
			pres := f.present(t, format, f.other, opts, cred)
			v := vc.NewVerifier(vc.VerifierConfig{ProofOnly: true})
			for range 2 {
				res, err := v.VerifyPresentation(context.Background(), pres, requestOpts)
				checkPresentationResult(t, res, err)
				if format == vc.FormatSDJWT {
					// The key binding JWT is signed by the wrong key: its signature fails.
					if !errors.Is(err, vc.ErrInvalidSignature) {
						t.Fatalf("sd-jwt: %v", err)
					}
					return
				}
				if err != nil || !res.Verified || !res.Presentation.ProofOnly {
					t.Fatalf("%v", err)
				}
			}
		})
	}
}
