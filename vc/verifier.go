package vc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"encoding/json"
	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

// DefaultSkew is the clock tolerance a [Verifier] allows on validity dates when
// VerifierConfig.Skew is zero.
const DefaultSkew = time.Minute

// StatusChecker reads the status of a credential from its credentialStatus entries, for
// example by looking them up in Bitstring Status Lists. A [Verifier] calls it only for
// credentials whose proof verified and that have at least one entry.
//
// It returns the status, or an error when the status cannot be determined (an
// unreachable or invalid status list): the verification then fails, since an unknown
// status is not a good status. Implementations must be safe for concurrent use.
type StatusChecker interface {
	CheckStatus(ctx context.Context, c *Credential, entries []Node) (StatusResult, error)
}

// StatusCheckerFunc adapts a function to the [StatusChecker] interface.
type StatusCheckerFunc func(ctx context.Context, c *Credential, entries []Node) (StatusResult, error)

// CheckStatus calls f.
func (f StatusCheckerFunc) CheckStatus(ctx context.Context, c *Credential, entries []Node) (StatusResult, error) {
	return f(ctx, c, entries)
}

// StatusResult is the status of a credential. The zero value means neither revoked
// nor suspended.
type StatusResult struct {
	Revoked   bool
	Suspended bool
	Message   string // optional detail for the report, such as the list and index
}

// Context is a JSON-LD context document a [Verifier] (or [Issue]) accepts in addition
// to the pinned ones, served for URL exactly.
type Context struct {
	URL      string
	Document []byte // the JSON document, with a top-level "@context" member
	SHA256   string // optional lowercase hex SHA-256 of Document; a mismatch fails every verification
}

// Limits caps what a [Verifier] accepts. Zero fields take the defaults.
type Limits struct {
	MaxBytes int // input size; 0 means 1 MiB
	MaxDepth int // nesting of JSON objects and arrays; 0 means 64
	MaxQuads int // statements of the JSON-LD dataset; 0 means 10000
}

// VerifierConfig configures a [Verifier]. The zero value is a working configuration:
// did:key and did:jwk issuers only, the system clock, [DefaultSkew], no status checks,
// any issuer trusted, and presentations remembered in memory for
// [DefaultReplayWindow] to refuse replays.
type VerifierConfig struct {
	// Resolver resolves issuer DIDs. Nil means a cached resolver for did:key and
	// did:jwk only, which never touches the network; add did:web (or pinned
	// documents) with your own did.MultiResolver.
	Resolver did.Resolver

	// Now returns the time the validity period is checked at; nil means time.Now.
	Now func() time.Time

	// Skew is the clock tolerance for validity dates: 0 means DefaultSkew, a negative
	// value none.
	Skew time.Duration

	// ProofOnly checks the structure, the contexts and the signature only: the
	// verification method need not belong to the issuer, and the validity period,
	// status and issuer policy are skipped. The Result says so (Result.ProofOnly).
	// Use it for test vectors and diagnostics, never to accept a credential.
	ProofOnly bool

	// StatusChecker checks credentialStatus entries. Nil means credentials that have
	// entries fail the status check, unless IgnoreStatus is set.
	StatusChecker StatusChecker

	// IgnoreStatus skips the status check of credentials that have credentialStatus
	// entries when no StatusChecker is set. The result then reports the check as
	// skipped.
	IgnoreStatus bool

	// TrustedIssuers, when not nil, is the trusted-issuer policy: a map from issuer id
	// (a DID) to the credential types it may issue. A credential passes when its
	// issuer is a key and each of its types other than VerifiableCredential is listed
	// (an empty list allows every type). Nil trusts every issuer.
	TrustedIssuers map[string][]string

	// Contexts are JSON-LD contexts accepted in addition to the pinned ones.
	Contexts []Context

	// Limits caps the input.
	Limits Limits

	// NonceStore remembers accepted presentations to refuse replays (see
	// [Verifier.VerifyPresentation]). Nil means a [MemoryNonceStore] of this
	// Verifier alone, with [DefaultMaxNonces] entries on the Verifier's clock.
	NonceStore NonceStore

	// ReplayWindow is how long an accepted presentation is remembered: 0 means
	// DefaultReplayWindow. A presentation that stays valid longer (its proof expires,
	// exp, or creation time plus PresentationMaxAge) is remembered until then, up to
	// MaxReplayHold.
	ReplayWindow time.Duration

	// DisableReplayCheck skips the replay check (reported as skipped), for callers
	// that redeem each challenge themselves.
	DisableReplayCheck bool

	// PresentationMaxAge, when positive, bounds a presentation's age: its proof's
	// created (vp+jwt iat, KB-JWT iat) must lie within PresentationMaxAge before now
	// and not after now, with Skew either way. Zero means no bound for Data Integrity
	// and vp+jwt presentations (expires, exp and nbf are still checked) and the
	// default of vc/sdjwt for Key Binding JWTs, whose iat is always bounded.
	PresentationMaxAge time.Duration
}

