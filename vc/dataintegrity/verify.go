package dataintegrity

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/vcerr"
)

// Verify verifies every proof of the secured document doc (a proof set; all must
// verify) and returns a Report with one ProofResult per proof.
//
// For each proof it checks, in order: the proof's members and their types; the
// cryptosuite (vcerr.ErrUnsupportedSuite for unknown ones); the purpose against
// opts.Purpose (ErrPurpose); expiry against env's clock (ErrProofExpired); challenge
// and domain (ErrChallenge); previousProof references (ErrPreviousProof); the key,
// resolved through env and listed under the purpose's relationship in its DID
// document (vcerr.ErrUnresolvableDID, vcerr.ErrKeyNotAuthorized) and of a type that
// fits the suite; the signature over the canonical proof configuration and document
// (vcerr.ErrInvalidSignature; contexts: vcerr.ErrUnknownContext, vcerr.ErrMalformed);
// and, unless opts.ProofOnly, that the key belongs to opts.Controller
// (vcerr.ErrKeyNotAuthorized).
//
// The error is nil exactly when the document has at least one proof and all of them
// verified. Otherwise it joins the failures (each a *ProofError), so errors.Is finds
// every kind and vcerr.Code gives the first failure's code. A document without a
// proof gives ErrNoProof; a document that is not strict JSON (duplicate member names,
// too large, too deep) gives vcerr.ErrMalformed, with a nil Report.
func Verify(ctx context.Context, doc []byte, env *Env, opts VerifyOptions) (*Report, error) {
	d, err := ParseDocument(doc, DocumentLimits{})
	if err != nil {
		return nil, err
	}
	return VerifyDocument(ctx, d, env, opts)
}

// VerifyDocument is [Verify] for a document already parsed with [ParseDocument]. A
// nil doc gives vcerr.ErrMalformed.
func VerifyDocument(ctx context.Context, doc *Document, env *Env, opts VerifyOptions) (*Report, error) {
	if doc == nil || doc.m == nil {
		return nil, fmt.Errorf("%w: no document", vcerr.ErrMalformed)
	}
	env = env.env()
	m := doc.m
	raws, err := proofList(m)
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, ErrNoProof
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = PurposeAssertionMethod
	}
	rep := &Report{Proofs: make([]ProofResult, len(raws))}
	controller := ""
	var ctlErr error
	if !opts.ProofOnly {
		rep.ControllerChecked = true
		controller = opts.Controller
		if controller == "" {
			controller = defaultController(m)
		}
		if controller == "" {
			ctlErr = fmt.Errorf("%w: no controller: the document has no issuer or holder", vcerr.ErrKeyNotAuthorized)
		}
		rep.Controller = controller
	}

	// Parse all proofs first: previousProof references need the ids.
	parsed := make([]*proof, len(raws))
	ids := make(map[string]int, len(raws))
	for i, r := range raws {
		p, perr := parseProof(r)
		parsed[i] = p
		res := &rep.Proofs[i]
		res.Index = i
		res.Type, res.Cryptosuite, res.VerificationMethod, res.Purpose = p.typ, p.cryptosuite, p.vm, p.purpose
		if p.typ == Ed25519Signature2020 {
			res.Cryptosuite = Ed25519Signature2020
		}
		res.Created, res.Expires, res.ID, res.PreviousProof = p.created, p.expires, p.id, p.previousProof
		if perr != nil {
			res.Err = perr
			continue
		}
		if p.id != "" {
			if _, dup := ids[p.id]; dup {
				res.Err = fmt.Errorf("%w: two proofs have the same id", vcerr.ErrMalformed)
				continue
			}
			ids[p.id] = i
		}
	}

	// JCS suites do not use JSON-LD for the signature, but the document's contexts
	// are still processed in safe mode: once for the secured document, which contains
	// the proofs. Only the outcome matters, so the dataset is not built (Check).
	var jcsChecked bool
	var jcsErr error
	jcsCheck := func() error {
		if !jcsChecked {
			jcsChecked = true
			if err := env.processor().Check(ctx, m); err != nil {
				jcsErr = fmt.Errorf("document: %w", jsonldError(err))
			}
		}
		return jcsErr
	}

	var errs []error
	for i, p := range parsed {
		res := &rep.Proofs[i]
		if res.Err == nil {
			res.Err = env.verifyProof(ctx, m, raws, ids, p, purpose, &opts, res, jcsCheck)
		}
		if res.Err == nil && ctlErr != nil {
			res.Err = ctlErr
		}
		if res.Err == nil && rep.ControllerChecked {
			rel, _ := relationship(purpose)
			res.Err = env.authorized(ctx, controller, vmDID(p.vm), p.vm, rel)
		}
		if res.Err != nil {
			res.Err = &ProofError{Index: i, Msg: "verification failed", Err: res.Err}
			errs = append(errs, res.Err)
		}
	}
	return rep, errors.Join(errs...)
}

