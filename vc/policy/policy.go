package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
)

// Caps on policy files. Inputs over them give ErrMalformed.
const (
	MaxPolicyBytes  = 256 << 10 // JSON size of a policy or registry file
	MaxPolicyDepth  = 16        // JSON nesting
	MaxIssuers      = 4096      // trusted issuers in one policy or registry
	MaxConstraints  = 64        // constraints in one policy
	MaxPathSegments = 16        // segments of a claim path
	MaxInValues     = 256       // values of one "in" constraint
	MaxTypes        = 64        // types listed in a policy or issuer entry
)

// Policy is a community's trust policy: which issuers are trusted for which
// credential types, which claims a credential must carry, how old it may be,
// whether its status must have been checked, and the holder's minimum Sybil
// score. Evaluate it on a verification result with [Policy.Evaluate].
//
// The zero Policy trusts no issuer, so it denies every credential: policies
// fail closed.
type Policy struct {
	// ID names the policy, for logs (optional).
	ID string
	// Types lists the accepted credential types; a credential must have at
	// least one of them. Empty accepts every type the issuers are trusted for.
	Types []string
	// Issuers is the trust registry: who may issue which types, and when.
	Issuers []TrustedIssuer
	// Constraints must all hold on the credential's JSON.
	Constraints []Constraint
	// MaxAge is the longest time since the credential's validFrom (or 1.1
	// issuanceDate); 0 means no limit.
	MaxAge time.Duration
	// RequireStatus denies credentials whose status (revocation, suspension)
	// was not checked, including credentials without credentialStatus.
	RequireStatus bool
	// MinScore, when positive, is the holder's minimum Sybil score; a holder
	// without a score is denied.
	MinScore float64
	// AllowNonHolderSubject accepts credentials about someone other than the
	// presentation's holder. By default a credentialSubject id must be the
	// authenticated holder.
	AllowNonHolderSubject bool
}

// policyJSON is the file form of a Policy.
type policyJSON struct {
	ID                    string          `json:"id,omitempty"`
	Types                 []string        `json:"types,omitempty"`
	Issuers               []TrustedIssuer `json:"issuers,omitempty"`
	Constraints           []Constraint    `json:"constraints,omitempty"`
	MaxAge                string          `json:"maxAge,omitempty"`
	RequireStatus         bool            `json:"requireStatus,omitempty"`
	MinScore              json.Number     `json:"minScore,omitempty"`
	AllowNonHolderSubject bool            `json:"allowNonHolderSubject,omitempty"`
}

