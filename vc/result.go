package vc

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Names of the verification checks, in the order a verifier runs and reports them.
const (
	CheckNameStructure = "structure" // JSON and data model ([ParseCredential])
	CheckNameContexts  = "contexts"  // every @context is in the pinned set
	CheckNameProof     = "proof"     // signature, key resolution and authorization
	CheckNameValidity  = "validity"  // validity period ([CheckValidity])
	CheckNameStatus    = "status"    // status list (revocation, suspension)
	CheckNameIssuer    = "issuer"    // trusted-issuer policy
)

// CheckNames lists the check names in report order.
var CheckNames = []string{CheckNameStructure, CheckNameContexts, CheckNameProof, CheckNameValidity, CheckNameStatus, CheckNameIssuer}

// Formats of a verified credential or presentation, for [Result.Format].
const (
	FormatDataIntegrity = "data-integrity" // JSON-LD with an embedded Data Integrity proof
	FormatJOSE          = "vc+jwt"         // VC-JOSE: a compact JWS over the credential
	FormatSDJWT         = "vc+sd-jwt"      // SD-JWT VC, possibly with key binding
)

// CheckStatusKind says how a check ended. The zero value is [Skipped].
type CheckStatusKind uint8

const (
	Skipped CheckStatusKind = iota // not run: not applicable, not configured or blocked by an earlier failure
	Passed
	Failed
)

func (s CheckStatusKind) String() string {
	switch s {
	case Skipped:
		return "skipped"
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("CheckStatusKind(%d)", uint8(s))
}

// MarshalText encodes s as "passed", "failed" or "skipped".
func (s CheckStatusKind) MarshalText() ([]byte, error) {
	switch s {
	case Skipped, Passed, Failed:
		return []byte(s.String()), nil
	}
	return nil, fmt.Errorf("vc: invalid check status %d", uint8(s))
}

// UnmarshalText decodes "passed", "failed" or "skipped".
func (s *CheckStatusKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "skipped":
		*s = Skipped
	case "passed":
		*s = Passed
	case "failed":
		*s = Failed
	default:
		return fmt.Errorf("%w: invalid check status", ErrMalformed)
	}
	return nil
}

// Check is the outcome of one verification check. Err is set exactly when Status is
// Failed (for a skipped check it may say why, and is then only informative).
type Check struct {
	Name   string // one of CheckNames
	Status CheckStatusKind
	Err    error
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errJSON(err error) *errorJSON {
	if err == nil {
		return nil
	}
	return &errorJSON{Code: Code(err), Message: err.Error()}
}

// MarshalJSON encodes c as {"name","status"} plus, for a failed check,
// "error": {"code","message"}.
func (c Check) MarshalJSON() ([]byte, error) {
	var e *errorJSON
	if c.Status == Failed {
		e = errJSON(c.Err)
	}
	return json.Marshal(struct {
		Name   string          `json:"name"`
		Status CheckStatusKind `json:"status"`
		Error  *errorJSON      `json:"error,omitempty"`
	}{c.Name, c.Status, e})
}

// Result is the report of a verification: every check that ran, passed or was skipped,
// and what was verified.
//
// Its JSON form is the CLI's output: {"verified":true,"checks":[...]} or
// {"verified":false,"checks":[...],"error":{"code":"CODE","message":"..."}}.
type Result struct {
	// Verified is true when every check that ran passed, and the proof check among them.
	Verified bool

	// Format is the securing format, such as FormatDataIntegrity, or "" when the input
	// could not be classified.
	Format string

	// Checks holds one entry per check, in the order of CheckNames.
	Checks []Check

	// Credential is the verified credential (for a presentation: nil), when it parsed.
	Credential *Credential

	// Presentation is the verified presentation, when the input was one.
	Presentation *Presentation

	// ProofOnly is true when only the proof was checked (validity, status and issuer
	// policy were skipped on request), so Verified says nothing about them.
	ProofOnly bool
}

// Record adds the outcome of check name: passed when err is nil, failed otherwise.
func (r *Result) Record(name string, err error) {
	if err == nil {
		r.Checks = append(r.Checks, Check{Name: name, Status: Passed})
		return
	}
	r.Checks = append(r.Checks, Check{Name: name, Status: Failed, Err: err})
}

// Skip adds check name as skipped; why, which may be nil, says why.
func (r *Result) Skip(name string, why error) {
	r.Checks = append(r.Checks, Check{Name: name, Status: Skipped, Err: why})
}

// Check returns the entry of check name.
func (r *Result) Check(name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Err returns nil when no check failed, and otherwise a *[VerificationError] that
// unwraps to each failure, so errors.Is(err, ErrRevoked) reports a revoked credential
// even when its proof failed too.
func (r *Result) Err() error {
	var failed []Check
	for _, c := range r.Checks {
		if c.Status == Failed {
			failed = append(failed, c)
		}
	}
	if failed == nil {
		return nil
	}
	return &VerificationError{Failed: failed}
}

// Finish sets Verified (no check failed and the proof check passed) and returns Err.
// Verifiers call it once all checks are recorded.
func (r *Result) Finish() error {
	err := r.Err()
	proof, ok := r.Check(CheckNameProof)
	r.Verified = err == nil && ok && proof.Status == Passed
	return err
}

// MarshalJSON encodes r as the CLI's JSON result. The top-level error is that of the
// first failed check. A Result claiming Verified with a failed check encodes as not
// verified.
func (r *Result) MarshalJSON() ([]byte, error) {
	err := r.Err()
	checks := r.Checks
	if checks == nil {
		checks = []Check{}
	}
	var e *errorJSON
	if err != nil {
		e = errJSON(err)
	}
	return json.Marshal(struct {
		Verified bool       `json:"verified"`
		Checks   []Check    `json:"checks"`
		Error    *errorJSON `json:"error,omitempty"`
	}{r.Verified && err == nil, checks, e})
}

// VerificationError is the error of a failed verification: the failed checks, in order.
// It unwraps to each check's error, and [Code] gives the first one's code.
type VerificationError struct {
	Failed []Check
}

func (e *VerificationError) Error() string {
	var sb strings.Builder
	sb.WriteString("vc: verification failed: ")
	for i, c := range e.Failed {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(c.Name)
		sb.WriteString(": ")
		if c.Err != nil {
			sb.WriteString(c.Err.Error())
		} else {
			sb.WriteString("failed")
		}
	}
	return sb.String()
}

// Unwrap returns the error of each failed check.
func (e *VerificationError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, c := range e.Failed {
		if c.Err != nil {
			out = append(out, c.Err)
		}
	}
	return out
}
