package door

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
)

// DataIntegrity is a [PresentationVerifier] for JSON-LD presentations secured
// with a Data Integrity proof of purpose authentication (challenge and domain
// required). Each embedded credential (Data Integrity, or an enveloped vc+jwt)
// is verified with a vc.Verifier, and its status checked with Status.
type DataIntegrity struct {
	env         *dataintegrity.Env
	credentials *vc.Verifier
	status      StatusChecker
	now         func() time.Time
}

// NewDataIntegrity returns a Data Integrity presentation verifier that resolves
// DIDs with r (offline: pinned documents, did:key, did:jwk) and checks status
// with status (nil skips it). now nil means time.Now.
func NewDataIntegrity(r did.Resolver, status StatusChecker, now func() time.Time) *DataIntegrity {
	if now == nil {
		now = time.Now
	}
	return &DataIntegrity{
		env:         &dataintegrity.Env{Resolver: r, Now: now},
		credentials: vc.NewVerifier(vc.VerifierConfig{Resolver: r, Now: now, IgnoreStatus: true}),
		status:      status,
		now:         now,
	}
}

// VerifyPresentation implements [PresentationVerifier].
func (v *DataIntegrity) VerifyPresentation(ctx context.Context, raw []byte, req Request) (*Presentation, error) {
	p := &Presentation{Format: FormatDataIntegrity}
	vp, err := vc.ParsePresentation(raw)
	if err != nil {
		return nil, err
	}
	rep, err := dataintegrity.Verify(ctx, raw, v.env, dataintegrity.VerifyOptions{
		Purpose: dataintegrity.PurposeAuthentication, Challenge: req.Challenge, Domain: req.Domain})
	credFailed := false
	for i, pc := range vp.Credentials {
		var in []byte
		switch {
		case pc.Credential != nil:
			in = pc.Credential.Raw()
		case pc.Enveloped != nil:
			mt, data, derr := pc.Enveloped.Data()
			if derr != nil || mt != jose.MediaTypeVC {
				r := &vc.Result{}
				r.Record(vc.CheckNameStructure, fmt.Errorf("%w: verifiableCredential[%d]: only enveloped vc+jwt is read", ErrUnsupported, i))
				_ = r.Finish()
				p.Credentials = append(p.Credentials, r)
				credFailed = true
				continue
			}
			in = data
		default:
			in = []byte(pc.Compact)
		}
		r, _ := v.credentials.Verify(ctx, in)
		if r == nil {
			r = &vc.Result{}
			r.Record(vc.CheckNameStructure, vc.ErrMalformed)
		}
		v.checkStatus(r)
		credFailed = credFailed || r.Err() != nil
		p.Credentials = append(p.Credentials, r)
	}
	if err != nil || rep == nil || !rep.OK() {
		if err == nil {
			err = fmt.Errorf("%w: presentation proof", vc.ErrInvalidSignature)
		}
		p.Checks = presentationChecks(err, credFailed, errors.Is(err, dataintegrity.ErrChallenge))
		return p, err
	}
	p.Holder = rep.Controller
	p.Checks = []vc.Check{{Name: CheckHolder, Status: vc.Passed}, {Name: CheckChallenge, Status: vc.Passed}}
	return p, nil
}

// checkStatus replaces the status check of a verified credential's result with
// the door's own.
func (v *DataIntegrity) checkStatus(r *vc.Result) {
	if r.Credential == nil || v.status == nil {
		return
	}
	for i, ch := range r.Checks {
		if ch.Name != vc.CheckNameStatus {
			continue
		}
		if ch.Status == vc.Failed || !r.Verified && ch.Status == vc.Skipped && r.Err() != nil {
			return
		}
		nc := v.status.CheckStatus(r.Credential, v.now())
		nc.Name = vc.CheckNameStatus
		r.Checks[i] = nc
		r.Verified = false
		_ = r.Finish()
		return
	}
}
