package vc

import (
	"context"
	"errors"
	"fmt"

	"github.com/polity-id/polity/vc/dataintegrity"
)

// PresentationOptions are a verifier's expectations of a presentation's proof.
type PresentationOptions struct {
	// Challenge is the nonce the verifier gave the holder; the proof must carry it.
	// Required: a presentation without a challenge can be replayed.
	Challenge string

	// Domain, if not empty, must be among the proof's domain values (the verifier's
	// own identifier, for example its origin).
	Domain string
}

// PresentationResult is the report of [Verifier.VerifyPresentation].
type PresentationResult struct {
	// Presentation reports the presentation's own checks (structure, contexts and
	// the holder's proof; the validity, status and issuer checks are skipped); its
	// Presentation field holds the parsed presentation.
	Presentation *Result

	// Credentials holds one Result per verifiableCredential item, in order, each
	// checked like a credential given to Verify.
	Credentials []*Result

	// Verified is true when the presentation and every credential verified.
	Verified bool
}

// VerifyPresentation verifies a presentation secured with a Data Integrity proof of
// purpose authentication: its structure and contexts, the proof (challenge, domain,
// and a key of the holder's DID listed under authentication) and then every
// credential it carries, embedded or enveloped (vc+jwt, SD-JWT), as [Verifier.Verify]
// does.
//
// The PresentationResult is never nil. The error is nil exactly when everything
// verified; otherwise it joins the *[VerificationError] of the presentation and of
// each failed credential, so errors.Is finds every kind.
func (v *Verifier) VerifyPresentation(ctx context.Context, raw []byte, opts PresentationOptions) (*PresentationResult, error) {
	r := &Result{Format: FormatDataIntegrity, ProofOnly: v.cfg.ProofOnly, Checks: make([]Check, 0, len(CheckNames))}
	out := &PresentationResult{Presentation: r}
	finish := func() (*PresentationResult, error) {
		errs := []error{r.Finish()}
		out.Verified = r.Verified
		for _, c := range out.Credentials {
			errs = append(errs, c.Err())
			out.Verified = out.Verified && c.Verified
		}
		return out, errors.Join(errs...)
	}
	if len(raw) > v.maxBytes {
		v.fail(r, fmt.Errorf("%w: presentation of %d bytes exceeds the limit of %d", ErrMalformed, len(raw), v.maxBytes))
		return finish()
	}
	if opts.Challenge == "" {
		v.fail(r, fmt.Errorf("%w: no challenge expected: presentations must be verified against a challenge", ErrMalformed))
		return finish()
	}
	p, err := v.parser.ParsePresentation(raw)
	if err != nil {
		v.fail(r, err)
		return finish()
	}
	r.Presentation = p
	r.Record(CheckNameStructure, nil)
	if err := v.checkContexts(p.ContextURLs()); err != nil {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return finish()
	}
	vopts := dataintegrity.VerifyOptions{
		Purpose:   dataintegrity.PurposeAuthentication,
		Challenge: opts.Challenge,
		Domain:    opts.Domain,
		ProofOnly: v.cfg.ProofOnly,
	}
	if !v.cfg.ProofOnly && p.Holder.ID == "" {
		err = fmt.Errorf("%w: presentation without holder", ErrKeyNotAuthorized)
	} else {
		vopts.Controller = p.Holder.ID
		_, err = dataintegrity.Verify(ctx, raw, v.env, vopts)
	}
	if err != nil && !isJSONLDError(err) && ctx.Err() == nil {
		if _, xerr := v.proc.ToRDF(ctx, raw); xerr != nil {
			err = contextError(xerr)
		}
	}
	if err != nil && isJSONLDError(err) {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return finish()
	}
	r.Record(CheckNameContexts, nil)
	r.Record(CheckNameProof, err)
	r.Skip(CheckNameValidity, nil)
	r.Skip(CheckNameStatus, nil)
	r.Skip(CheckNameIssuer, nil)
	if err != nil {
		return finish()
	}
	for i, pc := range p.Credentials {
		var cr *Result
		switch {
		case pc.Credential != nil:
			cr, _ = v.Verify(ctx, pc.Credential.Raw())
		case pc.Enveloped != nil:
			_, data, derr := pc.Enveloped.Data()
			if derr != nil {
				cr = &Result{}
				v.fail(cr, fmt.Errorf("verifiableCredential[%d]: %w", i, derr))
			} else {
				cr, _ = v.Verify(ctx, data)
			}
		default:
			cr, _ = v.Verify(ctx, []byte(pc.Compact))
		}
		out.Credentials = append(out.Credentials, cr)
	}
	return finish()
}
