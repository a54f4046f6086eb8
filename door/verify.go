package door

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/sdjwt"
)

// Presentation formats, for [Presentation.Format].
const (
	FormatVPJWT         = "vp+jwt"         // a VC-JOSE presentation with enveloped vc+jwt credentials
	FormatSDJWT         = "vc+sd-jwt"      // an SD-JWT VC with a Key Binding JWT
	FormatDataIntegrity = "data-integrity" // a JSON-LD presentation with a Data Integrity authentication proof
)

// Names of the presentation-level checks in [Presentation.Checks] and [Outcome.Checks].
const (
	CheckHolder    = "holder"    // the holder's proof of possession over the presentation
	CheckChallenge = "challenge" // the challenge (nonce) and domain (audience) the holder signed
)

// Request is what the door expects a presentation to be bound to.
type Request struct {
	Challenge string // the nonce the holder must have signed; never empty
	Domain    string // the audience (domain) the holder must have signed for: the door's id
}

// Presentation is a verified presentation: the authenticated holder, the
// presentation-level checks, and one verification result per credential.
type Presentation struct {
	Format      string
	Holder      string       // the authenticated holder's DID; "" when not authenticated
	Checks      []vc.Check   // CheckHolder and CheckChallenge
	Credentials []*vc.Result // one per presented credential, in order
}

// PresentationVerifier verifies a presentation for a request. The error is nil
// exactly when the holder's proof and the challenge verified; the credentials'
// own failures are reported in their Results, not as the error. On error the
// Presentation, when non-nil, may still explain which credential failed.
type PresentationVerifier interface {
	VerifyPresentation(ctx context.Context, raw []byte, req Request) (*Presentation, error)
}

// StatusChecker checks the status (revocation, suspension) of a verified
// credential and returns the status check to record: passed, failed with
// vc.ErrRevoked or vc.ErrSuspended, or skipped with the reason.
type StatusChecker interface {
	CheckStatus(c *vc.Credential, now time.Time) vc.Check
}

// Verifier is the door's default [PresentationVerifier]. It verifies vp+jwt
// presentations with vc.Verifier.VerifyPresentation and SD-JWT VCs with key
// binding with package vc/sdjwt, offline against Resolver, and hands Data
// Integrity JSON presentations to DataIntegrity. SD-JWT VCs keep their own path:
// the door maps their claims onto the data model, so that one policy judges
// every format, and names the holder by the DID whose key signed the key binding.
// The fields must not change after the first call.
type Verifier struct {
	// Resolver resolves issuer and holder DIDs, usually pinned documents only.
	Resolver did.Resolver
	// Status checks credential status; nil skips the status check.
	Status StatusChecker
	// DataIntegrity verifies JSON presentations; nil refuses them with
	// vc.ErrUnsupportedSuite.
	DataIntegrity PresentationVerifier
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skew is the clock tolerance; 0 means one minute.
	Skew time.Duration

	once sync.Once
	vc   *vc.Verifier // vp+jwt presentations; built on first use from the fields above
}

// jose returns the vc.Verifier of vp+jwt presentations. It ignores status (the door
// checks it with Status) and replays (the door redeems its own challenges).
func (v *Verifier) jose() *vc.Verifier {
	v.once.Do(func() {
		v.vc = vc.NewVerifier(vc.VerifierConfig{Resolver: v.Resolver, Now: v.now, Skew: v.skew(),
			IgnoreStatus: true, DisableReplayCheck: true})
	})
	return v.vc
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) skew() time.Duration {
	if v.Skew == 0 {
		return time.Minute
	}
	return v.Skew
}

// VerifyPresentation implements [PresentationVerifier].
func (v *Verifier) VerifyPresentation(ctx context.Context, raw []byte, req Request) (*Presentation, error) {
	if req.Challenge == "" || req.Domain == "" {
		return nil, fmt.Errorf("%w: empty challenge or domain", ErrReplay)
	}
	switch detectFormat(raw) {
	case FormatDataIntegrity:
		if v.DataIntegrity == nil {
			return nil, fmt.Errorf("%w: no Data Integrity presentation verifier configured", ErrUnsupported)
		}
		return v.DataIntegrity.VerifyPresentation(ctx, raw, req)
	case FormatSDJWT:
		return v.verifySDJWT(ctx, string(bytes.TrimSpace(raw)), req)
	default:
		return v.verifyVPJWT(ctx, string(bytes.TrimSpace(raw)), req)
	}
}

// detectFormat guesses the format from the first bytes: '{' is JSON, a '~' is an
// SD-JWT, anything else a compact JWS.
func detectFormat(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		return FormatDataIntegrity
	case bytes.IndexByte(raw, '~') >= 0:
		return FormatSDJWT
	}
	return FormatVPJWT
}

// acceptAnyHolder leaves holder binding to the door's policy, which decides per
// credential (policy.Policy.AllowNonHolderSubject).
func acceptAnyHolder(subject, holder string) bool { return true }