// Verifier verifies credentials with a fixed configuration. Create one with
// [NewVerifier] and reuse it: it caches processed JSON-LD contexts and resolved DID
// documents. It is safe for concurrent use.
type Verifier struct {
	cfg      VerifierConfig
	resolver did.Resolver
	proc     *jsonld.Processor
	procErr  error // set when the configured contexts are invalid
	parser   Parser
	env      *dataintegrity.Env
	known    map[string]bool
	maxBytes int
}

var (
	defaultResolverOnce sync.Once
	defaultResolver     *did.MultiResolver
)

// DefaultResolver returns the resolver a Verifier uses when VerifierConfig.Resolver is
// nil: did:key and did:jwk, cached, no network. It is shared.
func DefaultResolver() did.Resolver {
	defaultResolverOnce.Do(func() {
		defaultResolver = NewOfflineResolver()
	})
	return defaultResolver
}

// NewOfflineResolver returns a new cached resolver for did:key and did:jwk. Pin DID
// documents of other methods with did.MultiResolver.Pin to verify their credentials
// offline.
func NewOfflineResolver() *did.MultiResolver {
	r := did.NewMultiResolver(nil)
	r.Register(key.Method, key.Resolver{})
	r.Register(jwk.Method, jwk.Resolver{})
	return r
}

// NewVerifier returns a Verifier for cfg. A registered context that cannot be parsed,
// or does not match its SHA-256, makes every verification fail its contexts check.
func NewVerifier(cfg VerifierConfig) *Verifier {
	if cfg.NonceStore == nil && !cfg.DisableReplayCheck {
		cfg.NonceStore = NewMemoryNonceStore(0, cfg.Now)
	}
	v := &Verifier{cfg: cfg, resolver: cfg.Resolver}
	if v.resolver == nil {
		v.resolver = DefaultResolver()
	}
	v.parser = Parser{MaxBytes: cfg.Limits.MaxBytes, MaxDepth: cfg.Limits.MaxDepth}
	v.maxBytes = cfg.Limits.MaxBytes
	if v.maxBytes <= 0 {
		v.maxBytes = jsonld.DefaultMaxBytes
	}
	v.known = make(map[string]bool)
	for _, u := range jsonld.EmbeddedContextURLs() {
		v.known[u] = true
	}
	if len(cfg.Contexts) == 0 && cfg.Limits == (Limits{}) {
		v.proc = jsonld.DefaultProcessor()
	} else {
		opts := &jsonld.Options{
			MaxBytes: cfg.Limits.MaxBytes,
			MaxDepth: cfg.Limits.MaxDepth,
			MaxQuads: cfg.Limits.MaxQuads,
		}
		for _, c := range cfg.Contexts {
			opts.Contexts = append(opts.Contexts, jsonld.Context{URL: c.URL, Document: c.Document, SHA256: c.SHA256})
			v.known[c.URL] = true
		}
		v.proc, v.procErr = jsonld.NewProcessor(opts)
		if v.procErr != nil {
			v.procErr = contextError(v.procErr)
		}
	}
	if v.proc != nil {
		v.env = newEnv(v.resolver, v.proc, cfg.Now)
	}
	return v
}

