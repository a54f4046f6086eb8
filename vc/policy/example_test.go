package policy_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

// Judge a verified membership credential against a community's door policy.
func ExamplePolicy_Evaluate() {
	p, err := policy.Parse([]byte(`{
	  "types": ["MembershipCredential"],
	  "issuers": [{"did": "did:example:commons", "name": "Commons", "types": ["MembershipCredential"]}],
	  "constraints": [
	    {"path": "credentialSubject.role", "op": "in", "value": ["member", "steward"]},
	    {"path": "credentialSubject.community", "op": "equals", "value": "did:example:commons"}
	  ],
	  "maxAge": "365d"
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	judge := func(community string) {
		c := vc.NewMembership(vc.MembershipClaims{Member: "did:example:alice", Community: community, Role: "member"})
		c.Issuer = vc.Node{ID: "did:example:commons"}
		c.ValidFrom = now.AddDate(0, -1, 0)
		b, _ := json.Marshal(c)
		parsed, _ := vc.ParseCredential(b)
		// In real use the Result comes from a verifier; here every check passed.
		res := &vc.Result{Verified: true, Credential: parsed}
		d := p.Evaluate(policy.Input{Result: res, Holder: "did:example:alice", Now: now})
		if d.Allow {
			fmt.Println("allow")
			return
		}
		for _, r := range d.Reasons {
			fmt.Println("deny:", r.Code, "-", r.Message)
		}
	}
	judge("did:example:commons")
	judge("did:example:elsewhere")
	// Output:
	// allow
	// deny: CLAIM_MISMATCH - credentialSubject.community does not satisfy equals "did:example:commons"
}
