package vote

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// jwtMembership issues a membership credential with role to m as a vc+jwt, signed by
// issuer.
func (w *world) jwtMembership(t testing.TB, issuer party, m party, role string) []byte {
	t.Helper()
	c := vc.NewMembership(vc.MembershipClaims{Member: m.did, Community: w.community.did, Role: role})
	c.Issuer = vc.Node{ID: issuer.did}
	c.ValidFrom = t0.Add(-30 * 24 * time.Hour)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jose.SignCredential(b, issuer.key, vmOf(issuer.did))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

func vmOf(didKey string) string { return didKey + "#" + strings.TrimPrefix(didKey, "did:key:") }

// jwtBallot casts choice on p by m as a vp+jwt ballot, presenting creds.
func jwtBallot(t testing.TB, p *Proposal, m party, choice string, at time.Duration, creds ...[]byte) []byte {
	t.Helper()
	b, err := NewBallot(context.Background(), p, Ballot{Choice: choice}, creds, m.key, &BallotOptions{Cast: t0.Add(at), Format: FormatVPJWT})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rawJWTBallot signs a ballot presentation of holder, with signer's key under kid and
// the given nonce and audience, whatever the ballot says, as a wallet could.
func rawJWTBallot(t testing.TB, signer, holder party, kid, proposalID, nonce, aud string, cred []byte) []byte {
	t.Helper()
	doc, _ := json.Marshal(map[string]any{
		"@context": []string{vc.ContextV2, ContextVote}, "type": []string{vc.TypePresentation}, "holder": holder.did,
		"verifiableCredential": []any{jose.Envelope(string(cred))},
		"ballot":               map[string]any{"proposal": proposalID, "choice": "yes", "cast": vc.FormatDateTime(t0.Add(time.Hour))},
	})
	tok, err := jose.SignPresentation(doc, signer.key, kid, aud, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

// TestJWTBallots checks vp+jwt ballots, one row per case, each tallied alone (plus
// a valid ballot of another voter).
func TestJWTBallots(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 3)
	m := w.members
	p := w.proposal("https://hall.example/proposals/jwt")
	p.Eligibility = w.eligibility(t, "")
	jwtCred := w.jwtMembership(t, w.community, m[0], "member")
	diCred := w.membership(t, w.community, m[0], "member")
	outsiderCred := w.jwtMembership(t, w.outsider, m[0], "member")
	other := w.proposal("https://hall.example/proposals/other")

	tamper := func(tok []byte) []byte {
		parts := strings.Split(string(tok), ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		payload = []byte(strings.Replace(string(payload), `"choice":"yes"`, `"choice":"no"`, 1))
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		return []byte(strings.Join(parts, "."))
	}
	noneAlg := func(tok []byte) []byte {
		parts := strings.Split(string(tok), ".")
		parts[0] = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"vp+jwt"}`))
		return []byte(parts[0] + "." + parts[1] + ".")
	}
	tests := []struct {
		name   string
		ballot []byte
		code   Code // "" when counted
		kind   error
	}{
		{"vc+jwt credential", jwtBallot(t, p, m[0], "yes", time.Hour, jwtCred), "", nil},
		{"tampered choice", tamper(jwtBallot(t, p, m[0], "yes", time.Hour, jwtCred)), CodeNotVerified, vc.ErrInvalidSignature},
		{"alg none", noneAlg(jwtBallot(t, p, m[0], "yes", time.Hour, jwtCred)), CodeMalformed, nil},
		{"another proposal", jwtBallot(t, other, m[0], "yes", time.Hour, jwtCred), CodeWrongProposal, nil},
		{"nonce of another proposal", rawJWTBallot(t, m[0], m[0], vmOf(m[0].did), p.ID, other.ID, p.Community, jwtCred), CodeWrongChallenge, nil},
		{"audience of another community", rawJWTBallot(t, m[0], m[0], vmOf(m[0].did), p.ID, p.ID, w.outsider.did, jwtCred), CodeWrongChallenge, nil},
		{"signed by another key", rawJWTBallot(t, m[1], m[0], vmOf(m[0].did), p.ID, p.ID, p.Community, jwtCred), CodeNotVerified, vc.ErrInvalidSignature},
		{"kid of another DID", rawJWTBallot(t, m[1], m[0], vmOf(m[1].did), p.ID, p.ID, p.Community, jwtCred), CodeNotVerified, vc.ErrKeyNotAuthorized},
		{"untrusted issuer", jwtBallot(t, p, m[0], "yes", time.Hour, outsiderCred), CodeIneligible, nil},
		{"no credential", jwtBallot(t, p, m[0], "yes", time.Hour), CodeIneligible, nil},
		{"cast after the close", jwtBallot(t, p, m[0], "yes", 8*24*time.Hour, jwtCred), CodeOutsideWindow, nil},
		{"not a ballot", []byte("a.b.c"), CodeMalformed, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Tally(ctx, p, []Submission{{Source: "b0", Data: tc.ballot}}, &TallyConfig{Now: afterClose})
			if err != nil {
				t.Fatal(err)
			}
			if tc.code == "" {
				if len(rep.Accepted) != 1 || rep.Accepted[0].Holder != m[0].did || rep.Accepted[0].Choice != "yes" {
					t.Fatalf("accepted %+v, rejected %+v", rep.Accepted, rep.Rejected)
				}
				return
			}
			if len(rep.Rejected) != 1 || rep.Rejected[0].Code != tc.code {
				t.Fatalf("rejected %+v, want %s", rep.Rejected, tc.code)
			}
		})
	}

	// A vp+jwt ballot envelopes vc+jwt credentials only.
	if _, err := NewBallot(ctx, p, Ballot{Choice: "yes"}, [][]byte{diCred}, m[0].key, &BallotOptions{Format: FormatVPJWT}); !errors.Is(err, ErrMalformed) {
		t.Errorf("vp+jwt ballot with a Data Integrity credential: %v", err)
	}
	if _, err := NewBallot(ctx, p, Ballot{Choice: "yes"}, [][]byte{jwtCred}, m[0].key, &BallotOptions{Format: "cbor"}); !errors.Is(err, ErrMalformed) {
		t.Errorf("unknown ballot format: %v", err)
	}

	// The error kinds behind the holder-proof failures, as vc.Verifier reports them.
	v := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return afterClose }, Contexts: Contexts(), DisableReplayCheck: true})
	for _, tc := range tests {
		if tc.kind == nil {
			continue
		}
		if _, err := v.VerifyPresentation(ctx, tc.ballot, vc.PresentationOptions{Challenge: p.ID, Domain: p.Community}); !errors.Is(err, tc.kind) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.kind)
		}
	}
}

// TestMixedTally counts Data Integrity and vp+jwt ballots together: a voter's later
// ballot replaces an earlier one whatever their formats.
func TestMixedTally(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 4)
	m := w.members
	p := w.proposal("https://hall.example/proposals/mixed")
	p.Eligibility = w.eligibility(t, "")
	di := func(i int) []byte { return w.membership(t, w.community, m[i], "member") }
	jwt := func(i int) []byte { return w.jwtMembership(t, w.community, m[i], "member") }

	ballots := subs(
		ballot(t, p, m[0], "no", nil, time.Hour, di(0)),        // b0: replaced by b1
		jwtBallot(t, p, m[0], "yes", 2*time.Hour, jwt(0)),      // b1
		jwtBallot(t, p, m[1], "yes", time.Hour, jwt(1)),        // b2
		ballot(t, p, m[2], "no", nil, time.Hour, jwt(2)),       // b3
		jwtBallot(t, p, m[3], "yes", 3*time.Hour, jwt(3)),      // b4: replaced by b5
		ballot(t, p, m[3], "abstain", nil, 4*time.Hour, di(3)), // b5
	)
	rep, err := Tally(ctx, p, ballots, &TallyConfig{Now: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	if got := optionVotes(rep); got != "yes=2 no=1 abstain=1" {
		t.Errorf("votes %s", got)
	}
	if rep.Outcome.Decision != OutcomeApproved || rep.Outcome.Winner != "yes" || rep.Turnout != 4 {
		t.Errorf("outcome %+v, turnout %d", rep.Outcome, rep.Turnout)
	}
	want := map[string]Code{"b0": CodeReplaced, "b4": CodeReplaced}
	if got := codes(rep); !maps.Equal(got, want) {
		t.Errorf("rejected %v, want %v", got, want)
	}
	for _, r := range rep.Rejected {
		if r.Source == "b0" && r.ReplacedBy != Digest(ballots[1].Data) {
			t.Errorf("b0 replaced by %s", r.ReplacedBy)
		}
	}
}

// FuzzParseJWTBallot checks that reading a vp+jwt ballot never panics and fails
// only with vc.ErrMalformed, and that an accepted token's presentation re-parses
// to the same bytes. Seeds are a real ballot and mangled copies.
func FuzzParseJWTBallot(f *testing.F) {
	w := newWorld(f, 1)
	p := w.proposal("https://hall.example/proposals/fuzz")
	tok := jwtBallot(f, p, w.members[0], "yes", time.Hour, w.jwtMembership(f, w.community, w.members[0], "member"))
	f.Add(tok)
	f.Add(tok[:len(tok)/2])
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.e30.AA"))
	f.Add([]byte("..."))
	parser := vc.Parser{MaxBytes: DefaultMaxBallotBytes}
	f.Fuzz(func(t *testing.T, data []byte) {
		pres, err := parseJWTBallot(parser, data)
		if err != nil {
			if !errors.Is(err, vc.ErrMalformed) {
				t.Fatalf("error %v does not match vc.ErrMalformed", err)
			}
			return
		}
		again, err := parser.ParsePresentation(pres.Raw())
		if err != nil || !bytes.Equal(again.Raw(), pres.Raw()) {
			t.Fatalf("re-parse: %v", err)
		}
	})
}
