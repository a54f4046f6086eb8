package door

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vc/sdjwt"
)

// DefaultMaxPresentationBytes caps a presentation when Config.MaxPresentationBytes
// is zero.
const DefaultMaxPresentationBytes = 256 << 10

// Config tunes a door. The zero value (or nil) gives the documented defaults.
type Config struct {
	// RequireIssuedChallenge accepts only challenges the door issued
	// ([Door.IssueChallenge]); otherwise any challenge is accepted once, and
	// one the door did not issue only in a presentation created at most
	// ChallengeTTL ago (vp+jwt and KB-JWT iat, Data Integrity proof created), so
	// that a copy cannot be replayed once the door has forgotten the challenge.
	RequireIssuedChallenge bool
	// ChallengeTTL is how long a challenge is good for and remembered once
	// used; 0 means DefaultChallengeTTL.
	ChallengeTTL time.Duration
	// MaxChallenges caps outstanding and remembered challenges; 0 means
	// DefaultMaxChallenges.
	MaxChallenges int
	// MaxPresentationBytes caps one presentation; 0 means
	// DefaultMaxPresentationBytes.
	MaxPresentationBytes int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skew is the clock tolerance for validity periods; 0 means one minute.
	Skew time.Duration
	// Log, when set, receives one entry per check.
	Log *Log
	// Verifier verifies presentations; nil means a [Verifier] over the door's
	// resolver and status lists.
	Verifier PresentationVerifier
	// DataIntegrity verifies Data Integrity JSON presentations for the default
	// Verifier; nil means [NewDataIntegrity] over the door's resolver and status.
	DataIntegrity PresentationVerifier
	// CredentialVerifier verifies Data Integrity credentials read by [Open]
	// (status lists, a signed trust registry); nil means a vc.Verifier over the
	// pinned DIDs.
	CredentialVerifier policy.CredentialVerifier
	// RegistryPublisher is the DID that must have signed the directory's trust
	// registry (registry.json or registry.jwt); "" accepts only an unsigned one.
	RegistryPublisher string
}

// Setup is what a door checks against.
type Setup struct {
	Policy   *policy.Policy     // required
	Resolver did.Resolver       // issuer and holder DIDs; required by the default Verifier
	Status   StatusChecker      // nil skips status checks
	Scores   map[string]float64 // Sybil scores by DID, for the policy's minScore
}

// Door is an offline check appliance: it verifies presentations against pinned
// DIDs and cached status lists, applies the policy, and records check-ins. It is
// safe for concurrent use.
type Door struct {
	id         string
	policy     *policy.Policy
	scores     map[string]float64
	verifier   PresentationVerifier
	challenges *Challenges
	log        *Log
	now        func() time.Time
	maxBytes   int
	skew       time.Duration // clock tolerance of a presentation's creation time
}

// New returns a door named id, which is the domain (audience) holders must bind
// their presentations to. Errors wrap ErrConfig.
func New(id string, s Setup, cfg *Config) (*Door, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	if id == "" || strings.ContainsAny(id, " \t\r\n") {
		return nil, fmt.Errorf("%w: the door needs an id without spaces", ErrConfig)
	}
	if s.Policy == nil {
		return nil, fmt.Errorf("%w: no policy", ErrConfig)
	}
	if err := s.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	d := &Door{id: id, policy: s.Policy, scores: s.Scores, log: cfg.Log, now: cfg.Now, maxBytes: cfg.MaxPresentationBytes}
	if d.now == nil {
		d.now = time.Now
	}
	if d.maxBytes <= 0 {
		d.maxBytes = DefaultMaxPresentationBytes
	}
	d.verifier = cfg.Verifier
	if d.verifier == nil {
		if s.Resolver == nil {
			return nil, fmt.Errorf("%w: no DID resolver", ErrConfig)
		}
		di := cfg.DataIntegrity
		if di == nil {
			di = NewDataIntegrity(s.Resolver, s.Status, d.now)
		}
		d.verifier = &Verifier{Resolver: s.Resolver, Status: s.Status, DataIntegrity: di, Now: d.now, Skew: cfg.Skew}
	}
	d.skew = cfg.Skew
	if d.skew <= 0 {
		d.skew = time.Minute
	}
	d.challenges = NewChallenges(cfg.RequireIssuedChallenge, cfg.ChallengeTTL, cfg.MaxChallenges)
	// A presentation created up to skew in the future and accepted up to TTL plus
	// skew after its creation must find its challenge still remembered.
	d.challenges.hold = d.challenges.ttl + 2*d.skew + time.Second
	return d, nil
}

// ID returns the door's id.
func (d *Door) ID() string { return d.id }

// IssueChallenge returns a fresh challenge for a holder to sign, with its expiry.
func (d *Door) IssueChallenge() (string, time.Time) { return d.challenges.Issue(d.now()) }