// verifyProof checks one parsed proof (everything but the controller).
func (e *Env) verifyProof(ctx context.Context, doc map[string]any, raws []map[string]any, ids map[string]int, p *proof, purpose string, opts *VerifyOptions, res *ProofResult, jcsCheck func() error) error {
	s, err := suiteFor(p.typ, p.cryptosuite)
	if err != nil {
		return err
	}
	if p.purpose != purpose {
		return fmt.Errorf("%w: proof purpose %q, expected %q", ErrPurpose, clip(p.purpose), clip(purpose))
	}
	rel, ok := relationship(purpose)
	if !ok {
		return fmt.Errorf("%w: unknown proof purpose %q", vcerr.ErrKeyNotAuthorized, clip(purpose))
	}
	now := e.now()
	if !p.expires.IsZero() && !now.Before(p.expires) {
		return ErrProofExpired
	}
	if opts.Challenge != "" && subtle.ConstantTimeCompare([]byte(p.challenge), []byte(opts.Challenge)) != 1 {
		return fmt.Errorf("%w: challenge", ErrChallenge)
	}
	if opts.Domain != "" {
		found := false
		for _, d := range p.domains {
			if d == opts.Domain {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%w: domain", ErrChallenge)
		}
	}
	var previous []any
	if len(p.previousProof) > 0 {
		previous = make([]any, 0, len(p.previousProof))
		for _, id := range p.previousProof {
			j, ok := ids[id]
			if !ok || raws[j]["id"] != id {
				return fmt.Errorf("%w: %q", ErrPreviousProof, clip(id))
			}
			previous = append(previous, raws[j])
		}
	}
	sig, err := p.signature()
	if err != nil {
		return err
	}
	key, _, err := e.methodKey(ctx, p.vm, rel)
	if err != nil {
		return err
	}
	if !s.fits(key.Type()) {
		return fmt.Errorf("%w: %w: %s key for %s", vcerr.ErrInvalidSignature, ErrKeyType, key.Type(), s.name)
	}
	if len(sig) != key.Type().SignatureSize() {
		return fmt.Errorf("%w: proofValue has %d bytes, want %d", vcerr.ErrInvalidSignature, len(sig), key.Type().SignatureSize())
	}
	var data []byte
	if s.rdfc {
		unsecured, config, err := s.inputs(doc, p.raw, previous)
		if err != nil {
			return err
		}
		if data, err = s.hashData(ctx, e.processor(), key.Type(), config, unsecured, true); err != nil {
			return err
		}
	} else {
		docEdits, cfgEdits, err := s.jcsEdits(doc, p.raw, previous)
		if err != nil {
			return err
		}
		if data, err = hashJCSEdits(key.Type(), p.raw, cfgEdits, doc, docEdits); err != nil {
			return err
		}
	}
	if !s.rdfc {
		// A JCS suite signs the JSON, which its contexts must still allow.
		if err := jcsCheck(); err != nil {
			return err
		}
	}
	if err := key.Verify(data, sig); err != nil {
		return fmt.Errorf("%w: %w", vcerr.ErrInvalidSignature, err)
	}
	res.Key = key
	return nil
}

// vmDID returns the DID part of a verification method URL.
func vmDID(vm string) string {
	for i := 0; i < len(vm); i++ {
		if vm[i] == '#' || vm[i] == '?' || vm[i] == '/' {
			return vm[:i]
		}
	}
	return vm
}

// defaultController returns the id of the document's issuer, or of its holder.
func defaultController(doc map[string]any) string {
	for _, name := range []string{"issuer", "holder"} {
		switch v := doc[name].(type) {
		case string:
			return v
		case map[string]any:
			if id, ok := v["id"].(string); ok {
				return id
			}
		}
	}
	return ""
}
