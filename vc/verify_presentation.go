package vc

import (
	"bytes"
	"cmp"
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/didkey"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
)

// CheckNameHolder is the check a credential inside a presentation gets after the
// checks of [CheckNames]: the holder binding (the presenter is the credential's
// subject, or the holder policy accepts the presenter).
const CheckNameHolder = "holder"

// PresentationOptions are a verifier's expectations of a presentation.
type PresentationOptions struct {
	// Challenge is the nonce the verifier gave the holder; the presentation must
	// carry it (DI challenge, vp+jwt nonce, KB-JWT nonce). Required: a presentation
	// without a challenge can be replayed.
	Challenge string

	// Domain, if not empty, must be among the presentation's domain values (DI
	// domain, vp+jwt aud, KB-JWT aud): the verifier's own identifier, for example
	// its origin.
	Domain string

	// AcceptHolder, when not nil, is asked about each credential none of whose
	// subjects is the holder, once per subject id ("" for a subject without one),
	// and accepts the credential when it returns true for any; for example a
	// guardian presenting a child's credential. Nil means the holder must be a
	// subject. It must be safe for concurrent use when the Verifier is.
	AcceptHolder func(subject, holder string) bool
}

// PresentationResult is the report of [Verifier.VerifyPresentation] and
// [Verifier.VerifyAny].
type PresentationResult struct {
	// Presentation reports the presentation's own checks, in the order of
	// [CheckNames]: structure; contexts; proof (the holder's signature, with the
	// challenge and domain it is bound to: ErrChallengeMismatch, ErrDomainMismatch);
	// validity (DI created/expires, vp+jwt iat/nbf/exp, KB-JWT iat); status, which for
	// a presentation is the replay check (ErrReplay); and issuer, skipped. Its
	// Presentation field holds the parsed presentation (nil for SD-JWT). It is nil
	// when VerifyAny was given a credential.
	Presentation *Result

	// Credentials holds one Result per credential, in order, each checked like a
	// credential given to Verify and then, inside a presentation, for holder binding
	// ([CheckNameHolder], ErrHolderMismatch).
	Credentials []*Result

	// Verified is true when the presentation and every credential verified.
	Verified bool
}

// VerifyPresentation verifies a presentation, detecting its format: a JSON
// VerifiablePresentation with a Data Integrity proof of purpose authentication, an
// application/vp+jwt token, a VCDM 1.1 JWT presentation (a compact JWS of typ JWT
// whose payload has a "vp" claim, [FormatJWTVP]), or an SD-JWT with a Key Binding
// JWT. In order it checks
//
//   - the structure and contexts, then the holder's proof: a key of the holder's DID
//     listed under authentication (for SD-JWT, the KB-JWT signed by the cnf key and
//     covering the disclosures), bound to opts.Challenge and opts.Domain (the
//     nonce and aud claims of a JWT);
//   - the presentation's validity period and, when VerifierConfig.PresentationMaxAge
//     is set, its age (a KB-JWT's age is always bounded);
//   - that the presentation was not accepted before (the replay check, after the
//     proof so that forgeries cannot use up a challenge; see
//     VerifierConfig.NonceStore);
//   - every credential it carries, embedded or enveloped (vc+jwt, JWT-VC, SD-JWT),
//     as [Verifier.Verify] does, and that the holder is its subject (for an SD-JWT,
//     the holder of its cnf key), unless opts.AcceptHolder accepts the holder.
//
// Credentials are not checked when the holder's proof failed. With
// VerifierConfig.ProofOnly only the structure, contexts and signatures are checked:
// the validity, replay and holder checks are skipped.
//
// The PresentationResult and its Presentation are never nil. The error is nil exactly
// when everything verified; otherwise it joins the *[VerificationError] of the
// presentation and of each failed credential, so errors.Is finds every kind.
func (v *Verifier) VerifyPresentation(ctx context.Context, raw []byte, opts PresentationOptions) (*PresentationResult, error) {
	r := &Result{ProofOnly: v.cfg.ProofOnly, Checks: make([]Check, 0, len(CheckNames))}
	out := &PresentationResult{Presentation: r}
	t := bytes.TrimSpace(raw)
	switch {
	case len(raw) > v.maxBytes:
		v.fail(r, fmt.Errorf("%w: presentation of %d bytes exceeds the limit of %d", ErrMalformed, len(raw), v.maxBytes))
	case opts.Challenge == "":
		v.fail(r, fmt.Errorf("%w: no challenge expected: presentations must be verified against a challenge", ErrMalformed))
	case len(t) > 0 && t[0] == '{':
		r.Format = FormatDataIntegrity
		v.verifyDIPresentation(ctx, out, raw, opts)
	case isCompact(t) && bytes.IndexByte(t, '~') >= 0:
		r.Format = FormatSDJWT
		v.verifySDJWTPresentation(ctx, out, string(t), opts)
	case isCompact(t) && isJWTVP(t):
		r.Format = FormatJWTVP
		v.verifyJWTPresentation(ctx, out, string(t), opts, true)
	case isCompact(t):
		r.Format = FormatVPJWT
		v.verifyJWTPresentation(ctx, out, string(t), opts, false)
	default:
		v.fail(r, fmt.Errorf("%w: input is neither a JSON presentation, a vp+jwt, a VCDM 1.1 JWT presentation nor an SD-JWT with key binding", ErrMalformed))
	}
	return out.finish()
}

