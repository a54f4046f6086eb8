package vc_test

import (
	"context"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

// With PresentationMaxAge set, a presentation is remembered for as long as it is
// young enough to pass: the same bytes under the same challenge never verify twice.
func TestReplayRefusedForMaxAge(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	for _, format := range []string{vc.FormatDataIntegrity, vc.FormatVPJWT} {
		t.Run(format, func(t *testing.T) {
			pres := f.present(t, format, f.holder, vc.PresentOptions{}, f.vcJWT)
			clock := time.Now()
			v := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return clock }, PresentationMaxAge: vc.DefaultReplayWindow + 10*time.Minute})
			if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
				t.Fatalf("first: %v", err)
			}
			clock = clock.Add(vc.DefaultReplayWindow + 2*time.Minute)
			if res, err := v.VerifyPresentation(ctx, pres, requestOpts); err == nil {
				t.Fatalf("replayed presentation verified again after %s (verified %v)", vc.DefaultReplayWindow+2*time.Minute, res.Verified)
			}
		})
	}
}

// A presentation's own expiry must not pin its replay entry: presentations signed
// by throwaway DIDs with a one-day expiry are forgotten after the replay window, so
// they cannot keep a full store refusing honest presentations.
func TestNonceStoreFloodExpires(t *testing.T) {
	f := newPresentFixture(t)
	ctx := context.Background()
	clock := time.Now()
	v := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return clock }, NonceStore: vc.NewMemoryNonceStore(2, func() time.Time { return clock })})
	for i := range 2 {
		junk := seededKey(t, did.KeyEd25519, byte(20+i))
		pres := f.present(t, vc.FormatVPJWT, junk, vc.PresentOptions{Expires: clock.Add(vc.MaxReplayHold)})
		if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
			t.Fatalf("flood %d: %v", i, err)
		}
	}
	clock = clock.Add(time.Hour)
	pres := f.present(t, vc.FormatVPJWT, f.holder, vc.PresentOptions{}, f.vcJWT)
	if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
		t.Fatalf("honest presentation an hour later: %v", err)
	}
}