// skew returns the configured clock tolerance.
func (v *Verifier) skew() time.Duration {
	switch {
	case v.cfg.Skew == 0:
		return DefaultSkew
	case v.cfg.Skew < 0:
		return 0
	}
	return v.cfg.Skew
}

func (v *Verifier) now() time.Time {
	if v.cfg.Now != nil {
		return v.cfg.Now()
	}
	return time.Now()
}

// Verify verifies a credential and reports every check, in the order of [CheckNames]:
// structure, contexts, proof, validity, status and issuer.
//
// The format is detected from raw: a JSON object is a credential with an embedded Data
// Integrity proof; a compact JWS is a VC-JOSE credential (typ vc+jwt) or a VCDM 1.1
// JWT-VC; a "~"-separated token is an SD-JWT VC. Presentations go to
// [Verifier.VerifyPresentation].
//
// The Result is never nil. The error is nil exactly when every check that ran passed;
// otherwise it is a *[VerificationError] that unwraps to each failure, so
// errors.Is(err, ErrRevoked) works, as do the kinds of lower layers (errors.Is(err,
// did.ErrNotFound) for an issuer DID that does not exist).
func (v *Verifier) Verify(ctx context.Context, raw []byte) (*Result, error) {
	r := &Result{ProofOnly: v.cfg.ProofOnly, Checks: make([]Check, 0, len(CheckNames))}
	if len(raw) > v.maxBytes {
		err := fmt.Errorf("%w: credential of %d bytes exceeds the limit of %d", ErrMalformed, len(raw), v.maxBytes)
		return v.fail(r, err)
	}
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return v.verifyDataIntegrity(ctx, r, raw)
	case isCompact(trimmed):
		if bytes.IndexByte(trimmed, '~') >= 0 {
			return v.verifySDJWT(ctx, r, string(trimmed))
		}
		return v.verifyJOSE(ctx, r, string(trimmed))
	}
	return v.fail(r, fmt.Errorf("%w: input is neither a JSON credential, a compact JWS nor an SD-JWT", ErrMalformed))
}

// fail records err as the structure failure, skips the other checks and finishes r.
func (v *Verifier) fail(r *Result, err error) (*Result, error) {
	r.Record(CheckNameStructure, err)
	v.skipRest(r, CheckNameStructure, nil)
	return r, r.Finish()
}

// skipRest records every check after name as skipped.
func (v *Verifier) skipRest(r *Result, name string, why error) {
	i := slices.Index(CheckNames, name)
	for _, n := range CheckNames[i+1:] {
		r.Skip(n, why)
	}
}

var errBlocked = errors.New("vc: not checked after an earlier failure")

// isCompact reports whether s looks like a compact JWS or SD-JWT: base64url segments
// separated by '.' and '~' only.
func isCompact(s []byte) bool {
	if len(s) == 0 || bytes.IndexByte(s, '.') < 0 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
		default:
			return false
		}
	}
	return true
}

func (v *Verifier) verifyDataIntegrity(ctx context.Context, r *Result, raw []byte) (*Result, error) {
	r.Format = FormatDataIntegrity
	doc, c, err := v.parseDI(raw)
	if err != nil {
		if p, perr := v.parser.ParsePresentation(raw); perr == nil && p.HasProof() {
			err = fmt.Errorf("%w: input is a presentation: use VerifyPresentation", ErrMalformed)
		}
		return v.fail(r, err)
	}
	r.Credential = c
	r.Record(CheckNameStructure, nil)

	// The contexts are checked in two steps: every URL must be pinned or registered
	// (here), and the document must expand in safe mode, which vc/dataintegrity does
	// while verifying the proof; its JSON-LD failures are reported as the contexts
	// check.
	if err := v.checkContexts(c.ContextURLs()); err != nil {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return r, r.Finish()
	}
	_, err = v.proveDI(ctx, doc)
	if err != nil && !isJSONLDError(err) && ctx.Err() == nil {
		// The proof failed before its document was processed: expand it here so that
		// the contexts check is decided.
		if _, xerr := v.proc.ToRDF(ctx, raw); xerr != nil {
			err = contextError(xerr)
		}
	}
	if err != nil && isJSONLDError(err) {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return r, r.Finish()
	}
	r.Record(CheckNameContexts, nil)
	if err != nil {
		r.Record(CheckNameProof, err)
		v.skipRest(r, CheckNameProof, errBlocked)
		return r, r.Finish()
	}
	r.Record(CheckNameProof, nil)
	v.policyChecks(ctx, r, c, nil)
	return r, r.Finish()
}