// VerifyAny verifies a credential or a presentation in any supported format, detected
// from raw (see [IsPresentation]). A presentation is verified with opts like
// [Verifier.VerifyPresentation]. A credential is verified like [Verifier.Verify]: its
// Result is the only item of Credentials, Presentation is nil and opts is not used.
func (v *Verifier) VerifyAny(ctx context.Context, raw []byte, opts PresentationOptions) (*PresentationResult, error) {
	if len(raw) <= v.maxBytes && IsPresentation(raw) {
		return v.VerifyPresentation(ctx, raw, opts)
	}
	r, err := v.Verify(ctx, raw)
	return &PresentationResult{Credentials: []*Result{r}, Verified: r.Verified}, err
}

// IsPresentation reports whether raw looks like a presentation rather than a
// credential: a JSON object whose type includes VerifiablePresentation, a compact JWS
// of typ vp+jwt, a compact JWS of typ JWT (or none) whose payload has a "vp" claim,
// or an SD-JWT that ends with a Key Binding JWT. Nothing is verified.
func IsPresentation(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) > 0 && t[0] == '{':
		ms, ok, err := splitObject(t)
		if err != nil || !ok {
			return false
		}
		for _, m := range ms {
			if m.key == "type" {
				types, err := decodeStrings("type", m.raw)
				return err == nil && slices.Contains(types, TypePresentation)
			}
		}
		return false
	case !isCompact(t):
		return false
	case bytes.IndexByte(t, '~') >= 0:
		return t[len(t)-1] != '~'
	}
	h, err := jose.Peek(string(t))
	if err != nil {
		return false
	}
	typ := strings.TrimPrefix(strings.ToLower(h.Typ), "application/")
	return typ == jose.TypVP || isJWTVP(t)
}

// isJWTVP reports whether the compact JWS t looks like a VCDM 1.1 JWT presentation:
// typ JWT or none, and a payload object with a "vp" object. Nothing is verified.
func isJWTVP(t []byte) bool {
	h, err := jose.Peek(string(t))
	if err != nil || (h.Typ != "" && !strings.EqualFold(h.Typ, "JWT")) {
		return false
	}
	_, rest, _ := bytes.Cut(t, []byte("."))
	seg, _, ok := bytes.Cut(rest, []byte("."))
	if !ok {
		return false
	}
	payload, err := ijose.DecodeSegment(string(seg))
	if err != nil || !bytes.Contains(payload, []byte(`"vp"`)) {
		return false
	}
	var p struct {
		VP json.RawMessage `json:"vp"`
	}
	return json.Unmarshal(payload, &p) == nil && len(p.VP) > 0 && p.VP[0] == '{'
}

// finish sets Verified and joins the errors.
func (out *PresentationResult) finish() (*PresentationResult, error) {
	errs := []error{out.Presentation.Finish()}
	out.Verified = out.Presentation.Verified
	for _, c := range out.Credentials {
		errs = append(errs, c.Err())
		out.Verified = out.Verified && c.Verified
	}
	return out, errors.Join(errs...)
}