// Parse reads a policy file: strict JSON (no duplicate member names, at most
// MaxPolicyBytes and MaxPolicyDepth) with the members
//
//	{"id": "...", "types": ["MembershipCredential"],
//	 "issuers": [{"did": "did:...", "name": "...", "types": [...], "validFrom": "...", "validUntil": "..."}],
//	 "constraints": [{"path": "credentialSubject.role", "op": "in", "value": ["member", "steward"]}],
//	 "maxAge": "365d", "requireStatus": true, "minScore": 0.5, "allowNonHolderSubject": false}
//
// Unknown members are refused, so a misspelt rule cannot be silently ignored.
// maxAge is a Go duration ("36h") or a whole number of days ("30d"). Errors wrap
// ErrMalformed; format violations are *[FieldError].
func Parse(data []byte) (*Policy, error) {
	var pj policyJSON
	if err := strictDecode(data, &pj); err != nil {
		return nil, err
	}
	p := &Policy{
		ID: pj.ID, Types: pj.Types, Issuers: pj.Issuers, Constraints: pj.Constraints,
		RequireStatus: pj.RequireStatus, AllowNonHolderSubject: pj.AllowNonHolderSubject,
	}
	if len(p.Types) == 0 {
		p.Types = nil
	}
	if len(p.Issuers) == 0 {
		p.Issuers = nil
	}
	if len(p.Constraints) == 0 {
		p.Constraints = nil
	}
	if pj.MaxAge != "" {
		d, err := parseAge(pj.MaxAge)
		if err != nil {
			return nil, fieldErr("maxAge", "%v", err)
		}
		p.MaxAge = d
	}
	if pj.MinScore != "" {
		f, err := strconv.ParseFloat(string(pj.MinScore), 64)
		if err != nil || math.IsInf(f, 0) || f < 0 {
			return nil, fieldErr("minScore", "must be a finite number >= 0")
		}
		p.MinScore = f
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// strictDecode checks data with the strict JSON layer and decodes it into v,
// refusing unknown members.
func strictDecode(data []byte, v any) error {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: MaxPolicyBytes, MaxDepth: MaxPolicyDepth}); err != nil {
		return &FieldError{Reason: "not strict JSON", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var fe *FieldError
		if ok := asFieldError(err, &fe); ok {
			return fe
		}
		return &FieldError{Reason: describeDecodeError(err)}
	}
	return nil
}

func asFieldError(err error, target **FieldError) bool {
	for err != nil {
		if fe, ok := err.(*FieldError); ok {
			*target = fe
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// describeDecodeError turns an encoding/json error into a message that names the
// field but not the value.
func describeDecodeError(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("%s: wrong JSON type %s", e.Field, e.Value)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown member " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return "wrong JSON structure"
}

// Validate checks p: caps, issuer entries, constraints and numbers.
// Errors are *FieldError wrapping ErrMalformed.
func (p *Policy) Validate() error {
	if len(p.Types) > MaxTypes {
		return fieldErr("types", "more than %d types", MaxTypes)
	}
	for i, t := range p.Types {
		if t == "" {
			return fieldErr(fmt.Sprintf("types[%d]", i), "empty type")
		}
	}
	if len(p.Issuers) > MaxIssuers {
		return fieldErr("issuers", "more than %d issuers", MaxIssuers)
	}
	for i := range p.Issuers {
		if err := p.Issuers[i].validate(fmt.Sprintf("issuers[%d]", i)); err != nil {
			return err
		}
	}
	if len(p.Constraints) > MaxConstraints {
		return fieldErr("constraints", "more than %d constraints", MaxConstraints)
	}
	for i := range p.Constraints {
		if err := p.Constraints[i].validate(fmt.Sprintf("constraints[%d]", i)); err != nil {
			return err
		}
	}
	if p.MaxAge < 0 {
		return fieldErr("maxAge", "negative")
	}
	if math.IsNaN(p.MinScore) || math.IsInf(p.MinScore, 0) || p.MinScore < 0 {
		return fieldErr("minScore", "must be a finite number >= 0")
	}
	return nil
}

// MarshalJSON encodes p in the file form that [Parse] reads.
func (p *Policy) MarshalJSON() ([]byte, error) {
	pj := policyJSON{
		ID: p.ID, Types: p.Types, Issuers: p.Issuers, Constraints: p.Constraints,
		RequireStatus: p.RequireStatus, AllowNonHolderSubject: p.AllowNonHolderSubject,
	}
	if p.MaxAge != 0 {
		pj.MaxAge = formatAge(p.MaxAge)
	}
	if p.MinScore != 0 {
		pj.MinScore = json.Number(strconv.FormatFloat(p.MinScore, 'g', -1, 64))
	}
	return json.Marshal(pj)
}

// Trust adds the issuers of r to p's trusted issuers.
func (p *Policy) Trust(r *Registry) {
	if r == nil {
		return
	}
	p.Issuers = append(p.Issuers[:len(p.Issuers):len(p.Issuers)], r.Issuers...)
}

// parseAge reads "30d" (whole days) or a Go duration.
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 32)
		if err != nil || n == 0 || n > 100*366 {
			return 0, fmt.Errorf("days must be a whole number from 1 to 36600")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("not a positive duration such as \"30d\" or \"12h\"")
	}
	return d, nil
}

func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// TrustedIssuer is one entry of a trust registry: an issuer DID trusted for some
// credential types during a period.
type TrustedIssuer struct {
	DID        string    // the issuer's DID (or URL), compared exactly with the credential's issuer id
	Name       string    // a display name, optional
	Types      []string  // the credential types it is trusted for; empty means every type
	ValidFrom  time.Time // the entry applies from this time; zero means always
	ValidUntil time.Time // the entry applies until this time; zero means forever
}

type issuerJSON struct {
	DID        string   `json:"did"`
	Name       string   `json:"name,omitempty"`
	Types      []string `json:"types,omitempty"`
	ValidFrom  string   `json:"validFrom,omitempty"`
	ValidUntil string   `json:"validUntil,omitempty"`
}

// MarshalJSON encodes the entry with dateTimeStamp dates.
func (t TrustedIssuer) MarshalJSON() ([]byte, error) {
	j := issuerJSON{DID: t.DID, Name: t.Name, Types: t.Types}
	if !t.ValidFrom.IsZero() {
		j.ValidFrom = vc.FormatDateTime(t.ValidFrom)
	}
	if !t.ValidUntil.IsZero() {
		j.ValidUntil = vc.FormatDateTime(t.ValidUntil)
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes an entry; dates are XML Schema dateTimeStamps.
func (t *TrustedIssuer) UnmarshalJSON(data []byte) error {
	var j issuerJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return &FieldError{Field: "issuers", Reason: describeDecodeError(err)}
	}
	*t = TrustedIssuer{DID: j.DID, Name: j.Name, Types: j.Types}
	if len(t.Types) == 0 {
		t.Types = nil
	}
	var err error
	if j.ValidFrom != "" {
		if t.ValidFrom, err = vc.ParseDateTime(j.ValidFrom); err != nil {
			return fieldErr("issuers.validFrom", "not a dateTimeStamp")
		}
	}
	if j.ValidUntil != "" {
		if t.ValidUntil, err = vc.ParseDateTime(j.ValidUntil); err != nil {
			return fieldErr("issuers.validUntil", "not a dateTimeStamp")
		}
	}
	return nil
}

func (t *TrustedIssuer) validate(field string) error {
	if !vc.IsURL(t.DID) {
		return fieldErr(field+".did", "not a DID or URL")
	}
	if len(t.Types) > MaxTypes {
		return fieldErr(field+".types", "more than %d types", MaxTypes)
	}
	for i, typ := range t.Types {
		if typ == "" {
			return fieldErr(fmt.Sprintf("%s.types[%d]", field, i), "empty type")
		}
	}
	if !t.ValidFrom.IsZero() && !t.ValidUntil.IsZero() && t.ValidUntil.Before(t.ValidFrom) {
		return fieldErr(field+".validUntil", "before validFrom")
	}
	return nil
}

// trusts reports whether the entry trusts issuer for a credential with types at now.
func (t *TrustedIssuer) trusts(issuer string, types []string, now time.Time) bool {
	if t.DID != issuer {
		return false
	}
	if !t.ValidFrom.IsZero() && now.Before(t.ValidFrom) {
		return false
	}
	if !t.ValidUntil.IsZero() && now.After(t.ValidUntil) {
		return false
	}
	if len(t.Types) == 0 {
		return true
	}
	for _, want := range t.Types {
		for _, have := range types {
			if want == have {
				return true
			}
		}
	}
	return false
}
