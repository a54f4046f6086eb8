package jose

import (
	"testing"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
)

// signRaw signs an exact header and payload, for hand-made tokens.
func signRaw(t testing.TB, key *did.PrivateKey, header, payload string) string {
	in := ijose.EncodeSegment([]byte(header)) + "." + ijose.EncodeSegment([]byte(payload))
	sig, err := key.Sign([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + ijose.EncodeSegment(sig)
}