// binding is what the verified proof of a presentation says, for the checks after it.
type binding struct {
	holder    string         // the holder DID ("" for SD-JWT)
	signer    *did.PublicKey // the key that signed (nil when not known)
	replayID  string         // digest identifying the presentation
	notBefore time.Time      // created / iat (zero when absent)
	notAfter  time.Time      // expires / exp (zero when absent)
}

func (v *Verifier) verifyDIPresentation(ctx context.Context, out *PresentationResult, raw []byte, opts PresentationOptions) {
	r := out.Presentation
	p, err := v.parser.ParsePresentation(raw)
	if err == nil && len(p.Credentials) > MaxPresentedCredentials {
		err = fmt.Errorf("%w: %d credentials, limit %d", ErrMalformed, len(p.Credentials), MaxPresentedCredentials)
	}
	if err != nil {
		v.fail(r, err)
		return
	}
	r.Presentation = p
	r.Record(CheckNameStructure, nil)
	if err := v.checkContexts(p.ContextURLs()); err != nil {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return
	}
	vopts := dataintegrity.VerifyOptions{Purpose: dataintegrity.PurposeAuthentication, ProofOnly: v.cfg.ProofOnly}
	var rep *dataintegrity.Report
	if !v.cfg.ProofOnly && p.Holder.ID == "" {
		err = fmt.Errorf("%w: presentation without holder", ErrKeyNotAuthorized)
	} else {
		vopts.Controller = p.Holder.ID
		rep, err = dataintegrity.Verify(ctx, raw, v.env, vopts)
	}
	if err != nil && !isJSONLDError(err) && ctx.Err() == nil {
		if _, xerr := v.proc.ToRDF(ctx, raw); xerr != nil {
			err = contextError(xerr)
		}
	}
	if err != nil && isJSONLDError(err) {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return
	}
	r.Record(CheckNameContexts, nil)
	var b binding
	if err == nil {
		b, err = diBinding(p, rep, opts)
	}
	r.Record(CheckNameProof, err)
	if err != nil {
		v.skipRest(r, CheckNameProof, errBlocked)
		return
	}
	v.presentationChecks(ctx, r, b, nil)
	for _, pc := range p.Credentials {
		cr := v.verifyPresented(ctx, pc)
		v.checkHolder(cr, pc, b, opts)
		out.Credentials = append(out.Credentials, cr)
	}
}

// diBinding checks the challenge and domain of every proof of a verified DI
// presentation and returns its binding.
func diBinding(p *Presentation, rep *dataintegrity.Report, opts PresentationOptions) (binding, error) {
	type proofBinding struct {
		Challenge  *string         `json:"challenge"`
		Domain     json.RawMessage `json:"domain"`
		ProofValue string          `json:"proofValue"`
	}
	var proofs []proofBinding
	if bytes.HasPrefix(bytes.TrimSpace(p.Proof), []byte("[")) {
		if err := json.Unmarshal(p.Proof, &proofs); err != nil {
			return binding{}, fmt.Errorf("%w: proof: %w", ErrMalformed, err)
		}
	} else {
		proofs = make([]proofBinding, 1)
		if err := json.Unmarshal(p.Proof, &proofs[0]); err != nil {
			return binding{}, fmt.Errorf("%w: proof: %w", ErrMalformed, err)
		}
	}
	if rep == nil || len(rep.Proofs) != len(proofs) {
		return binding{}, fmt.Errorf("%w: proof count", ErrMalformed)
	}
	b := binding{holder: p.Holder.ID}
	ids := make([]string, 0, len(proofs)) // a proof set is unordered: sorted below
	for i, pr := range proofs {
		if pr.Challenge == nil || !equalSecret(*pr.Challenge, opts.Challenge) {
			return binding{}, fmt.Errorf("%w: %w: proof %d", ErrChallengeMismatch, dataintegrity.ErrChallenge, i)
		}
		domains, ok := stringOrList(pr.Domain)
		if !ok {
			return binding{}, fmt.Errorf("%w: proof %d: domain is neither a string nor a list of strings", ErrMalformed, i)
		}
		if opts.Domain != "" && !slices.Contains(domains, opts.Domain) {
			return binding{}, fmt.Errorf("%w: %w: proof %d", ErrDomainMismatch, dataintegrity.ErrChallenge, i)
		}
		res := rep.Proofs[i]
		if b.signer == nil {
			b.signer = res.Key
		}
		if !res.Created.IsZero() && (b.notBefore.IsZero() || res.Created.Before(b.notBefore)) {
			b.notBefore = res.Created
		}
		if !res.Expires.IsZero() && (b.notAfter.IsZero() || res.Expires.Before(b.notAfter)) {
			b.notAfter = res.Expires
		}
		ids = append(ids, fmt.Sprintf("%s\x00%x\x00", res.VerificationMethod, signatureID(pr.ProofValue, res.Key)))
	}
	slices.Sort(ids)
	h := sha256.New()
	h.Write([]byte("di\x00" + p.Holder.ID + "\x00"))
	for _, id := range ids {
		h.Write([]byte(id))
	}
	b.replayID = base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	return b, nil
}

