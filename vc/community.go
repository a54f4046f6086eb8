package vc

import (
	"encoding/json"
	"slices"
	"time"
)

// Polity's community credential types. Their terms are defined by the JSON-LD context
// [ContextPolity] (https://polity.id/ns/v1), a protected JSON-LD 1.1 context whose
// vocabulary lives under https://polity.id/ns# (for example https://polity.id/ns#memberSince).
// It is used after the VC 2.0 context and redefines none of its terms.
const (
	TypeMembership   = "MembershipCredential"   // https://polity.id/ns#MembershipCredential
	TypeResidency    = "ResidencyCredential"    // https://polity.id/ns#ResidencyCredential
	TypeContribution = "ContributionCredential" // https://polity.id/ns#ContributionCredential

	// PolityVocab is the base IRI of Polity's vocabulary.
	PolityVocab = "https://polity.id/ns#"
)

// MembershipClaims says that a subject is a member of a community. In the credential they
// are the properties of the single credentialSubject.
type MembershipClaims struct {
	Member    string    // credentialSubject.id: the member, usually a DID (required)
	Community string    // community: the community's DID or URL (required)
	Role      string    // role, such as "member" or "moderator" (optional)
	Since     time.Time // memberSince, xsd:dateTime (optional; zero = absent)
}

// ResidencyClaims says that a subject lives (or lived) at a place, such as a node of a
// mesh network, a neighbourhood or a building.
type ResidencyClaims struct {
	Resident  string    // credentialSubject.id (required)
	Place     string    // place: URL or DID of the node or place (required)
	Community string    // community (optional)
	Start     time.Time // residencyStart, xsd:dateTime (required)
	End       time.Time // residencyEnd, xsd:dateTime (optional; zero = ongoing)
}

// ContributionClaims says that a subject contributed something to a community.
type ContributionClaims struct {
	Contributor string    // credentialSubject.id (required)
	Activity    string    // activity: what was contributed, such as "code review" (required)
	Date        time.Time // contributionDate, xsd:dateTime: when (required)
	Community   string    // community (optional)
	Amount      string    // amount, an xsd:decimal such as "12.5" (optional); a string keeps it exact
	Unit        string    // unit of Amount, such as "hour" or "EUR" (required with Amount)
	AttestedBy  string    // attestedBy: URL or DID of who attests the contribution (optional)
}

// newCommunityCredential returns the unsigned skeleton of a Polity credential.
func newCommunityCredential(typ string, subject Node) *Credential {
	return &Credential{
		Context:  []LDContext{{URL: ContextV2}, {URL: ContextPolity}},
		Types:    []string{TypeCredential, typ},
		Subjects: []Node{subject},
	}
}

func setString(props map[string]any, key, v string) {
	if v != "" {
		props[key] = v
	}
}

func setTime(props map[string]any, key string, t time.Time) {
	if !t.IsZero() {
		props[key] = FormatDateTime(t)
	}
}

// NewMembership returns an unsigned VCDM 2.0 MembershipCredential carrying m, with the
// contexts ContextV2 and ContextPolity. The caller sets Issuer (the community's or its
// registrar's DID) and usually ID, ValidFrom and ValidUntil, then validates and secures it.
func NewMembership(m MembershipClaims) *Credential {
	props := map[string]any{}
	setString(props, "community", m.Community)
	setString(props, "role", m.Role)
	setTime(props, "memberSince", m.Since)
	return newCommunityCredential(TypeMembership, Node{ID: m.Member, Props: props})
}

// NewResidency returns an unsigned VCDM 2.0 ResidencyCredential carrying r; see
// [NewMembership].
func NewResidency(r ResidencyClaims) *Credential {
	props := map[string]any{}
	setString(props, "place", r.Place)
	setString(props, "community", r.Community)
	setTime(props, "residencyStart", r.Start)
	setTime(props, "residencyEnd", r.End)
	return newCommunityCredential(TypeResidency, Node{ID: r.Resident, Props: props})
}

// NewContribution returns an unsigned VCDM 2.0 ContributionCredential carrying k; see
// [NewMembership].
func NewContribution(k ContributionClaims) *Credential {
	props := map[string]any{}
	setString(props, "activity", k.Activity)
	setTime(props, "contributionDate", k.Date)
	setString(props, "community", k.Community)
	setString(props, "amount", k.Amount)
	setString(props, "unit", k.Unit)
	setString(props, "attestedBy", k.AttestedBy)
	return newCommunityCredential(TypeContribution, Node{ID: k.Contributor, Props: props})
}

// claimReader reads the properties of a community credential's single subject.
type claimReader struct {
	subj  Node
	field string
	err   error
}