// checkContexts checks that every context URL is pinned or registered. (Safe-mode
// expansion of the document is done by vc/dataintegrity, or by the caller.)
func (v *Verifier) checkContexts(urls []string) error {
	if v.procErr != nil {
		return v.procErr
	}
	for _, u := range urls {
		if !v.known[u] {
			return fmt.Errorf("%w: %q is not a pinned or registered context", ErrUnknownContext, u)
		}
	}
	return nil
}

// contextError maps a JSON-LD processing error to a verification kind, keeping it
// wrapped.
func contextError(err error) error {
	switch {
	case errors.Is(err, jsonld.ErrUnknownContext):
		return fmt.Errorf("%w: %w", ErrUnknownContext, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// policyChecks records the validity, status and issuer checks of a credential whose
// proof verified. validityErr, when not nil, is the validity failure the securing
// format already found.
func (v *Verifier) policyChecks(ctx context.Context, r *Result, c *Credential, validityErr error) {
	if v.cfg.ProofOnly {
		r.Skip(CheckNameValidity, nil)
		r.Skip(CheckNameStatus, nil)
		r.Skip(CheckNameIssuer, nil)
		return
	}
	if validityErr == nil && c != nil {
		validityErr = CheckValidity(c, v.now(), v.skew())
	}
	r.Record(CheckNameValidity, validityErr)

	switch {
	case c == nil || len(c.Status) == 0:
		r.Skip(CheckNameStatus, nil)
	case v.cfg.StatusChecker == nil && v.cfg.IgnoreStatus:
		r.Skip(CheckNameStatus, nil)
	case v.cfg.StatusChecker == nil:
		r.Record(CheckNameStatus, fmt.Errorf("%w: credential has credentialStatus but no status checker is configured", ErrStatusUnknown))
	default:
		r.Record(CheckNameStatus, v.checkStatus(ctx, c))
	}

	if v.cfg.TrustedIssuers == nil {
		r.Skip(CheckNameIssuer, nil)
	} else {
		r.Record(CheckNameIssuer, v.checkIssuer(c))
	}
}

func (v *Verifier) checkStatus(ctx context.Context, c *Credential) error {
	st, err := v.cfg.StatusChecker.CheckStatus(ctx, c, c.Status)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStatusUnknown, err)
	}
	msg := ""
	if st.Message != "" {
		msg = ": " + st.Message
	}
	switch {
	case st.Revoked:
		return fmt.Errorf("%w%s", ErrRevoked, msg)
	case st.Suspended:
		return fmt.Errorf("%w%s", ErrSuspended, msg)
	}
	return nil
}

func (v *Verifier) checkIssuer(c *Credential) error {
	if c == nil {
		return fmt.Errorf("%w: no credential", ErrUntrustedIssuer)
	}
	allowed, ok := v.cfg.TrustedIssuers[c.Issuer.ID]
	if !ok {
		return fmt.Errorf("%w: %q is not a trusted issuer", ErrUntrustedIssuer, c.Issuer.ID)
	}
	if len(allowed) == 0 {
		return nil
	}
	for _, t := range c.Types {
		if t != TypeCredential && !slices.Contains(allowed, t) {
			return fmt.Errorf("%w: %q may not issue %s", ErrUntrustedIssuer, c.Issuer.ID, t)
		}
	}
	return nil
}

// farSkew is the clock tolerance given to vc/jose and vc/sdjwt to obtain the verified
// document of a token outside its validity period (after its signature verified).
const farSkew = time.Duration(math.MaxInt64 / 2)

func (v *Verifier) verifyJOSE(ctx context.Context, r *Result, token string) (*Result, error) {
	r.Format = FormatJOSE
	h, err := jose.Peek(token)
	if err != nil {
		return v.fail(r, err)
	}
	legacy := !strings.EqualFold(h.Typ, jose.TypVC) && !strings.EqualFold(h.Typ, "application/"+jose.TypVC)
	opts := &jose.VerifyOptions{Now: v.cfg.Now, Skew: v.skew(), MaxBytes: v.maxBytes}
	if v.cfg.Skew < 0 {
		opts.Skew = -1
	}
	if v.cfg.ProofOnly {
		opts.KeyFunc = v.anyMethodKey
		opts.Skew = farSkew
	} else {
		opts.Resolver = v.resolver
	}
	call := jose.VerifyCredential
	if legacy {
		call = jose.VerifyJWTVC
	}
	verified, err := call(ctx, token, opts)
	var validityErr error
	if err != nil && (errors.Is(err, ErrExpired) || errors.Is(err, ErrNotYetValid)) {
		// The signature verified before the clock was checked: get the document.
		validityErr = err
		opts.Skew = farSkew
		verified, err = call(ctx, token, opts)
	}
	if err != nil {
		if structural(err) {
			return v.fail(r, err)
		}
		r.Record(CheckNameStructure, nil)
		r.Skip(CheckNameContexts, nil)
		r.Record(CheckNameProof, err)
		v.skipRest(r, CheckNameProof, errBlocked)
		return r, r.Finish()
	}
	c, err := v.parser.ParseCredential(verified.Document)
	if err != nil {
		return v.fail(r, err)
	}
	r.Credential = c
	r.Record(CheckNameStructure, nil)
	// VC-JOSE does not require JSON-LD processing: the contexts must be known, and
	// are not expanded.
	if err := v.checkContexts(c.ContextURLs()); err != nil {
		r.Record(CheckNameContexts, err)
		v.skipRest(r, CheckNameContexts, errBlocked)
		return r, r.Finish()
	}
	r.Record(CheckNameContexts, nil)
	if !v.cfg.ProofOnly && c.Issuer.ID != verified.Subject {
		// vc/jose checked the key against the issuer it read; the credential
		// reported must name the same one.
		r.Record(CheckNameProof, fmt.Errorf("%w: issuer %q is not the signer %q", ErrKeyNotAuthorized, clip(c.Issuer.ID), clip(verified.Subject)))
		v.skipRest(r, CheckNameProof, errBlocked)
		return r, r.Finish()
	}
	r.Record(CheckNameProof, nil)
	v.policyChecks(ctx, r, c, validityErr)
	return r, r.Finish()
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

func (v *Verifier) verifySDJWT(ctx context.Context, r *Result, token string) (*Result, error) {
	r.Format = FormatSDJWT
	opts := &sdjwt.VerifyOptions{Now: v.cfg.Now, Skew: v.skew()}
	if v.cfg.Skew < 0 {
		opts.Skew = -1
	}
	if v.cfg.ProofOnly {
		opts.KeyFunc = func(ctx context.Context, issuer, kid string) (any, error) { return v.anyMethodKey(ctx, issuer, kid) }
		opts.Skew = farSkew
	} else {
		opts.Resolver = v.resolver
	}
	verified, err := sdjwt.Verify(ctx, token, opts)
	var validityErr error
	if err != nil && (errors.Is(err, ErrExpired) || errors.Is(err, ErrNotYetValid)) {
		validityErr = err
		opts.Skew = farSkew
		verified, err = sdjwt.Verify(ctx, token, opts)
	}
	if err != nil {
		if structural(err) {
			return v.fail(r, err)
		}
		r.Record(CheckNameStructure, nil)
		r.Skip(CheckNameContexts, nil)
		r.Record(CheckNameProof, err)
		v.skipRest(r, CheckNameProof, errBlocked)
		return r, r.Finish()
	}
	r.Record(CheckNameStructure, nil)
	// An SD-JWT VC (dc+sd-jwt) is not a VCDM credential; a legacy vc+sd-jwt payload
	// may be one, and is then reported as the Result's Credential.
	var c *Credential
	if doc, err := jsonMarshal(verified.Claims); err == nil {
		if pc, err := v.parser.ParseCredential(doc); err == nil {
			c = pc
		}
	}
	if c != nil {
		if err := v.checkContexts(c.ContextURLs()); err != nil {
			r.Credential = c
			r.Record(CheckNameContexts, err)
			v.skipRest(r, CheckNameContexts, errBlocked)
			return r, r.Finish()
		}
		r.Credential = c
		r.Record(CheckNameContexts, nil)
	} else {
		r.Skip(CheckNameContexts, nil)
	}
	// The issuer reported must be the DID whose key signed: sdjwt binds the kid to
	// "iss" when present, but a VCDM payload names its issuer in "issuer".
	iss, _ := verified.Claims["iss"].(string)
	if !v.cfg.ProofOnly && verified.Signer != "" {
		var bindErr error
		switch {
		case iss != "" && iss != verified.Signer:
			bindErr = fmt.Errorf("%w: iss %q is not the signer %q", ErrKeyNotAuthorized, clip(iss), clip(verified.Signer))
		case c != nil && c.Issuer.ID != verified.Signer:
			bindErr = fmt.Errorf("%w: issuer %q is not the signer %q", ErrKeyNotAuthorized, clip(c.Issuer.ID), clip(verified.Signer))
		}
		if bindErr != nil {
			r.Record(CheckNameProof, bindErr)
			v.skipRest(r, CheckNameProof, errBlocked)
			return r, r.Finish()
		}
		if iss == "" {
			iss = verified.Signer
		}
	}
	r.Record(CheckNameProof, nil)
	if c == nil && !v.cfg.ProofOnly {
		r.Record(CheckNameValidity, validityErr)
		r.Skip(CheckNameStatus, nil)
		if v.cfg.TrustedIssuers == nil {
			r.Skip(CheckNameIssuer, nil)
		} else {
			r.Record(CheckNameIssuer, v.checkIssuer(&Credential{Issuer: Node{ID: iss}}))
		}
		return r, r.Finish()
	}
	v.policyChecks(ctx, r, c, validityErr)
	return r, r.Finish()
}

// structural reports whether err means the token itself is malformed (rather than
// unverifiable).
func structural(err error) bool {
	return errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalidSignature) &&
		!errors.Is(err, ErrUnresolvableDID) && !errors.Is(err, ErrKeyNotAuthorized) &&
		!errors.Is(err, ErrUnsupportedSuite)
}

// anyMethodKey resolves the verification method kid (relative to subject) without the
// relationship and controller checks: the key source of ProofOnly verification.
func (v *Verifier) anyMethodKey(ctx context.Context, subject, kid string) (any, error) {
	vm := kid
	if strings.HasPrefix(kid, "#") {
		vm = subject + kid
	}
	if vm == "" {
		vm = subject
	}
	return methodKey(ctx, v.resolver, vm)
}

// methodKey resolves the public key of verification method vm, whatever relationship it
// is in.
func methodKey(ctx context.Context, res did.Resolver, vm string) (*did.PublicKey, error) {
	base, _, _ := strings.Cut(vm, "#")
	doc, err := res.Resolve(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnresolvableDID, err)
	}
	var m *did.VerificationMethod
	if strings.Contains(vm, "#") {
		m, err = doc.Method(vm)
	} else if len(doc.VerificationMethod) == 1 {
		m = &doc.VerificationMethod[0]
	} else {
		err = fmt.Errorf("%w: no fragment selects a method", did.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnresolvableDID, err)
	}
	pub, err := m.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedSuite, err)
	}
	return pub, nil
}