// signatureID returns the signature of a proofValue in a form that does not change
// under ECDSA signature malleability (s and n-s both verify): low s.
func signatureID(proofValue string, key *did.PublicKey) []byte {
	_, sig, err := multi.Decode(proofValue, 1<<12)
	if err != nil {
		return []byte(proofValue)
	}
	var n *big.Int
	if key != nil {
		switch key.Type() {
		case did.KeyP256:
			n = elliptic.P256().Params().N
		case did.KeyP384:
			n = elliptic.P384().Params().N
		}
	}
	if n == nil || len(sig)%2 != 0 {
		return sig
	}
	half := len(sig) / 2
	sv := new(big.Int).SetBytes(sig[half:])
	if sv.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		sv.Sub(n, sv)
	}
	out := append([]byte(nil), sig[:half]...)
	return append(out, sv.FillBytes(make([]byte, half))...)
}

func equalSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// stringOrList decodes an absent value, a string or an array of strings.
func stringOrList(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many, true
	}
	return nil, false
}

// presentationChecks records the validity, replay (status) and issuer checks of a
// presentation whose proof verified. validityErr, when not nil, is a validity failure
// found earlier.
func (v *Verifier) presentationChecks(ctx context.Context, r *Result, b binding, validityErr error) {
	if v.cfg.ProofOnly {
		r.Skip(CheckNameValidity, nil)
		r.Skip(CheckNameStatus, nil)
		r.Skip(CheckNameIssuer, nil)
		return
	}
	now := v.now()
	skew := v.skew()
	if validityErr == nil {
		validityErr = v.checkAge(now, skew, b.notBefore, b.notAfter)
	}
	r.Record(CheckNameValidity, validityErr)
	switch {
	case v.cfg.DisableReplayCheck || v.cfg.NonceStore == nil:
		r.Skip(CheckNameStatus, nil)
	case validityErr != nil:
		r.Skip(CheckNameStatus, errBlocked)
	default:
		// Remember the presentation for as long as the age check would still let it
		// through, and no longer: its own expiry is the presenter's choice and must
		// not let anyone pin entries in the store.
		until := now.Add(v.replayWindow())
		if maxAge := v.maxAge(); maxAge > 0 {
			until = b.notBefore.Add(maxAge + skew)
		}
		if hold := now.Add(MaxReplayHold); until.After(hold) {
			until = hold
		}
		if floor := now.Add(v.replayWindow()); until.Before(floor) {
			until = floor
		}
		r.Record(CheckNameStatus, v.cfg.NonceStore.Use(ctx, b.replayID, until))
	}
	r.Skip(CheckNameIssuer, nil)
}

func (v *Verifier) replayWindow() time.Duration {
	if v.cfg.ReplayWindow > 0 {
		return v.cfg.ReplayWindow
	}
	return DefaultReplayWindow
}

// maxAge is how old a presentation may be (PresentationMaxAge); 0 means unbounded.
// Without a bound the replay store remembers a presentation for ReplayWindow only,
// so a challenge that a caller hands out more than once (rather than redeeming it,
// as the door and the VC-API server do) protects against replays for that long.
func (v *Verifier) maxAge() time.Duration { return max(v.cfg.PresentationMaxAge, 0) }

