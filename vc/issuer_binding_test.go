package vc_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/vc"
)

// signCompact signs header.payload exactly as given with k.
func signCompact(t testing.TB, k *did.PrivateKey, header, payload string) []byte {
	t.Helper()
	in := ijose.EncodeSegment([]byte(header)) + "." + ijose.EncodeSegment([]byte(payload))
	sig, err := k.Sign([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(in + "." + ijose.EncodeSegment(sig))
}

// A vc+jwt payload with both "issuer" and a case variant ("ISSUER"): encoding/json
// matches field names without regard to case (the last member wins) while
// vc.ParseCredential reads "issuer" exactly. Were the signer checked against one
// and the policy against the other, the attacker's credential would pass as the
// issuer's; it must be refused.
func TestVCJWTIssuerCaseVariant(t *testing.T) {
	f := newPresentFixture(t)
	attacker := seededKey(t, did.KeyEd25519, 9)
	aDID, aVM := didAndVM(attacker)
	payload := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],`+
		`"issuer":%q,"credentialSubject":{"id":%q},"ISSUER":%q}`, f.issuerDID, f.holderDID, aDID)
	tok := signCompact(t, attacker, fmt.Sprintf(`{"alg":"EdDSA","typ":"vc+jwt","kid":%q}`, aVM), payload)
	v := vc.NewVerifier(vc.VerifierConfig{TrustedIssuers: map[string][]string{f.issuerDID: nil}})
	res, err := v.Verify(context.Background(), tok)
	if err == nil {
		t.Fatalf("credential signed by %s accepted as issued by %s (issuer %q)", aDID, f.issuerDID, res.Credential.Issuer.ID)
	}
	t.Log(err)
}

// The same case-variant trick on a vp+jwt "holder": the kid must not be checked
// against "HOLDER" (the attacker) while the holder binding uses "holder" (the
// subject of a stolen credential).
func TestVPJWTHolderCaseVariant(t *testing.T) {
	f := newPresentFixture(t)
	attacker := seededKey(t, did.KeyEd25519, 9)
	aDID, aVM := didAndVM(attacker)
	payload := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],`+
		`"holder":%q,"verifiableCredential":[{"@context":"https://www.w3.org/ns/credentials/v2","type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,%s"}],`+
		`"nonce":%q,"aud":%q,"HOLDER":%q}`, f.holderDID, f.vcJWT, testChallenge, testDomain, aDID)
	tok := signCompact(t, attacker, fmt.Sprintf(`{"alg":"EdDSA","typ":"vp+jwt","kid":%q}`, aVM), payload)
	res, err := vc.NewVerifier(vc.VerifierConfig{}).VerifyPresentation(context.Background(), tok, requestOpts)
	if err == nil {
		t.Fatalf("presentation signed by %s accepted for holder %q (verified %v)", aDID, res.Presentation.Presentation.Holder.ID, res.Verified)
	}
	t.Log(err)
}

// A VCDM credential secured as vc+sd-jwt names its issuer in "issuer", which
// vc/sdjwt does not read: the verifier must bind it to the DID whose key signed,
// whether "iss" names another DID or is absent.
func TestSDJWTIssuerNotIss(t *testing.T) {
	f := newPresentFixture(t)
	attacker := seededKey(t, did.KeyEd25519, 9)
	aDID, aVM := didAndVM(attacker)
	for _, iss := range []string{fmt.Sprintf(`"iss":%q,`, aDID), ""} {
		payload := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],`+
			`%s"issuer":%q,"credentialSubject":{"id":%q}}`, iss, f.issuerDID, f.holderDID)
		tok := signCompact(t, attacker, fmt.Sprintf(`{"alg":"EdDSA","typ":"vc+sd-jwt","kid":%q}`, aVM), payload)
		tok = append(tok, '~')
		v := vc.NewVerifier(vc.VerifierConfig{TrustedIssuers: map[string][]string{f.issuerDID: nil}})
		res, err := v.Verify(context.Background(), tok)
		if err == nil {
			t.Errorf("iss %q: credential signed by %s accepted as issued by %q", iss, aDID, res.Credential.Issuer.ID)
		} else {
			t.Log(err)
		}
	}
}

// An SD-JWT VC whose "iss" is not in the signed payload but in a disclosure must
// be refused: the kid was resolved against no issuer, so a disclosed "iss" would
// let any DID claim to be any issuer.
func TestSDJWTDisclosedIss(t *testing.T) {
	f := newPresentFixture(t)
	attacker := seededKey(t, did.KeyEd25519, 9)
	aDID, aVM := didAndVM(attacker)
	disc := ijose.EncodeSegment([]byte(fmt.Sprintf(`["c2FsdHNhbHRzYWx0c2FsdA","iss",%q]`, f.issuerDID)))
	sum := sha256.Sum256([]byte(disc))
	payload := fmt.Sprintf(`{"vct":"https://polity.id/vct/member","_sd":[%q],"_sd_alg":"sha-256","role":"member"}`, ijose.EncodeSegment(sum[:]))
	tok := signCompact(t, attacker, fmt.Sprintf(`{"alg":"EdDSA","typ":"dc+sd-jwt","kid":%q}`, aVM), payload)
	tok = append(append(append(tok, '~'), disc...), '~')
	v := vc.NewVerifier(vc.VerifierConfig{TrustedIssuers: map[string][]string{f.issuerDID: nil}})
	if _, err := v.Verify(context.Background(), tok); err == nil {
		t.Fatalf("SD-JWT VC signed by %s accepted as issued by %s", aDID, f.issuerDID)
	} else {
		t.Log(err)
	}
}
