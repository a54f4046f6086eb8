package policy

import (
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
)

// Code is the machine-readable code of a denial reason. The set is fixed; new
// codes are added, never renamed.
type Code string

// Reason codes.
const (
	CodeNotVerified     Code = "NOT_VERIFIED"     // a verification check failed or did not run
	CodeExpired         Code = "EXPIRED"          // the credential is past validUntil
	CodeNotYetValid     Code = "NOT_YET_VALID"    // the credential is before validFrom
	CodeRevoked         Code = "REVOKED"          // the status list says revoked
	CodeSuspended       Code = "SUSPENDED"        // the status list says suspended
	CodeUntrustedIssuer Code = "UNTRUSTED_ISSUER" // the issuer is not trusted for the credential's types
	CodeWrongType       Code = "WRONG_TYPE"       // none of the credential's types is accepted
	CodeMissingClaim    Code = "MISSING_CLAIM"    // a constrained claim is absent
	CodeClaimMismatch   Code = "CLAIM_MISMATCH"   // a claim fails its constraint
	CodeTooOld          Code = "TOO_OLD"          // older than the policy's maximum age
	CodeStatusRequired  Code = "STATUS_REQUIRED"  // the policy requires a status check that did not pass
	CodeLowScore        Code = "LOW_SCORE"        // the holder's Sybil score is missing or too low
	CodeHolderMismatch  Code = "HOLDER_MISMATCH"  // the subject is not the authenticated holder
	CodeHolderBinding   Code = "HOLDER_BINDING"   // the presentation's holder proof failed
	CodeReplayed        Code = "REPLAYED"         // the challenge is unknown, expired or already used
	CodeMalformed       Code = "MALFORMED"        // the input could not be read
	CodeNotRecorded     Code = "NOT_RECORDED"     // the check could not be recorded, so it does not admit
)