// Outcome is the answer to one check, and its JSON form is one line of the CLI's
// output: {"allow":bool,"holder":"did:...","reasons":[...],"checks":[...]}.
type Outcome struct {
	Allow   bool            `json:"allow"`
	Holder  string          `json:"holder,omitempty"` // the authenticated holder
	Format  string          `json:"format,omitempty"`
	Types   []string        `json:"types,omitempty"` // credential types presented, without VerifiableCredential
	Reasons []policy.Reason `json:"reasons"`         // empty when allowed
	Checks  []vc.Check      `json:"checks"`          // presentation checks, then each credential's
	Time    time.Time       `json:"time"`
}

// Err returns nil for an allowed check and otherwise a *policy.DeniedError.
func (o *Outcome) Err() error {
	return policy.Decision{Allow: o.Allow, Reasons: o.Reasons}.Err()
}

// Check verifies one presentation (a vp+jwt, an SD-JWT with key binding, or a
// Data Integrity JSON presentation), applies the policy to each credential and
// allows when at least one credential passes. The challenge the holder signed
// must be acceptable to the door's challenge store, and is used up once the
// holder's proof verifies. Without Config.RequireIssuedChallenge the
// presentation must also have been created at most Config.ChallengeTTL ago,
// unless its challenge is one the door issued and still awaits. The check is recorded in the log, when there is one.
//
// The Outcome is always non-nil; the error is non-nil only when the check-in
// could not be logged (it wraps ErrLog), and the Outcome then denies with
// policy.CodeNotRecorded.
func (d *Door) Check(ctx context.Context, raw []byte) (*Outcome, error) {
	now := d.now()
	o := d.check(ctx, raw, now)
	o.Time = now
	if o.Reasons == nil {
		o.Reasons = []policy.Reason{}
	}
	if o.Checks == nil {
		o.Checks = []vc.Check{}
	}
	if d.log == nil {
		return o, nil
	}
	e := Entry{Time: now, Door: d.id, Holder: o.Holder, Decision: DecisionDeny, Types: o.Types}
	if o.Allow {
		e.Decision = DecisionAllow
	}
	for _, r := range o.Reasons {
		e.Reasons = append(e.Reasons, r.Code)
	}
	if err := d.log.Append(e); err != nil {
		// The door must not admit an entry it could not record.
		o.Allow = false
		o.Reasons = append(o.Reasons, policy.NewReason(policy.CodeNotRecorded, err))
		return o, err
	}
	return o, nil
}

func (d *Door) check(ctx context.Context, raw []byte, now time.Time) *Outcome {
	o := &Outcome{}
	deny := func(code policy.Code, err error) *Outcome {
		o.Reasons = append(o.Reasons, policy.NewReason(code, err))
		return o
	}
	if len(raw) > d.maxBytes {
		return deny(policy.CodeMalformed, fmt.Errorf("%w: presentation over %d bytes", ErrTooLarge, d.maxBytes))
	}
	o.Format = detectFormat(raw)
	challenge, created, err := peekChallenge(raw, o.Format)
	if err != nil {
		return deny(policy.CodeMalformed, err)
	}
	if err := d.challenges.Check(challenge, now); err != nil {
		return deny(policy.CodeReplayed, err)
	}
	p, verr := d.verifier.VerifyPresentation(ctx, raw, Request{Challenge: challenge, Domain: d.id})
	credFailed := false
	if p != nil {
		o.Checks = append(o.Checks, p.Checks...)
		for _, r := range p.Credentials {
			credFailed = credFailed || r.Err() != nil
		}
	}
	if verr == nil {
		err := d.fresh(challenge, created, now)
		if err == nil {
			err = d.challenges.Redeem(challenge, now)
		}
		if err != nil {
			o.Checks = append(o.Checks, vc.Check{Name: CheckChallenge, Status: vc.Failed, Err: err})
			return deny(policy.CodeReplayed, err)
		}
		o.Holder = p.Holder
	}
	if p == nil {
		return deny(presentationCode(verr, nil), verr)
	}
	if verr != nil && !credFailed {
		// The holder's proof failed: the credentials are not judged.
		return deny(presentationCode(verr, p.Checks), verr)
	}
	if len(p.Credentials) == 0 {
		if verr == nil {
			deny(policy.CodeNotVerified, errors.New("the presentation carries no credential"))
		}
		return o
	}
	types := map[string]bool{}
	many := len(p.Credentials) > 1
	var denials []policy.Reason
	for i, r := range p.Credentials {
		prefix := ""
		if many {
			prefix = fmt.Sprintf("credential[%d].", i)
		}
		for _, ch := range r.Checks {
			ch.Name = prefix + ch.Name
			o.Checks = append(o.Checks, ch)
		}
		if r.Credential != nil {
			for _, t := range r.Credential.Types {
				if t != vc.TypeCredential {
					types[t] = true
				}
			}
		}
		dec := d.policy.Evaluate(policy.Input{Result: r, Holder: o.Holder, Scores: d.scores, Now: now})
		if dec.Allow && verr == nil {
			o.Allow = true
			continue
		}
		for _, rs := range dec.Reasons {
			if verr != nil && !errors.Is(policy.Decision{Reasons: []policy.Reason{rs}}.Err(), policy.ErrNotVerified) {
				// Without an authenticated holder only verification failures
				// explain the denial.
				continue
			}
			if many {
				rs.Message = fmt.Sprintf("credential %d: %s", i, rs.Message)
			}
			denials = append(denials, rs)
		}
	}
	for t := range types {
		o.Types = append(o.Types, t)
	}
	sort.Strings(o.Types)
	if o.Allow {
		o.Reasons = nil
	} else {
		o.Reasons = append(o.Reasons, denials...)
	}
	return o
}

