package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

// TestQuickstart checks the story's outcomes: the door admits Alice with her card,
// then refuses the revoked card and says so; her wallet file does not reveal the card.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	st, err := run(&out, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := st.Admitted
	if !a.Allow || !strings.HasPrefix(a.Holder, "did:key:") || a.Format != door.FormatDataIntegrity || len(a.Types) != 1 || a.Types[0] != vc.TypeMembership {
		t.Fatalf("first visit: %+v", a)
	}
	for _, ch := range a.Checks {
		if ch.Name == vc.CheckNameStatus && ch.Status != vc.Passed {
			t.Errorf("first visit: status check %v", ch.Status)
		}
	}
	r := st.Refused
	if r.Allow || r.Holder != a.Holder || !errors.Is(r.Err(), vc.ErrRevoked) || !errors.Is(r.Err(), policy.ErrDenied) {
		t.Fatalf("after revocation: %+v", r)
	}
	if len(r.Reasons) != 1 || r.Reasons[0].Code != policy.CodeRevoked {
		t.Fatalf("after revocation: reasons %+v", r.Reasons)
	}
	raw, err := os.ReadFile(st.WalletFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"MembershipCredential", a.Holder} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the wallet file contains %q in the clear", secret)
		}
	}
	if out.Len() == 0 {
		t.Error("no output")
	}
}
