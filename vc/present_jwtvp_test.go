package vc_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// diV11 returns a VCDM 1.1 credential with a Data Integrity proof, issued to the holder.
func diV11(t testing.TB, f *presentFixture) []byte {
	t.Helper()
	cred := fmt.Sprintf(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],`+
		`"issuer":%q,"issuanceDate":%q,"credentialSubject":{"id":%q}}`, f.issuerDID, vc.FormatDateTime(time.Now().Add(-time.Hour)), f.holderDID)
	out, err := vc.Issue(context.Background(), []byte(cred), f.issuer, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jwtClaims decodes the payload of a compact JWS.
func jwtClaims(t testing.TB, token []byte) map[string]any {
	t.Helper()
	parts := strings.Split(string(token), ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	if err != nil || json.Unmarshal(b, &m) != nil {
		t.Fatalf("payload of %s", token)
	}
	return m
}

func TestPresentJWTVP(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	di11 := diV11(t, f)
	for _, tc := range []struct {
		name  string
		creds [][]byte
	}{
		{"jwt-vc", [][]byte{f.jwtVC}},
		{"jwt-vc+di-1.1", [][]byte{f.jwtVC, di11}},
		{"no-credentials", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pres := f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{Expires: time.Now().Add(time.Hour)}, tc.creds...)
			if h, err := jose.Peek(string(pres)); err != nil || h.Typ != "JWT" {
				t.Fatalf("header %+v %v", h, err)
			}
			claims := jwtClaims(t, pres)
			vp, _ := claims["vp"].(map[string]any)
			if claims["iss"] != f.holderDID || claims["nonce"] != testChallenge || claims["aud"] != testDomain || vp == nil || claims["exp"] == nil {
				t.Fatalf("claims %v", claims)
			}
			if list, _ := vp["verifiableCredential"].([]any); len(list) != len(tc.creds) || (len(list) > 0 && list[0] != string(f.jwtVC)) {
				t.Fatalf("vp %v", vp)
			}
			if !vc.IsPresentation(pres) {
				t.Fatal("IsPresentation = false")
			}
			res, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyPresentation(ctx, pres, requestOpts)
			checkPresentationResult(t, res, err)
			if err != nil || res.Presentation.Format != vc.FormatJWTVP || len(res.Credentials) != len(tc.creds) {
				t.Fatalf("%v: format %q, %d credentials", err, res.Presentation.Format, len(res.Credentials))
			}
			if res.Presentation.Presentation.Holder.ID != f.holderDID {
				t.Fatalf("holder %q", res.Presentation.Presentation.Holder.ID)
			}
			for i, cr := range res.Credentials {
				if c, _ := cr.Check(vc.CheckNameHolder); c.Status != vc.Passed {
					t.Errorf("credential %d: holder check %v", i, c.Status)
				}
			}
			res, err = vc.NewVerifier(vc.VerifierConfig{}).VerifyAny(ctx, pres, requestOpts)
			if err != nil || !res.Verified || res.Presentation == nil || res.Presentation.Format != vc.FormatJWTVP {
				t.Fatalf("VerifyAny: %v", err)
			}
		})
	}
}

func TestPresentJWTVPRejects(t *testing.T) {
	f := newPresentFixture(t)
	for _, tc := range []struct {
		name string
		cred []byte
	}{
		{"vc+jwt", f.vcJWT},
		{"sd-jwt", f.sd},
		{"VCDM 2.0 Data Integrity", f.di},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := vc.Present(context.Background(), [][]byte{tc.cred}, f.holder, vc.PresentOptions{Format: vc.FormatJWTVP, Challenge: "c"})
			if !errors.Is(err, vc.ErrMalformed) || out != nil {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestVerifyJWTVPRejects(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	now := time.Now()
	good := f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{}, f.jwtVC)
	other := f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{Challenge: "another"}, f.jwtVC)
	tamperedVC := swapSignature(f.jwtVC, f.vcJWT)
	for _, tc := range []struct {
		name           string
		input          []byte
		opts           vc.PresentationOptions
		cfg            vc.VerifierConfig
		kind           error
		code           string
		credentialOnly bool
	}{
		{name: "wrong challenge", input: good, opts: vc.PresentationOptions{Challenge: "c-999", Domain: testDomain}, kind: vc.ErrChallengeMismatch, code: "CHALLENGE_MISMATCH"},
		{name: "wrong domain", input: good, opts: vc.PresentationOptions{Challenge: testChallenge, Domain: "https://evil.example"}, kind: vc.ErrDomainMismatch, code: "DOMAIN_MISMATCH"},
		{name: "holder mismatch", input: f.present(t, vc.FormatJWTVP, f.other, vc.PresentOptions{}, f.jwtVC), opts: requestOpts, kind: vc.ErrHolderMismatch, code: "HOLDER_MISMATCH", credentialOnly: true},
		{name: "tampered presentation", input: swapSignature(good, other), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE"},
		{name: "tampered credential", input: f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{}, tamperedVC), opts: requestOpts, kind: vc.ErrInvalidSignature, code: "INVALID_SIGNATURE", credentialOnly: true},
		{name: "expired", input: f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}, f.jwtVC), opts: requestOpts, kind: vc.ErrExpired, code: "EXPIRED"},
		{name: "future iat beyond max age", input: f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{Created: now.Add(time.Hour)}, f.jwtVC), opts: requestOpts,
			cfg: vc.VerifierConfig{PresentationMaxAge: 10 * time.Minute}, kind: vc.ErrNotYetValid, code: "NOT_YET_VALID"},
		{name: "too old for max age", input: f.present(t, vc.FormatJWTVP, f.holder, vc.PresentOptions{Created: now.Add(-time.Hour)}, f.jwtVC), opts: requestOpts,
			cfg: vc.VerifierConfig{PresentationMaxAge: 10 * time.Minute}, kind: vc.ErrExpired, code: "EXPIRED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := vc.NewVerifier(tc.cfg).VerifyPresentation(ctx, tc.input, tc.opts)
			checkPresentationResult(t, res, err)
			if res.Verified || !errors.Is(err, tc.kind) || vc.Code(err) != tc.code {
				t.Fatalf("err = %v (code %s), want %v", err, vc.Code(err), tc.kind)
			}
			if tc.credentialOnly != res.Presentation.Verified {
				t.Errorf("presentation verified = %v: %v", res.Presentation.Verified, res.Presentation.Err())
			}
		})
	}
	// Replay: the same verifier accepts a presentation once.
	v := vc.NewVerifier(vc.VerifierConfig{})
	if _, err := v.VerifyPresentation(ctx, good, requestOpts); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyPresentation(ctx, good, requestOpts); !errors.Is(err, vc.ErrReplay) || vc.Code(err) != "REPLAY" {
		t.Fatalf("replay: %v", err)
	}
	// A JWT-VC is a credential, not a presentation; Verify reports a JWT presentation
	// as malformed.
	if vc.IsPresentation(f.jwtVC) || bytes.Equal(good, f.jwtVC) {
		t.Fatal("IsPresentation(jwt-vc)")
	}
}

func TestVerifyJWTVPProofOnly(t *testing.T) {
	f := newPresentFixture(t)
	old := vc.PresentOptions{Created: time.Now().Add(-2 * time.Hour), Expires: time.Now().Add(-time.Hour)}
	// Presented by another key (and expired): only the signatures are checked.
	pres := f.present(t, vc.FormatJWTVP, f.other, old, f.jwtVC)
	res, err := vc.NewVerifier(vc.VerifierConfig{ProofOnly: true}).VerifyPresentation(context.Background(), pres, requestOpts)
	checkPresentationResult(t, res, err)
	if err != nil || !res.Verified || !res.Presentation.ProofOnly || res.Presentation.Format != vc.FormatJWTVP {
		t.Fatalf("%v", err)
	}
}

// FuzzVerifyJWTVPPresentation checks, from VCDM 1.1 JWT presentation seeds, that no
// input panics, that the result agrees with the error, and that every error has a code.
func FuzzVerifyJWTVPPresentation(f *testing.F) {
	fx := newPresentFixture(f)
	f.Add(fx.present(f, vc.FormatJWTVP, fx.holder, vc.PresentOptions{}, fx.jwtVC))
	f.Add(fx.present(f, vc.FormatJWTVP, fx.holder, vc.PresentOptions{}, fx.jwtVC, diV11(f, fx)))
	f.Add(fx.present(f, vc.FormatJWTVP, fx.other, vc.PresentOptions{}))
	v := vc.NewVerifier(vc.VerifierConfig{DisableReplayCheck: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := v.VerifyAny(context.Background(), data, requestOpts)
		if res == nil || res.Verified != (err == nil) {
			t.Fatalf("result %+v with %v", res, err)
		}
		if err != nil && vc.Code(err) == "" {
			t.Fatalf("code %q: %v", vc.Code(err), err)
		}
	})
}