// checkAge checks a presentation's creation time and expiry: expiry always, the
// creation time only when PresentationMaxAge is set.
func (v *Verifier) checkAge(now time.Time, skew time.Duration, created, expires time.Time) error {
	if !expires.IsZero() && !now.Before(expires.Add(skew)) {
		return &ValidityError{Field: "presentation expiry", Bound: expires, Now: now, Skew: skew, Err: ErrExpired}
	}
	maxAge := v.maxAge()
	if maxAge <= 0 {
		return nil
	}
	switch {
	case created.IsZero():
		return fmt.Errorf("%w: presentation has no creation time to bound its age", ErrExpired)
	case now.Add(skew).Before(created):
		return &ValidityError{Field: "presentation created", Bound: created, Now: now, Skew: skew, Err: ErrNotYetValid}
	case now.Sub(created) > maxAge+skew:
		return &ValidityError{Field: "presentation created + max age", Bound: created.Add(maxAge), Now: now, Skew: skew, Err: ErrExpired}
	}
	return nil
}

// verifyPresented verifies one credential of a DI or vp+jwt presentation.
func (v *Verifier) verifyPresented(ctx context.Context, pc PresentedCredential) *Result {
	var r *Result
	switch {
	case pc.Credential != nil:
		r, _ = v.Verify(ctx, pc.Credential.Raw())
	case pc.Enveloped != nil:
		_, data, err := pc.Enveloped.Data()
		if err != nil {
			r = &Result{}
			v.fail(r, err)
		} else {
			r, _ = v.Verify(ctx, data)
		}
	default:
		r, _ = v.Verify(ctx, []byte(pc.Compact))
	}
	return r
}

// checkHolder records the holder check of a credential of a DI or vp+jwt presentation.
func (v *Verifier) checkHolder(cr *Result, pc PresentedCredential, b binding, opts PresentationOptions) {
	defer cr.Finish()
	if v.cfg.ProofOnly {
		cr.Skip(CheckNameHolder, nil)
		return
	}
	if c, ok := cr.Check(CheckNameProof); !ok || c.Status != Passed {
		cr.Skip(CheckNameHolder, errBlocked)
		return
	}
	var subjects []string
	if cr.Format == FormatSDJWT && pc.Enveloped != nil {
		// An SD-JWT names its holder by cnf (a key or a DID URL), which binds it
		// even when its subject id is not disclosed.
		_, data, _ := pc.Enveloped.Data()
		if cnfBinds(string(data), b) {
			cr.Record(CheckNameHolder, nil)
			return
		}
		if cr.Credential == nil {
			subjects = []string{sdSubject(string(data))}
		}
	}
	if cr.Credential != nil {
		for _, s := range cr.Credential.Subjects {
			subjects = append(subjects, s.ID)
		}
	}
	cr.Record(CheckNameHolder, holderAccepted(subjects, b.holder, opts))
}

// holderAccepted decides the holder binding of a credential with subject ids subjects.
func holderAccepted(subjects []string, holder string, opts PresentationOptions) error {
	if len(subjects) == 0 {
		subjects = []string{""}
	}
	if holder != "" && slices.Contains(subjects, holder) {
		return nil
	}
	if opts.AcceptHolder != nil {
		for _, s := range subjects {
			if opts.AcceptHolder(s, holder) {
				return nil
			}
		}
	}
	if len(subjects) == 1 && subjects[0] == "" {
		return fmt.Errorf("%w: the credential names no subject and %q may not present it", ErrHolderMismatch, holder)
	}
	return fmt.Errorf("%w: credential subject %q is not the holder %q", ErrHolderMismatch, subjects[0], holder)
}

// cnfBinds reports whether the cnf claim of an SD-JWT names the key that signed the
// presentation, or a verification method of its holder.
func cnfBinds(token string, b binding) bool {
	payload := sdPayload(token)
	cnf, ok := payload["cnf"].(map[string]any)
	if !ok {
		return false
	}
	if m, ok := cnf["jwk"].(map[string]any); ok && b.signer != nil {
		j, _ := json.Marshal(m)
		if pk, err := did.ParsePublicJWK(j); err == nil && pk.Equal(b.signer) {
			return true
		}
	}
	if kid, ok := cnf["kid"].(string); ok && b.holder != "" {
		if u, err := did.ParseURL(kid); err == nil && u.DID.String() == b.holder {
			return true
		}
	}
	return false
}

// sdSubject returns the "sub" claim of an SD-JWT ("" when absent or disclosable).
func sdSubject(token string) string {
	sub, _ := sdPayload(token)["sub"].(string)
	return sub
}

