package sdjwt

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jose"
)

func FuzzParseSDJWT(f *testing.F) {
	for _, name := range []string{"ietf-examples/simple/sd_jwt_presentation.txt", "testcases/recursions/sd_jwt_issuance.txt", "testcases/array_recursive_sd/sd_jwt_issuance.txt"} {
		b, err := os.ReadFile("../../testdata/sd-jwt/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	f.Add("a.b.c~~")
	issuer, _ := jose.ParseJWK([]byte(vecIssuerJWK))
	pub, _ := jose.PublicKeyOf(issuer)
	opts := &VerifyOptions{Key: pub, Types: []string{"example+sd-jwt"}, Now: func() time.Time { return time.Unix(1795638493, 0) },
		KeyBinding: &KeyBindingPolicy{Audience: "https://verifier.example.org", Nonce: vecNonce, MaxAge: 1 << 62}}
	f.Fuzz(func(t *testing.T, s string) {
		sd, err := Parse(s, nil)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if got := sd.String(); got != s {
			t.Fatalf("round trip: %q != %q", got, s)
		}
		// Full verification must not panic and must return typed errors.
		if _, err := Verify(context.Background(), s, opts); err != nil &&
			!errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalidSignature) && !errors.Is(err, ErrKeyBinding) &&
			!errors.Is(err, ErrUnsupportedAlg) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrNotYetValid) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}