// verifyVPJWT verifies a vp+jwt presentation with vc.Verifier.VerifyPresentation:
// the holder's signature, nonce and audience, the presentation's validity, then
// each enveloped credential (proof and validity), whose status the door checks.
func (v *Verifier) verifyVPJWT(ctx context.Context, token string, req Request) (*Presentation, error) {
	return verifyWithVC(ctx, v.jose(), FormatVPJWT, []byte(token), req, v.Status, v.now())
}

// verifyWithVC verifies a Data Integrity or vp+jwt presentation with vc and maps
// the result: the holder's proof and its binding become CheckHolder and
// CheckChallenge, each credential keeps its checks but the holder binding (the
// policy judges it) and gets its status from status at now.
func verifyWithVC(ctx context.Context, v *vc.Verifier, format string, raw []byte, req Request, status StatusChecker, now time.Time) (*Presentation, error) {
	p := &Presentation{Format: format}
	pr, _ := v.VerifyPresentation(ctx, raw, vc.PresentationOptions{
		Challenge: req.Challenge, Domain: req.Domain, AcceptHolder: acceptAnyHolder})
	for _, cr := range pr.Credentials {
		cr.Checks = slices.DeleteFunc(cr.Checks, func(c vc.Check) bool { return c.Name == vc.CheckNameHolder })
		_ = cr.Finish()
		applyStatus(status, cr, now)
		p.Credentials = append(p.Credentials, cr)
	}
	err := pr.Presentation.Err()
	if err == nil && (pr.Presentation.Presentation == nil || pr.Presentation.Presentation.Holder.ID == "") {
		err = fmt.Errorf("%w: presentation without holder", vc.ErrKeyNotAuthorized)
	}
	if err == nil {
		p.Holder = pr.Presentation.Presentation.Holder.ID
		p.Checks = []vc.Check{{Name: CheckHolder, Status: vc.Passed}, {Name: CheckChallenge, Status: vc.Passed}}
		return p, nil
	}
	p.Checks = presentationChecks(err, false, errors.Is(err, vc.ErrChallengeMismatch) || errors.Is(err, vc.ErrDomainMismatch))
	return p, err
}

// presentationChecks reports the holder and challenge checks of a failed
// presentation.
func presentationChecks(err error, credFailed, challenge bool) []vc.Check {
	switch {
	case challenge:
		return []vc.Check{{Name: CheckHolder, Status: vc.Passed}, {Name: CheckChallenge, Status: vc.Failed, Err: err}}
	case credFailed:
		return []vc.Check{{Name: CheckHolder, Status: vc.Skipped, Err: errors.New("a credential failed")}, {Name: CheckChallenge, Status: vc.Skipped}}
	}
	return []vc.Check{{Name: CheckHolder, Status: vc.Failed, Err: err}, {Name: CheckChallenge, Status: vc.Skipped}}
}

// finishResult records the proof, validity, status and issuer checks.
func (v *Verifier) finishResult(r *vc.Result, c *vc.Credential, verr error) {
	now := v.now()
	timeErr := errors.Is(verr, vc.ErrExpired) || errors.Is(verr, vc.ErrNotYetValid)
	switch {
	case verr == nil || timeErr:
		r.Record(vc.CheckNameProof, nil)
	default:
		r.Record(vc.CheckNameProof, verr)
	}
	switch {
	case timeErr:
		r.Record(vc.CheckNameValidity, verr)
	case c == nil || verr != nil:
		r.Skip(vc.CheckNameValidity, nil)
	default:
		r.Record(vc.CheckNameValidity, vc.CheckValidity(c, now, v.skew()))
	}
	switch {
	case c == nil || r.Err() != nil:
		r.Skip(vc.CheckNameStatus, nil)
	case v.Status == nil:
		r.Skip(vc.CheckNameStatus, errors.New("no status lists configured"))
	default:
		ch := v.Status.CheckStatus(c, now)
		ch.Name = vc.CheckNameStatus
		r.Checks = append(r.Checks, ch)
	}
	r.Skip(vc.CheckNameIssuer, errors.New("decided by the door's policy"))
	_ = r.Finish()
}