func (c *Credential) communitySubject(typ string) (*claimReader, error) {
	if !c.HasType(typ) {
		return nil, malformed("type", "does not include %s", typ)
	}
	if !slices.Contains(c.ContextURLs(), ContextPolity) {
		return nil, malformed("@context", "does not include %s", ContextPolity)
	}
	if len(c.Subjects) != 1 {
		return nil, malformed("credentialSubject", "a %s has exactly one subject", typ)
	}
	r := &claimReader{subj: c.Subjects[0], field: "credentialSubject"}
	return r, nil
}

func (r *claimReader) fail(key, format string, args ...any) {
	if r.err == nil {
		r.err = malformed(r.field+"."+key, format, args...)
	}
}

func (r *claimReader) id(required bool) string {
	if r.subj.ID == "" && required {
		r.fail("id", "missing")
	}
	return r.subj.ID
}

func (r *claimReader) str(key string, required bool) string {
	v, ok := r.subj.Props[key]
	if !ok {
		if required {
			r.fail(key, "missing")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok || s == "" {
		r.fail(key, "not a non-empty string")
	}
	return s
}

func (r *claimReader) url(key string, required bool) string {
	s := r.str(key, required)
	if s != "" && !IsURL(s) {
		r.fail(key, "not a URL")
	}
	return s
}

func (r *claimReader) time(key string, required bool) time.Time {
	s := r.str(key, required)
	if s == "" {
		return time.Time{}
	}
	t, err := parseDateTime(s)
	if err != nil {
		r.fail(key, "%v", err)
	}
	return t
}

func (r *claimReader) decimal(key string) string {
	v, ok := r.subj.Props[key]
	if !ok {
		return ""
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		r.fail(key, "not a decimal")
		return ""
	}
	if !isDecimal(s) {
		r.fail(key, "not an xsd:decimal")
	}
	return s
}

// isDecimal checks the xsd:decimal lexical form: optional sign, digits, optional fraction.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for _, c := range []byte(s) {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Membership returns the claims of a MembershipCredential. The credential must have the
// type MembershipCredential, the context ContextPolity and exactly one subject with an id
// and a community. Errors are *[FieldError] wrapping [ErrMalformed]. Membership does not
// verify anything: use it on the Credential of a verified [Result].
func (c *Credential) Membership() (MembershipClaims, error) {
	r, err := c.communitySubject(TypeMembership)
	if err != nil {
		return MembershipClaims{}, err
	}
	m := MembershipClaims{
		Member:    r.id(true),
		Community: r.url("community", true),
		Role:      r.str("role", false),
		Since:     r.time("memberSince", false),
	}
	if r.err != nil {
		return MembershipClaims{}, r.err
	}
	return m, nil
}

// Residency returns the claims of a ResidencyCredential; see [Credential.Membership].
// The subject needs an id, a place and a residencyStart, and residencyEnd, when present,
// must not be before residencyStart.
func (c *Credential) Residency() (ResidencyClaims, error) {
	r, err := c.communitySubject(TypeResidency)
	if err != nil {
		return ResidencyClaims{}, err
	}
	rc := ResidencyClaims{
		Resident:  r.id(true),
		Place:     r.url("place", true),
		Community: r.url("community", false),
		Start:     r.time("residencyStart", true),
		End:       r.time("residencyEnd", false),
	}
	if r.err == nil && !rc.End.IsZero() && rc.End.Before(rc.Start) {
		r.fail("residencyEnd", "before residencyStart")
	}
	if r.err != nil {
		return ResidencyClaims{}, r.err
	}
	return rc, nil
}

// Contribution returns the claims of a ContributionCredential; see
// [Credential.Membership]. The subject needs an id, an activity and a contributionDate;
// an amount must be an xsd:decimal and comes with a unit.
func (c *Credential) Contribution() (ContributionClaims, error) {
	r, err := c.communitySubject(TypeContribution)
	if err != nil {
		return ContributionClaims{}, err
	}
	k := ContributionClaims{
		Contributor: r.id(true),
		Activity:    r.str("activity", true),
		Date:        r.time("contributionDate", true),
		Community:   r.url("community", false),
		Amount:      r.decimal("amount"),
		Unit:        r.str("unit", false),
		AttestedBy:  r.url("attestedBy", false),
	}
	if r.err == nil && k.Amount != "" && k.Unit == "" {
		r.fail("unit", "missing (required with amount)")
	}
	if r.err != nil {
		return ContributionClaims{}, r.err
	}
	return k, nil
}

// validateCommunity checks the claims of Polity's own credential types, when the
// credential uses Polity's context.
func validateCommunity(c *Credential) error {
	if !slices.Contains(c.ContextURLs(), ContextPolity) {
		return nil
	}
	var err error
	switch {
	case c.HasType(TypeMembership):
		_, err = c.Membership()
	case c.HasType(TypeResidency):
		_, err = c.Residency()
	case c.HasType(TypeContribution):
		_, err = c.Contribution()
	}
	return err
}
