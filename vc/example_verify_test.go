package vc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

// A community issues a membership credential with its did:key, and a door operator
// verifies it offline.
func ExampleIssue() {
	ctx := context.Background()
	// A fixed key for the example; use did.GenerateKey or did.ReadKeyFile.
	issuerKey, _ := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{7}, 32))

	cred := vc.NewMembership(vc.MembershipClaims{
		Member:    "did:example:alice",
		Community: "did:example:commons",
		Role:      "member",
	})
	signed, err := vc.Issue(ctx, cred, issuerKey, vc.IssueOptions{
		Suite:   vc.SuiteEdDSARDFC2022,
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	v := vc.NewVerifier(vc.VerifierConfig{}) // did:key and did:jwk, no network
	res, err := v.Verify(ctx, signed)
	if err != nil {
		fmt.Println(vc.Code(err), err)
		return
	}
	m, _ := res.Credential.Membership()
	fmt.Println(res.Verified, res.Format, res.Credential.Issuer.ID)
	fmt.Println(m.Member, "is a", m.Role, "of", m.Community)
	// Output:
	// true data-integrity did:key:z6MkvDqGT54cXesYGvABpF1UapVNwjCqRcafi4Px6Thv5T3Z
	// did:example:alice is a member of did:example:commons
}

// A credential changed after signing fails with ErrInvalidSignature; errors.Is finds
// the kind, and Code gives the CLI's code.
func ExampleVerifier_Verify_tampered() {
	ctx := context.Background()
	issuerKey, _ := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{7}, 32))
	cred := vc.NewMembership(vc.MembershipClaims{Member: "did:example:alice", Community: "did:example:commons", Role: "member"})
	signed, _ := vc.Issue(ctx, cred, issuerKey, vc.IssueOptions{})

	tampered := bytes.Replace(signed, []byte(`"role":"member"`), []byte(`"role":"admin"`), 1)
	res, err := vc.NewVerifier(vc.VerifierConfig{}).Verify(ctx, tampered)
	fmt.Println(res.Verified, errors.Is(err, vc.ErrInvalidSignature), vc.Code(err))
	for _, c := range res.Checks {
		fmt.Println(c.Name, c.Status)
	}
	// Output:
	// false true INVALID_SIGNATURE
	// structure passed
	// contexts passed
	// proof failed
	// validity skipped
	// status skipped
	// issuer skipped
}

// Checks of the status list and of the issuer are policy: plug in a StatusChecker (such
// as one over Bitstring Status Lists) and the issuers you trust.
func ExampleVerifierConfig() {
	ctx := context.Background()
	issuerKey, _ := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{7}, 32))
	cred := vc.NewMembership(vc.MembershipClaims{Member: "did:example:alice", Community: "did:example:commons"})
	cred.Status = []vc.Node{{
		ID:    "https://example.com/status/3#94567",
		Types: []string{"BitstringStatusListEntry"},
		Props: map[string]any{
			"statusPurpose":        "revocation",
			"statusListIndex":      "94567",
			"statusListCredential": "https://example.com/status/3",
		},
	}}
	signed, _ := vc.Issue(ctx, cred, issuerKey, vc.IssueOptions{})

	v := vc.NewVerifier(vc.VerifierConfig{
		StatusChecker: vc.StatusCheckerFunc(func(ctx context.Context, c *vc.Credential, entries []vc.Node) (vc.StatusResult, error) {
			return vc.StatusResult{Revoked: true, Message: "index 94567"}, nil
		}),
		TrustedIssuers: map[string][]string{
			"did:key:z6MkvDqGT54cXesYGvABpF1UapVNwjCqRcafi4Px6Thv5T3Z": {vc.TypeMembership},
		},
	})
	_, err := v.Verify(ctx, signed)
	fmt.Println(errors.Is(err, vc.ErrRevoked), errors.Is(err, vc.ErrUntrustedIssuer))
	fmt.Println(err)
	// Output:
	// true false
	// vc: verification failed: status: vc: credential revoked: index 94567
}
