package door

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/status"
)

// TestStatusListVectors checks StatusLists on the Bitstring Status List
// specification's example 1 (a credential with a revocation entry at 94567 and
// a suspension entry at 23452) against the decoded-list vectors of
// testdata/door/status-list (see its SOURCE.txt).
func TestStatusListVectors(t *testing.T) {
	raw, err := os.ReadFile("../testdata/door/status-list/examples/01-example-statuslistcredential-using-simple-entries.json")
	must(t, err)
	cred, err := vc.ParseCredential(raw)
	must(t, err)
	vb, err := os.ReadFile("../testdata/door/status-list/decoded-encodedLists.json")
	must(t, err)
	var vectors map[string]struct {
		EncodedList   string `json:"encodedList"`
		SetBitIndexes []int  `json:"setBitIndexes"`
	}
	must(t, json.Unmarshal(vb, &vectors))

	list := func(t *testing.T, id, purpose, encoded string) *status.ListCredential {
		b, _ := json.Marshal(map[string]any{
			"@context": []any{vc.ContextV2}, "id": id, "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer": "did:example:12345", "validFrom": "2024-04-05T14:27:40Z",
			"credentialSubject": map[string]any{"id": id + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": encoded}})
		l, err := status.ParseListCredential(b, status.Limits{})
		must(t, err)
		return l
	}
	zero := vectors["03-example-bitstringstatuslistcredential.json"].EncodedList
	set := vectors["generated-bits-0-7-8-12345-94567-131071"]
	tests := []struct {
		name       string
		revocation string
		want       vc.CheckStatusKind
		wantErr    error
	}{
		{"03 all clear", zero, vc.Passed, nil},
		{"generated bits 0-7-8-12345-94567-131071 revokes 94567", set.EncodedList, vc.Failed, vc.ErrRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sl, err := NewStatusLists(
				list(t, "https://example.com/credentials/status/3", "revocation", tt.revocation),
				list(t, "https://example.com/credentials/status/4", "suspension", zero))
			must(t, err)
			ch := sl.CheckStatus(cred, testNow)
			if ch.Status != tt.want || (tt.wantErr != nil && !errors.Is(ch.Err, tt.wantErr)) {
				t.Fatalf("check %v %v", ch.Status, ch.Err)
			}
		})
	}
	// Without the suspension list, the status is unknown: skipped, not passed.
	sl, err := NewStatusLists(list(t, "https://example.com/credentials/status/3", "revocation", zero))
	must(t, err)
	if ch := sl.CheckStatus(cred, testNow); ch.Status != vc.Skipped {
		t.Fatalf("missing list: %v %v", ch.Status, ch.Err)
	}
}