// Reason says why a credential was denied.
type Reason struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`

	cause error
}

// NewReason returns a reason of code whose message is err's text and whose cause,
// for [DeniedError.Unwrap], is err (which may be nil).
func NewReason(code Code, err error) Reason {
	r := Reason{Code: code, cause: err}
	if err != nil {
		r.Message = err.Error()
	}
	return r
}

// Cause returns the error behind r, if any (for example the verification error of
// a NOT_VERIFIED reason).
func (r Reason) Cause() error { return r.cause }

// Decision is the outcome of a policy evaluation: Allow, or every reason for a
// denial. Reasons is empty exactly when Allow is true.
type Decision struct {
	Allow   bool     `json:"allow"`
	Reasons []Reason `json:"reasons"`
}

// Err returns nil for an allowing decision and otherwise a *[DeniedError] that
// matches ErrDenied and the kind of each reason.
func (d Decision) Err() error {
	if d.Allow {
		return nil
	}
	return &DeniedError{Reasons: d.Reasons}
}

// Deny returns a denying decision with the given reasons.
func Deny(reasons ...Reason) Decision {
	return Decision{Reasons: reasons}
}

// Input is what a policy is evaluated on: a verification result and the
// presentation context.
type Input struct {
	// Result is the verification result of the credential. Nil, unverified or
	// proof-only results are denied with NOT_VERIFIED.
	Result *vc.Result
	// Credential is the credential to judge; nil means Result.Credential.
	Credential *vc.Credential
	// Holder is the DID whose proof of possession the presentation carried
	// (the authenticated holder); "" when there was none.
	Holder string
	// Scores maps DIDs to Sybil scores (for example sybil.Scores of a ranking);
	// only read when the policy has a MinScore.
	Scores map[string]float64
	// Now is the evaluation time; zero means time.Now().
	Now time.Time
}

// Evaluate judges one credential against p and returns the decision with every
// reason for a denial, in a fixed order: verification, type, issuer, age, status,
// holder, claims, score. It does no I/O and does not verify anything: the
// credential must come from a verifier's Result.
func (p *Policy) Evaluate(in Input) Decision {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	var reasons []Reason
	add := func(code Code, format string, a ...any) {
		reasons = append(reasons, Reason{Code: code, Message: fmt.Sprintf(format, a...)})
	}
	c := in.Credential
	if c == nil && in.Result != nil {
		c = in.Result.Credential
	}
	reasons = append(reasons, verificationReasons(in.Result)...)
	verified := len(reasons) == 0
	if c == nil {
		if verified {
			add(CodeNotVerified, "no credential")
		}
		return Deny(reasons...)
	}

	// Types.
	if len(p.Types) > 0 && !hasAny(c.Types, p.Types) {
		add(CodeWrongType, "credential types %q are not among the accepted %q", c.Types, p.Types)
	}

	// Issuer.
	issuer := c.Issuer.ID
	trusted := false
	for i := range p.Issuers {
		if p.Issuers[i].trusts(issuer, c.Types, now) {
			trusted = true
			break
		}
	}
	if !trusted {
		reasons = append(reasons, Reason{Code: CodeUntrustedIssuer,
			Message: fmt.Sprintf("issuer %q is not trusted for these credential types now", issuer),
			cause:   vc.ErrUntrustedIssuer})
	}

	// Age.
	if p.MaxAge > 0 {
		issued := c.ValidFrom
		if issued.IsZero() {
			issued = c.IssuanceDate
		}
		switch {
		case issued.IsZero():
			add(CodeTooOld, "the credential has no validFrom to measure its age")
		case now.Sub(issued) > p.MaxAge:
			add(CodeTooOld, "issued %s ago, more than the %s allowed", now.Sub(issued).Round(time.Second), formatAge(p.MaxAge))
		}
	}

	// Status.
	if p.RequireStatus {
		st := vc.Skipped
		if in.Result != nil {
			if ch, ok := in.Result.Check(vc.CheckNameStatus); ok {
				st = ch.Status
			}
		}
		switch {
		case len(c.Status) == 0:
			add(CodeStatusRequired, "the credential has no credentialStatus")
		case st == vc.Skipped && verified:
			// A credential that failed verification is not checked further; its
			// failure is the reason.
			add(CodeStatusRequired, "the credential's status was not checked")
		}
	}

	// Holder binding.
	if !p.AllowNonHolderSubject {
		switch {
		case in.Holder == "":
			add(CodeHolderMismatch, "no authenticated holder")
		case !subjectIs(c, in.Holder):
			add(CodeHolderMismatch, "no credentialSubject id is the holder %q", in.Holder)
		}
	}

	// Claims.
	if len(p.Constraints) > 0 {
		reasons = append(reasons, p.checkClaims(c, now)...)
	}

	// Score.
	if p.MinScore > 0 {
		who := in.Holder
		if who == "" && len(c.Subjects) > 0 {
			who = c.Subjects[0].ID
		}
		score, ok := in.Scores[who]
		switch {
		case !ok:
			add(CodeLowScore, "no Sybil score for %q (minimum %g)", who, p.MinScore)
		case score < p.MinScore:
			add(CodeLowScore, "Sybil score %g of %q is below the minimum %g", score, who, p.MinScore)
		}
	}

	if len(reasons) > 0 {
		return Deny(reasons...)
	}
	return Decision{Allow: true, Reasons: []Reason{}}
}

// verificationReasons turns the failed checks of r into reasons.
func verificationReasons(r *vc.Result) []Reason {
	if r == nil {
		return []Reason{{Code: CodeNotVerified, Message: "no verification result"}}
	}
	var out []Reason
	for _, ch := range r.Checks {
		if ch.Status != vc.Failed {
			continue
		}
		code := CodeNotVerified
		switch {
		case errors.Is(ch.Err, vc.ErrExpired):
			code = CodeExpired
		case errors.Is(ch.Err, vc.ErrNotYetValid):
			code = CodeNotYetValid
		case errors.Is(ch.Err, vc.ErrRevoked):
			code = CodeRevoked
		case errors.Is(ch.Err, vc.ErrSuspended):
			code = CodeSuspended
		case errors.Is(ch.Err, vc.ErrUntrustedIssuer):
			code = CodeUntrustedIssuer
		}
		msg := ch.Name + ": " + vc.Code(ch.Err)
		if ch.Err != nil {
			msg += ": " + ch.Err.Error()
		}
		out = append(out, Reason{Code: code, Message: msg, cause: ch.Err})
	}
	if len(out) == 0 && !r.Verified {
		out = append(out, Reason{Code: CodeNotVerified, Message: "the proof was not verified"})
	}
	if r.ProofOnly {
		out = append(out, Reason{Code: CodeNotVerified, Message: "only the proof was checked"})
	}
	return out
}

// checkClaims evaluates the constraints on c's JSON.
func (p *Policy) checkClaims(c *vc.Credential, now time.Time) []Reason {
	raw := c.Raw()
	if raw == nil {
		var err error
		if raw, err = c.MarshalJSON(); err != nil {
			return []Reason{{Code: CodeMissingClaim, Message: "the credential cannot be encoded", cause: err}}
		}
	}
	doc, err := jsonx.Decode(raw, jsonx.Limits{})
	if err != nil {
		return []Reason{{Code: CodeMissingClaim, Message: "the credential's JSON cannot be read", cause: err}}
	}
	var out []Reason
	for i := range p.Constraints {
		con := &p.Constraints[i]
		if con.segs == nil {
			cp := *con
			if err := cp.validate(fmt.Sprintf("constraints[%d]", i)); err != nil {
				out = append(out, Reason{Code: CodeClaimMismatch, Message: err.Error(), cause: err})
				continue
			}
			con = &cp
		}
		vals := lookup(doc, con.segs)
		if len(vals) == 0 {
			out = append(out, Reason{Code: CodeMissingClaim, Message: fmt.Sprintf("%s is missing", con.Path)})
			continue
		}
		ok := false
		for _, v := range vals {
			if con.holds(v, now) {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, Reason{Code: CodeClaimMismatch, Message: fmt.Sprintf("%s does not satisfy %s %s", con.Path, con.Op, describeValue(con.Value))})
		}
	}
	return out
}

func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		return fmt.Sprintf("%v", v)
	}
	return fmt.Sprint(v)
}

func subjectIs(c *vc.Credential, holder string) bool {
	for _, s := range c.Subjects {
		if s.ID == holder {
			return true
		}
	}
	return false
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}
