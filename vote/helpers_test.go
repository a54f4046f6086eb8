package vote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

// t0 is when the test votes open.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// party is a key and its did:key DID.
type party struct {
	key *did.PrivateKey
	did string
}

// newParty returns a deterministic Ed25519 party for seed.
func newParty(t testing.TB, seed byte) party {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return party{key: k, did: key.New(k.Public())}
}

// world is a community with members and stewards.
type world struct {
	community party
	outsider  party // an issuer the community does not trust
	members   []party
	stewards  []party
}

func newWorld(t testing.TB, members int) *world {
	w := &world{community: newParty(t, 1), outsider: newParty(t, 2)}
	for i := range members {
		w.members = append(w.members, newParty(t, byte(10+i)))
	}
	for i := range 3 {
		w.stewards = append(w.stewards, newParty(t, byte(100+i)))
	}
	return w
}

// membership issues a membership credential with role to m, signed by issuer.
func (w *world) membership(t testing.TB, issuer party, m party, role string) []byte {
	t.Helper()
	c := vc.NewMembership(vc.MembershipClaims{Member: m.did, Community: w.community.did, Role: role})
	raw, err := vc.Issue(context.Background(), c, issuer.key, vc.IssueOptions{Created: t0.Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// eligibility returns a policy: membership credentials of the community, with role when
// role is not empty.
func (w *world) eligibility(t testing.TB, role string) *policy.Policy {
	t.Helper()
	doc := map[string]any{
		"types":   []string{vc.TypeMembership},
		"issuers": []map[string]any{{"did": w.community.did, "types": []string{vc.TypeMembership}}},
		"constraints": []map[string]any{
			{"path": "credentialSubject.community", "op": "equals", "value": w.community.did},
		},
	}
	if role != "" {
		doc["constraints"] = append(doc["constraints"].([]map[string]any),
			map[string]any{"path": "credentialSubject.role", "op": "equals", "value": role})
	}
	b, _ := json.Marshal(doc)
	p, err := policy.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// proposal returns a yes/no/abstain proposal of the world's community.
func (w *world) proposal(id string) *Proposal {
	return &Proposal{
		ID: id, Title: "Repaint the hall", Community: w.community.did,
		Options: []string{"yes", "no", "abstain"}, Abstain: "abstain", Reject: "no",
		Opens: t0, Closes: t0.Add(7 * 24 * time.Hour),
	}
}

// ballot casts choice (or votes, when choice is empty) on p by m, presenting creds.
func ballot(t testing.TB, p *Proposal, m party, choice string, votes map[string]int64, at time.Duration, creds ...[]byte) []byte {
	t.Helper()
	b, err := NewBallot(context.Background(), p, Ballot{Choice: choice, Votes: votes}, creds, m.key, &BallotOptions{Cast: t0.Add(at)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// subs names ballots b0, b1, ...
func subs(ballots ...[]byte) []Submission {
	out := make([]Submission, len(ballots))
	for i, b := range ballots {
		out[i] = Submission{Source: "b" + string(rune('0'+i)), Data: b}
	}
	return out
}

// afterClose is a tally time after every test vote closed.
var afterClose = t0.Add(30 * 24 * time.Hour)

// codes returns the rejection codes of rep keyed by source.
func codes(rep *Report) map[string]Code {
	out := map[string]Code{}
	for _, r := range rep.Rejected {
		out[r.Source] = r.Code
	}
	return out
}

func optionVotes(rep *Report) string {
	parts := make([]string, len(rep.Options))
	for i, o := range rep.Options {
		parts[i] = fmt.Sprintf("%s=%g", o.Option, o.Votes)
	}
	return strings.Join(parts, " ")
}