// jsonMarshal encodes v strictly enough for ParseCredential.
func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return b, err
}

func newEnv(res did.Resolver, proc *jsonld.Processor, now func() time.Time) *dataintegrity.Env {
	return &dataintegrity.Env{JSONLD: proc, Resolver: res, Now: now}
}

// isJSONLDError reports whether err comes from JSON-LD processing of the document
// (unknown or invalid context, safe-mode violation) rather than from a proof.
func isJSONLDError(err error) bool {
	return errors.Is(err, ErrUnknownContext) || errors.Is(err, jsonld.ErrUndefinedTerm) ||
		errors.Is(err, jsonld.ErrInvalidContext) || errors.Is(err, jsonld.ErrMalformed) ||
		errors.Is(err, jsonld.ErrTooManyQuads)
}

// parseDI decodes a credential with an embedded proof once: one strict pass
// (dataintegrity.ParseDocument, within the Verifier's limits) gives the document the
// proofs are verified on, and the credential is read from the same, now checked,
// bytes, its modeled members from the decoded document. Errors are those of
// ParseCredential.
func (v *Verifier) parseDI(raw []byte) (*dataintegrity.Document, *Credential, error) {
	doc, err := dataintegrity.ParseDocument(raw, dataintegrity.DocumentLimits{MaxBytes: v.parser.MaxBytes, MaxDepth: v.parser.MaxDepth})
	if err != nil {
		// Report what ParseCredential reports (a *FieldError for a non-object, say);
		// input it accepts is still refused, with the strict parser's error.
		if _, perr := v.parser.ParseCredential(raw); perr != nil {
			return nil, nil, perr
		}
		return nil, nil, err
	}
	c, err := decodeCredentialTree(bytes.Clone(raw), doc.Members())
	if err != nil {
		return nil, nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	return doc, c, nil
}

// proveDI verifies the Data Integrity proofs of a parsed credential.
func (v *Verifier) proveDI(ctx context.Context, doc *dataintegrity.Document) (*dataintegrity.Report, error) {
	return dataintegrity.VerifyDocument(ctx, doc, v.env, dataintegrity.VerifyOptions{ProofOnly: v.cfg.ProofOnly})
}

// VerifyList verifies a status list credential for a status.Checker (it implements
// status.ListVerifier): like Verify, with the same resolver, contexts and limits, but
// without checking the list's own credentialStatus or the trusted-issuer policy. It
// returns the verified credential's JSON (the payload, for a vc+jwt list).
func (v *Verifier) VerifyList(ctx context.Context, raw []byte) ([]byte, error) {
	lv := *v
	lv.cfg.StatusChecker = nil
	lv.cfg.IgnoreStatus = true
	lv.cfg.TrustedIssuers = nil
	r, err := lv.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if r.Credential == nil {
		return nil, fmt.Errorf("%w: status list is not a credential", ErrMalformed)
	}
	if b := r.Credential.Raw(); b != nil {
		return b, nil
	}
	return r.Credential.MarshalJSON()
}

// NewStatusListChecker adapts a Bitstring Status List checker to a [StatusChecker].
// Give the checker a [Verifier] (see [Verifier.VerifyList]) to verify the lists it
// fetches. A set revocation or suspension status is reported as revoked or suspended;
// a list that could not be fetched, verified or read is an error.
func NewStatusListChecker(c *status.Checker) StatusChecker {
	return StatusCheckerFunc(func(ctx context.Context, cred *Credential, _ []Node) (StatusResult, error) {
		raw := cred.Raw()
		if raw == nil {
			var err error
			if raw, err = cred.MarshalJSON(); err != nil {
				return StatusResult{}, err
			}
		}
		rep, err := c.CheckCredential(ctx, raw)
		if rep == nil {
			return StatusResult{}, err
		}
		res := StatusResult{Revoked: rep.Revoked(), Suspended: rep.Suspended()}
		for _, e := range rep.Results {
			if e.Err != nil && (errors.Is(e.Err, ErrRevoked) || errors.Is(e.Err, ErrSuspended)) {
				res.Message = fmt.Sprintf("%s index %d of %s", e.Purpose, e.Index, e.Entry.ListCredential)
				break
			}
		}
		if res.Revoked || res.Suspended {
			return res, nil
		}
		return res, err
	})
}
