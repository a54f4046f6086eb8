package jose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/vcerr"
)

func FuzzVerifyVCJWT(f *testing.F) {
	for _, n := range []string{"credential-jose-minimal.txt", "credential-issuer-match-signed.txt", "presentation-jose-multiple.txt", "credential-jose-vc-vp-claims.txt"} {
		b, err := os.ReadFile(filepath.Join(suiteDir, "input", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	keys := suiteKeys(f)
	opts := &VerifyOptions{KeyFunc: keys, Now: func() time.Time { return time.Unix(1734311051, 0) }}
	f.Fuzz(func(t *testing.T, tok string) {
		for _, fn := range []func(context.Context, string, *VerifyOptions) (*Verified, error){VerifyCredential, VerifyPresentation, VerifyJWTVC} {
			v, err := fn(context.Background(), tok, opts)
			if err != nil {
				if vcerr.Find(err) == nil {
					t.Fatalf("untyped error: %v", err)
				}
				continue
			}
			if v == nil || len(v.Payload) == 0 {
				t.Fatal("success without payload")
			}
		}
	})
}
