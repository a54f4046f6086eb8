package vc_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/polity-id/polity/vc"
)

// Issue the unsigned form of a membership credential, then read its claims back.
func ExampleNewMembership() {
	c := vc.NewMembership(vc.MembershipClaims{
		Member:    "did:example:alice",
		Community: "did:example:commons",
		Role:      "moderator",
		Since:     time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	c.ID = "urn:uuid:0d3c9c1e-6f2a-4a54-8c1b-2f4c7d1e5a10"
	c.Issuer = vc.Node{ID: "did:example:commons"}
	c.ValidFrom = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	unsigned, _ := json.MarshalIndent(c, "", "  ")
	fmt.Println(string(unsigned))

	parsed, err := vc.ParseCredential(unsigned)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := parsed.Membership()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Member, "is a", m.Role, "of", m.Community, "since", m.Since.Format(time.DateOnly))
	// Output:
	// {
	//   "@context": [
	//     "https://www.w3.org/ns/credentials/v2",
	//     "https://polity.id/ns/v1"
	//   ],
	//   "id": "urn:uuid:0d3c9c1e-6f2a-4a54-8c1b-2f4c7d1e5a10",
	//   "type": [
	//     "VerifiableCredential",
	//     "MembershipCredential"
	//   ],
	//   "issuer": "did:example:commons",
	//   "validFrom": "2024-03-01T00:00:00Z",
	//   "credentialSubject": {
	//     "id": "did:example:alice",
	//     "community": "did:example:commons",
	//     "memberSince": "2024-03-01T00:00:00Z",
	//     "role": "moderator"
	//   }
	// }
	// did:example:alice is a moderator of did:example:commons since 2024-03-01
}

func ExampleParseCredential() {
	data, err := os.ReadFile("../testdata/vc/di-eddsa/unsigned.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := vc.ParseCredential(data)
	if err != nil {
		fmt.Println(vc.Code(err), err)
		return
	}
	fmt.Println(c.Version(), c.Types, c.Issuer.ID, c.Subjects[0].Props["alumniOf"])

	_, err = vc.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential"}`))
	var fe *vc.FieldError
	if errors.As(err, &fe) {
		fmt.Println(vc.Code(err), fe.Field, fe.Reason)
	}
	// Output:
	// 2 [VerifiableCredential AlumniCredential] https://vc.example/issuers/5678 The School of Examples
	// MALFORMED issuer missing
}

func ExampleCheckValidity() {
	c := &vc.Credential{
		ValidFrom:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		ValidUntil: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) // a door operator's clock
	err := vc.CheckValidity(c, now, 5*time.Minute)
	fmt.Println(errors.Is(err, vc.ErrExpired), vc.Code(err))
	// Output:
	// true EXPIRED
}

func ExampleResult() {
	var r vc.Result
	r.Format = vc.FormatDataIntegrity
	r.Record(vc.CheckNameStructure, nil)
	r.Record(vc.CheckNameContexts, nil)
	r.Record(vc.CheckNameProof, nil)
	r.Record(vc.CheckNameValidity, nil)
	r.Record(vc.CheckNameStatus, fmt.Errorf("%w: index 94567 of https://example.com/status/3", vc.ErrRevoked))
	r.Skip(vc.CheckNameIssuer, nil)
	err := r.Finish()
	fmt.Println(r.Verified, errors.Is(err, vc.ErrRevoked))
	out, _ := json.Marshal(&r)
	fmt.Println(string(out))
	// Output:
	// false true
	// {"verified":false,"checks":[{"name":"structure","status":"passed"},{"name":"contexts","status":"passed"},{"name":"proof","status":"passed"},{"name":"validity","status":"passed"},{"name":"status","status":"failed","error":{"code":"REVOKED","message":"vc: credential revoked: index 94567 of https://example.com/status/3"}},{"name":"issuer","status":"skipped"}],"error":{"code":"REVOKED","message":"vc: verification failed: status: vc: credential revoked: index 94567 of https://example.com/status/3"}}
}