// sdPayload decodes the issuer-signed payload of an SD-JWT, already verified (nil
// when it does not decode).
func sdPayload(token string) map[string]any {
	jwt, _, _ := strings.Cut(token, "~")
	m, _ := jwtPayload(jwt)
	return m
}

// verifyJWTPresentation verifies an application/vp+jwt presentation or, when legacy
// is set, a VCDM 1.1 JWT presentation (the "vp" claim).
func (v *Verifier) verifyJWTPresentation(ctx context.Context, out *PresentationResult, token string, opts PresentationOptions, legacy bool) {
	r := out.Presentation
	var signer *did.PublicKey
	var keyErr error
	keyFunc := func(ctx context.Context, subject, kid string) (any, error) {
		var pk *did.PublicKey
		switch {
		case v.cfg.ProofOnly:
			k, err := v.anyMethodKey(ctx, subject, kid)
			if err != nil {
				keyErr = err
				return nil, err
			}
			pk, _ = k.(*did.PublicKey)
		case subject == "":
			keyErr = fmt.Errorf("%w: presentation without holder", ErrKeyNotAuthorized)
			return nil, keyErr
		default:
			var err error
			if pk, err = didkey.Resolve(ctx, v.resolver, subject, kid, did.Authentication); err != nil {
				keyErr = err
				return nil, err
			}
		}
		signer = pk
		return pk, nil
	}
	jopts := &jose.VerifyOptions{
		KeyFunc:  keyFunc,
		Skew:     farSkew, // the presentation's times are checked below
		MaxBytes: v.maxBytes,
		// Each enveloped credential is verified below, with its own report.
		SkipCredentials: true,
	}
	call := jose.VerifyPresentation
	if legacy {
		call = jose.VerifyJWTVP
	}
	verified, err := call(ctx, token, jopts)
	if err != nil {
		if keyErr != nil {
			err = keyErr
		}
		if structural(err) {
			v.fail(r, err)
			return
		}
		r.Record(CheckNameStructure, nil)
		r.Skip(CheckNameContexts, nil)
		r.Record(CheckNameProof, err)
		v.skipRest(r, CheckNameProof, errBlocked)
		return
	}
	// The signature verified: read the presentation (for vp+jwt the payload, for a
	// JWT presentation the "vp" claim with holder and id filled from iss and jti).
	parts := strings.SplitN(token, ".", 3)
	payload := []byte(verified.Payload)
	p, err := v.parser.ParsePresentation(verified.Document)
	if err == nil && len(p.Credentials) > MaxPresentedCredentials {
		err = fmt.Errorf("%w: %d credentials, limit %d", ErrMalformed, len(p.Credentials), MaxPresentedCredentials)
	}
	if err != nil {
		v.fail(r, err)
		return
	}
	r.Presentation = p
	r.Record(CheckNameStructure, nil)
	if err := v.checkContexts(p.ContextURLs()); err != nil {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return
	}
	r.Record(CheckNameContexts, nil)
	var claims struct {
		Iss   string          `json:"iss"`
		Nonce *string         `json:"nonce"`
		Aud   json.RawMessage `json:"aud"`
		Iat   json.RawMessage `json:"iat"`
		Nbf   json.RawMessage `json:"nbf"`
		Exp   json.RawMessage `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		r.Record(CheckNameProof, fmt.Errorf("%w: claims: %w", ErrMalformed, err))
		v.skipRest(r, CheckNameProof, errBlocked)
		return
	}
	b := binding{holder: cmp.Or(p.Holder.ID, claims.Iss), signer: signer}
	sum := sha256.Sum256([]byte("jwt\x00" + parts[0] + "." + parts[1]))
	b.replayID = base64.RawURLEncoding.EncodeToString(sum[:])
	audience, audOK := stringOrList(claims.Aud)
	switch {
	case claims.Nonce == nil || !equalSecret(*claims.Nonce, opts.Challenge):
		err = fmt.Errorf("%w: nonce", ErrChallengeMismatch)
	case !audOK:
		err = fmt.Errorf("%w: aud is neither a string nor a list of strings", ErrMalformed)
	case opts.Domain != "" && !slices.Contains(audience, opts.Domain):
		err = fmt.Errorf("%w: aud", ErrDomainMismatch)
	}
	r.Record(CheckNameProof, err)
	if err != nil {
		v.skipRest(r, CheckNameProof, errBlocked)
		return
	}
	var validityErr error
	iat, err1 := numericDate("iat", claims.Iat)
	nbf, err2 := numericDate("nbf", claims.Nbf)
	exp, err3 := numericDate("exp", claims.Exp)
	if validityErr = errors.Join(err1, err2, err3); validityErr == nil && !nbf.IsZero() {
		if now := v.now(); now.Add(v.skew()).Before(nbf) {
			validityErr = &ValidityError{Field: "nbf", Bound: nbf, Now: now, Skew: v.skew(), Err: ErrNotYetValid}
		}
	}
	b.notBefore, b.notAfter = iat, exp
	v.presentationChecks(ctx, r, b, validityErr)
	for _, pc := range p.Credentials {
		cr := v.verifyPresented(ctx, pc)
		v.checkHolder(cr, pc, b, opts)
		out.Credentials = append(out.Credentials, cr)
	}
}

// numericDate decodes an optional JWT NumericDate (zero when absent).
func numericDate(name string, raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, fmt.Errorf("%w: %s is not a NumericDate", ErrMalformed, name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), nil
}

func (v *Verifier) verifySDJWTPresentation(ctx context.Context, out *PresentationResult, token string, opts PresentationOptions) {
	r := out.Presentation
	sd, err := sdjwt.Parse(token, nil)
	if err == nil && sd.KBJWT == "" {
		err = fmt.Errorf("%w: an SD-JWT without a key binding JWT is a credential, not a presentation", ErrMalformed)
	}
	if err != nil {
		v.fail(r, err)
		return
	}
	// The credential is the SD-JWT without its KB-JWT; the KB-JWT is the holder's
	// proof, checked here once the credential verified.
	presented := token[:len(token)-len(sd.KBJWT)]
	cr, _ := v.Verify(ctx, []byte(presented))
	out.Credentials = []*Result{cr}
	r.Record(CheckNameStructure, nil)
	r.Skip(CheckNameContexts, nil)
	if c, ok := cr.Check(CheckNameProof); !ok || c.Status != Passed {
		v.skipRest(r, CheckNameContexts, errBlocked)
		cr.Skip(CheckNameHolder, errBlocked)
		cr.Finish()
		return
	}
	kb, err := v.verifyKeyBinding(ctx, presented, sd)
	if err == nil {
		err = kbBinding(kb, opts)
	}
	r.Record(CheckNameProof, err)
	if err != nil {
		v.skipRest(r, CheckNameProof, errBlocked)
		cr.Skip(CheckNameHolder, errBlocked)
		cr.Finish()
		return
	}
	parts := strings.SplitN(sd.KBJWT, ".", 3)
	sum := sha256.Sum256([]byte("kb\x00" + parts[0] + "." + parts[1]))
	b := binding{replayID: base64.RawURLEncoding.EncodeToString(sum[:])}
	var validityErr error
	if b.notBefore, validityErr = kbIssuedAt(kb); validityErr == nil {
		maxAge := v.cfg.PresentationMaxAge
		if maxAge <= 0 {
			maxAge = sdjwt.DefaultKBMaxAge
		}
		b.notAfter = b.notBefore.Add(maxAge)
		now, skew := v.now(), v.skew()
		switch {
		case now.Add(skew).Before(b.notBefore):
			validityErr = &ValidityError{Field: "KB-JWT iat", Bound: b.notBefore, Now: now, Skew: skew, Err: ErrNotYetValid}
		case now.Sub(b.notBefore) > maxAge+skew:
			validityErr = &ValidityError{Field: "KB-JWT iat + max age", Bound: b.notAfter, Now: now, Skew: skew, Err: ErrExpired}
		}
	}
	v.presentationChecks(ctx, r, b, validityErr)
	// The KB-JWT verified with the cnf key: the presenter holds the credential's key.
	if v.cfg.ProofOnly {
		cr.Skip(CheckNameHolder, nil)
	} else {
		cr.Record(CheckNameHolder, nil)
	}
	cr.Finish()
}

// verifyKeyBinding verifies the KB-JWT of a presented SD-JWT (RFC 9901 section 7.3):
// typ kb+jwt, signed by the key the issuer put in cnf (a JWK, or a DID URL listed
// under authentication), and sd_hash over presented, the SD-JWT as presented without
// the KB-JWT. It returns the KB-JWT's claims.
func (v *Verifier) verifyKeyBinding(ctx context.Context, presented string, sd *sdjwt.SDJWT) (map[string]any, error) {
	payload, err := jwtPayload(sd.JWT)
	if err != nil {
		return nil, err
	}
	cnf, _ := payload["cnf"].(map[string]any)
	var holder crypto.PublicKey
	switch {
	case cnf["jwk"] != nil:
		m, ok := cnf["jwk"].(map[string]any)
		if !ok || m["d"] != nil {
			return nil, fmt.Errorf("%w: cnf.jwk is not a public JWK", ErrMalformed)
		}
		k, err := ijose.JWKFromMap(m)
		if err == nil {
			holder, err = ijose.PublicKeyOf(k)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: cnf.jwk: %w", ErrUnsupportedSuite, err)
		}
	case cnf["kid"] != nil:
		kid, _ := cnf["kid"].(string)
		_, pk, err := did.ResolveVerificationMethod(ctx, v.resolver, kid, did.Authentication)
		if err != nil {
			if errors.Is(err, did.ErrNotAuthorized) {
				return nil, fmt.Errorf("%w: cnf.kid: %w", ErrKeyNotAuthorized, err)
			}
			return nil, fmt.Errorf("%w: cnf.kid: %w", ErrUnresolvableDID, err)
		}
		holder = pk.CryptoPublicKey()
	default:
		return nil, fmt.Errorf("%w: the credential has no cnf key to bind a holder to", ErrHolderMismatch)
	}
	kb, err := ijose.Parse(sd.KBJWT, &ijose.Options{MaxTokenBytes: v.maxBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: KB-JWT: %w", ErrMalformed, err)
	}
	if kb.Header.Typ != sdjwt.TypeKB {
		return nil, fmt.Errorf("%w: KB-JWT typ %q", ErrMalformed, kb.Header.Typ)
	}
	if err := kb.Verify(holder); err != nil {
		if errors.Is(err, ijose.ErrUnsupportedAlg) || errors.Is(err, ijose.ErrUnsupportedKey) {
			return nil, fmt.Errorf("%w: KB-JWT: %w", ErrUnsupportedSuite, err)
		}
		return nil, fmt.Errorf("%w: KB-JWT: %w", ErrInvalidSignature, err)
	}
	claims, err := jwtPayload(sd.KBJWT)
	if err != nil {
		return nil, err
	}
	alg, _ := payload["_sd_alg"].(string)
	h, err := sdHash(alg)
	if err != nil {
		return nil, err
	}
	h.Write([]byte(presented))
	got, _ := claims["sd_hash"].(string)
	if !equalSecret(got, base64.RawURLEncoding.EncodeToString(h.Sum(nil))) {
		return nil, fmt.Errorf("%w: KB-JWT sd_hash does not cover the presented disclosures", ErrInvalidSignature)
	}
	return claims, nil
}

// sdHash returns the hash of an "_sd_alg" ("" means sha-256).
func sdHash(alg string) (hash.Hash, error) {
	switch alg {
	case "", "sha-256":
		return sha256.New(), nil
	case "sha-384":
		return sha512.New384(), nil
	case "sha-512":
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("%w: _sd_alg %q", ErrUnsupportedSuite, alg)
}

// kbIssuedAt returns the KB-JWT's iat, which is required.
func kbIssuedAt(kb map[string]any) (time.Time, error) {
	n, ok := kb["iat"].(json.Number)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: KB-JWT without a numeric iat", ErrMalformed)
	}
	t, err := numericDate("iat", json.RawMessage(n.String()))
	if err == nil && t.IsZero() {
		err = fmt.Errorf("%w: KB-JWT iat", ErrMalformed)
	}
	return t, err
}

// kbBinding checks the nonce and aud of a verified KB-JWT.
func kbBinding(kb map[string]any, opts PresentationOptions) error {
	nonce, _ := kb["nonce"].(string)
	if !equalSecret(nonce, opts.Challenge) {
		return fmt.Errorf("%w: KB-JWT nonce", ErrChallengeMismatch)
	}
	if aud, _ := kb["aud"].(string); opts.Domain != "" && aud != opts.Domain {
		return fmt.Errorf("%w: KB-JWT aud", ErrDomainMismatch)
	}
	return nil
}