func (v *Verifier) verifySDJWT(ctx context.Context, token string, req Request) (*Presentation, error) {
	p := &Presentation{Format: FormatSDJWT}
	sv, err := sdjwt.Verify(ctx, token, &sdjwt.VerifyOptions{
		Resolver:   v.Resolver,
		KeyBinding: &sdjwt.KeyBindingPolicy{Required: true, Audience: req.Domain, Nonce: req.Challenge},
		Now:        v.now,
		Skew:       v.skew(),
	})
	if err != nil {
		if errors.Is(err, sdjwt.ErrKeyBinding) {
			p.Checks = presentationChecks(err, false, errors.Is(err, sdjwt.ErrChallenge))
			return p, err
		}
		r := &vc.Result{Format: vc.FormatSDJWT}
		r.Record(vc.CheckNameStructure, nil)
		r.Skip(vc.CheckNameContexts, nil)
		v.finishResult(r, nil, err)
		p.Credentials = []*vc.Result{r}
		p.Checks = presentationChecks(err, true, false)
		return p, err
	}
	c, cerr := credentialFromSDJWT(sv.Claims)
	r := &vc.Result{Format: vc.FormatSDJWT, Credential: c}
	r.Record(vc.CheckNameStructure, cerr)
	r.Skip(vc.CheckNameContexts, errors.New("SD-JWT VC claims are JSON, not JSON-LD"))
	if c != nil {
		if _, ok := sv.Claims["status"]; ok {
			// Token status lists of SD-JWT VC are not read by the door.
			r.Record(vc.CheckNameProof, nil)
			r.Record(vc.CheckNameValidity, vc.CheckValidity(c, v.now(), v.skew()))
			r.Skip(vc.CheckNameStatus, errors.New("SD-JWT VC token status lists are not supported"))
			r.Skip(vc.CheckNameIssuer, errors.New("decided by the door's policy"))
			_ = r.Finish()
		} else {
			v.finishResult(r, c, nil)
		}
	} else {
		_ = r.Finish()
	}
	p.Credentials = []*vc.Result{r}
	p.Holder = v.sdjwtHolder(ctx, sv)
	p.Checks = []vc.Check{{Name: CheckHolder, Status: vc.Passed}, {Name: CheckChallenge, Status: vc.Passed}}
	return p, nil
}

// sdjwtHolder names the key-bound holder: the "sub" DID when that DID lists the
// key that signed the KB-JWT among its authentication methods, otherwise the
// did:jwk of that key.
func (v *Verifier) sdjwtHolder(ctx context.Context, sv *sdjwt.Verified) string {
	if !sv.KeyBound || sv.HolderKey == nil {
		return ""
	}
	if sub, ok := sv.Claims["sub"].(string); ok && strings.HasPrefix(sub, "did:") && v.Resolver != nil {
		if doc, err := v.Resolver.Resolve(ctx, sub); err == nil {
			for _, ref := range doc.Authentication {
				vm, err := doc.Method(ref.MethodID())
				if err != nil {
					continue
				}
				pk, err := vm.PublicKey()
				if err == nil && keyEqual(pk.CryptoPublicKey(), sv.HolderKey) {
					return sub
				}
			}
		}
	}
	m, err := ijose.PublicJWK(sv.HolderKey)
	if err != nil {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	id, err := jwk.FromJWK(b)
	if err != nil {
		return ""
	}
	return id
}

func keyEqual(a, b crypto.PublicKey) bool {
	if e, ok := a.(interface{ Equal(crypto.PublicKey) bool }); ok {
		return e.Equal(b)
	}
	ja, err1 := ijose.PublicJWK(a)
	jb, err2 := ijose.PublicJWK(b)
	if err1 != nil || err2 != nil {
		return false
	}
	x, _ := json.Marshal(ja)
	y, _ := json.Marshal(jb)
	return bytes.Equal(x, y)
}

// registered SD-JWT and JWT claims that are not subject claims.
var sdjwtReserved = map[string]bool{"iss": true, "sub": true, "vct": true, "iat": true, "nbf": true,
	"exp": true, "cnf": true, "status": true, "jti": true, "_sd_alg": true, "vct#integrity": true}

// credentialFromSDJWT maps the processed claims of an SD-JWT VC onto the data
// model, so that one policy applies to every format: iss is the issuer, vct a
// type (with VerifiableCredential), jti the id, nbf (or iat) validFrom, exp
// validUntil, and every other claim a property of the single credentialSubject,
// whose id is sub.
func credentialFromSDJWT(claims map[string]any) (*vc.Credential, error) {
	iss, _ := claims["iss"].(string)
	vct, _ := claims["vct"].(string)
	if iss == "" || vct == "" {
		return nil, fmt.Errorf("%w: SD-JWT VC without iss or vct", vc.ErrMalformed)
	}
	c := &vc.Credential{
		Context: []vc.LDContext{{URL: vc.ContextV2}},
		Types:   []string{vc.TypeCredential, vct},
		Issuer:  vc.Node{ID: iss},
	}
	if jti, ok := claims["jti"].(string); ok {
		c.ID = jti
	}
	if t, ok := numericDate(claims["nbf"]); ok {
		c.ValidFrom = t
	} else if t, ok := numericDate(claims["iat"]); ok {
		c.ValidFrom = t
	}
	if t, ok := numericDate(claims["exp"]); ok {
		c.ValidUntil = t
	}
	subj := vc.Node{Props: map[string]any{}}
	if sub, ok := claims["sub"].(string); ok {
		subj.ID = sub
	}
	for k, val := range claims {
		if !sdjwtReserved[k] && k != "id" && k != "type" {
			subj.Props[k] = val
		}
	}
	c.Subjects = []vc.Node{subj}
	return c, nil
}

func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}
