package vote

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
)

// signedResult tallies one approving ballot and returns the result signed by the
// community.
func signedResult(t *testing.T, w *world) []byte {
	t.Helper()
	p := w.proposal("https://hall.example/proposals/budget")
	p.Eligibility = w.eligibility(t, "")
	b := ballot(t, p, w.members[0], "yes", nil, time.Hour, w.membership(t, w.community, w.members[0], "member"))
	rep, err := Tally(context.Background(), p, subs(b), &TallyConfig{Now: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := IssueResult(context.Background(), rep, w.community.key, &ResultOptions{Created: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func cosign(t *testing.T, raw []byte, s party) []byte {
	t.Helper()
	out, err := Cosign(context.Background(), raw, s.key, &CosignOptions{Created: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVerifyResult checks M-of-N steward approval of a result credential.
func TestVerifyResult(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	s := w.stewards
	stewards := []string{s[0].did, s[1].did, s[2].did}
	raw := signedResult(t, w)
	one := cosign(t, raw, s[0])
	two := cosign(t, one, s[1])

	// The same steward's key signing twice (with another creation time) counts once.
	env, _, err := signEnv()
	if err != nil {
		t.Fatal(err)
	}
	vm := s[0].did + "#" + s[0].did[len("did:key:"):]
	dup, err := dataintegrity.AddProof(ctx, one, s[0].key, dataintegrity.Options{VerificationMethod: vm, Created: afterClose.Add(time.Hour)}, env)
	if err != nil {
		t.Fatal(err)
	}
	outsider := cosign(t, one, w.outsider)
	tampered := bytes.Replace(two, []byte(`"outcome":"approved"`), []byte(`"outcome":"rejected"`), 1)
	if bytes.Equal(tampered, two) {
		t.Fatal("tamper target not found")
	}

	tests := []struct {
		name     string
		raw      []byte
		m        int
		want     error
		approved int
	}{
		{"issuer-only-m0", raw, 0, nil, 0},
		{"m-1-proofs", one, 2, ErrApprovals, 1},
		{"m-proofs", two, 2, nil, 2},
		{"duplicate-steward-counted-once", dup, 2, ErrApprovals, 1},
		{"non-steward-proof-ignored", outsider, 2, ErrApprovals, 1},
		{"tampered-claims", tampered, 1, ErrIssuerProof, 0},
		{"m-above-stewards", two, 4, ErrConfig, 0},
		{"not-a-result", w.membership(t, w.community, w.members[0], "member"), 0, ErrNotResult, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := VerifyResult(ctx, tc.raw, stewards, tc.m)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if rc == nil || rc.Verified != (tc.want == nil) || len(rc.Approvals) != tc.approved {
				t.Fatalf("check = %+v", rc)
			}
			var ae *ApprovalError
			if errors.As(err, &ae) && (ae.Have != tc.approved || ae.Need != tc.m) {
				t.Errorf("ApprovalError = %+v", ae)
			}
		})
	}
	// Cosigning twice with the same key is refused.
	if _, err := Cosign(ctx, one, s[0].key, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("second cosign: err = %v, want ErrMalformed", err)
	}
	// A plain vc.Verifier with the vote context also accepts the community's proof.
	v := vc.NewVerifier(vc.VerifierConfig{Contexts: Contexts(), Now: func() time.Time { return afterClose }})
	if _, err := v.Verify(ctx, raw); err != nil {
		t.Errorf("vc.Verifier: %v", err)
	}
}

// TestVerifyResultExpired checks that the validity period is enforced.
func TestVerifyResultExpired(t *testing.T) {
	w := newWorld(t, 1)
	raw := signedResult(t, w)
	v := &ResultVerifier{Now: func() time.Time { return afterClose.Add(-24 * time.Hour) }}
	if _, err := v.Verify(context.Background(), raw, nil, 0); !errors.Is(err, vc.ErrNotYetValid) {
		t.Errorf("err = %v, want vc.ErrNotYetValid", err)
	}
}