// fresh checks, when the door accepts challenges the holder chose and challenge
// is not one it issued and still awaits, that a presentation created at created
// is at most the challenge TTL old at now. Errors wrap ErrReplay.
func (d *Door) fresh(challenge string, created, now time.Time) error {
	if d.challenges.requireIssued || d.challenges.outstanding(challenge, now) {
		return nil
	}
	switch {
	case created.IsZero():
		return fmt.Errorf("%w: the presentation has no creation time (iat or created) to bound a self-chosen challenge", ErrReplay)
	case created.After(now.Add(d.skew)):
		return fmt.Errorf("%w: the presentation was created in the future", ErrReplay)
	case now.Sub(created) > d.challenges.ttl+d.skew:
		return fmt.Errorf("%w: the presentation was created more than %v ago", ErrReplay, d.challenges.ttl)
	}
	return nil
}

// presentationCode is the reason code of a presentation-level failure.
func presentationCode(err error, checks []vc.Check) policy.Code {
	for _, ch := range checks {
		if ch.Name == CheckChallenge && ch.Status == vc.Failed {
			return policy.CodeReplayed
		}
	}
	switch {
	case errors.Is(err, ErrReplay):
		return policy.CodeReplayed
	case errors.Is(err, ErrUnsupported), errors.Is(err, ErrTooLarge):
		return policy.CodeMalformed
	case errors.Is(err, vc.ErrMalformed):
		return policy.CodeMalformed
	}
	return policy.CodeHolderBinding
}

// peekChallenge reads, without verifying anything, the challenge a presentation
// claims to be bound to and when it was created: the "nonce" and "iat" of a
// vp+jwt or of an SD-JWT's KB-JWT, or the "challenge" and "created" of a Data
// Integrity proof. The creation time is zero when absent or unreadable.
func peekChallenge(raw []byte, format string) (string, time.Time, error) {
	var payload []byte
	switch format {
	case FormatDataIntegrity:
		var doc struct {
			Proof json.RawMessage `json:"proof"`
		}
		if err := jsonx.Unmarshal(raw, &doc, jsonx.Limits{MaxBytes: len(raw) + 1}); err != nil {
			return "", time.Time{}, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
		}
		type diProof struct {
			Challenge string `json:"challenge"`
			Created   string `json:"created"`
		}
		var proofs []diProof
		if json.Unmarshal(doc.Proof, &proofs) != nil {
			var one diProof
			_ = json.Unmarshal(doc.Proof, &one)
			proofs = append(proofs, one)
		}
		for _, p := range proofs {
			if p.Challenge != "" {
				created, _ := vc.ParseDateTime(p.Created)
				return p.Challenge, created, nil
			}
		}
		return "", time.Time{}, nil
	case FormatSDJWT:
		s, err := sdjwt.Parse(strings.TrimSpace(string(raw)), nil)
		if err != nil {
			return "", time.Time{}, err
		}
		if s.KBJWT == "" {
			return "", time.Time{}, nil
		}
		j, err := ijose.Parse(s.KBJWT, nil)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("%w: key binding JWT: %w", vc.ErrMalformed, err)
		}
		payload = j.Payload
	default:
		j, err := ijose.Parse(strings.TrimSpace(string(raw)), nil)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
		}
		payload = j.Payload
	}
	var claims struct {
		Nonce json.RawMessage `json:"nonce"`
		Iat   json.RawMessage `json:"iat"`
	}
	if err := jsonx.Unmarshal(payload, &claims, jsonx.Limits{}); err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
	}
	var nonce string
	if claims.Nonce != nil && json.Unmarshal(claims.Nonce, &nonce) != nil {
		return "", time.Time{}, fmt.Errorf("%w: nonce is not a string", vc.ErrMalformed)
	}
	var created time.Time
	if claims.Iat != nil {
		created, _ = numericDate(json.Number(claims.Iat))
	}
	return nonce, created, nil
}
