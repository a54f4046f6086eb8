package door

import (
	"context"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

// DataIntegrity is a [PresentationVerifier] for JSON-LD presentations secured
// with a Data Integrity proof of purpose authentication (challenge and domain
// required), verified with vc.Verifier.VerifyPresentation. Each embedded
// credential (Data Integrity, or an enveloped vc+jwt or SD-JWT) is verified by the
// same vc.Verifier, and its status checked with Status.
type DataIntegrity struct {
	verifier *vc.Verifier
	status   StatusChecker
	now      func() time.Time
}

// NewDataIntegrity returns a Data Integrity presentation verifier that resolves
// DIDs with r (offline: pinned documents, did:key, did:jwk) and checks status
// with status (nil skips it). now nil means time.Now.
func NewDataIntegrity(r did.Resolver, status StatusChecker, now func() time.Time) *DataIntegrity {
	if now == nil {
		now = time.Now
	}
	return &DataIntegrity{
		// The door checks status itself and redeems its own challenges.
		verifier: vc.NewVerifier(vc.VerifierConfig{Resolver: r, Now: now, IgnoreStatus: true, DisableReplayCheck: true}),
		status:   status,
		now:      now,
	}
}

// VerifyPresentation implements [PresentationVerifier].
func (v *DataIntegrity) VerifyPresentation(ctx context.Context, raw []byte, req Request) (*Presentation, error) {
	if detectFormat(raw) != FormatDataIntegrity {
		return nil, fmt.Errorf("%w: not a JSON presentation", ErrUnsupported)
	}
	return verifyWithVC(ctx, v.verifier, FormatDataIntegrity, raw, req, v.status, v.now())
}

// applyStatus replaces the status check of a credential's result, when its proof
// and validity passed, with the one status gives at now; nil status leaves it.
func applyStatus(status StatusChecker, r *vc.Result, now time.Time) {
	if r.Credential == nil || status == nil {
		return
	}
	for i, ch := range r.Checks {
		if ch.Name != vc.CheckNameStatus {
			continue
		}
		if ch.Status == vc.Failed || !r.Verified && ch.Status == vc.Skipped && r.Err() != nil {
			return
		}
		nc := status.CheckStatus(r.Credential, now)
		nc.Name = vc.CheckNameStatus
		r.Checks[i] = nc
		r.Verified = false
		_ = r.Finish()
		return
	}
}
