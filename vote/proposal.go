package vote

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

// Voting methods of a proposal.
const (
	// MethodOnePersonOneVote gives every eligible voter one vote for one option
	// (sybil.OnePersonOneVote).
	MethodOnePersonOneVote = "one-person-one-vote"
	// MethodQuadratic gives every eligible voter Proposal.Credits credits; casting v
	// votes for an option costs v² credits (sybil.QuadraticVoting).
	MethodQuadratic = "quadratic"
	// MethodWeighted counts every eligible voter's choice with a weight from
	// TallyConfig.Weights, such as a contribution score (sybil.ScoreContributions).
	MethodWeighted = "weighted"
)

// DefaultCredits is the quadratic-voting budget when Proposal.Credits is zero.
const DefaultCredits = 100

// Proposal is a question put to a vote. Ballots for it are presentations whose holder
// proof carries the challenge ID and the domain Community, so a ballot cannot be
// replayed for another proposal or community.
type Proposal struct {
	ID        string // required: a unique id, usually a URL; the ballots' challenge
	Title     string // what is decided, for people
	Class     string // the governance class (see Config); "" when there is no config
	Community string // required: the community's DID or URL; the ballots' domain

	Options []string // the choices, 2 to MaxOptions distinct names
	Abstain string   // optional: the option that counts for the quorum only
	Reject  string   // optional: the option that means "reject the proposal"

	Opens, Closes time.Time // voting window; zero means open-ended
	Method        string    // one of the Method constants; "" means one-person-one-vote
	Credits       int64     // quadratic budget per voter; 0 means DefaultCredits
	Electorate    int       // declared electorate size for a quorum fraction; 0 = the class's

	// Eligibility is a trust policy a voter's credential must satisfy, in addition to
	// the class's; nil means only the class's.
	Eligibility *policy.Policy
}

type proposalJSON struct {
	ID          string          `json:"id"`
	Title       string          `json:"title,omitempty"`
	Class       string          `json:"class,omitempty"`
	Community   string          `json:"community"`
	Options     []string        `json:"options"`
	Abstain     string          `json:"abstain,omitempty"`
	Reject      string          `json:"reject,omitempty"`
	Opens       string          `json:"opens,omitempty"`
	Closes      string          `json:"closes,omitempty"`
	Method      string          `json:"method,omitempty"`
	Credits     int64           `json:"credits,omitempty"`
	Electorate  int             `json:"electorate,omitempty"`
	Eligibility json.RawMessage `json:"eligibility,omitempty"`
}

// ParseProposal reads a proposal: strict JSON (no duplicate member names, at most
// MaxConfigBytes and MaxConfigDepth) of the form
//
//	{"id": "https://example.org/proposals/7", "title": "...", "class": "routine",
//	 "community": "did:...", "options": ["yes", "no", "abstain"], "abstain": "abstain",
//	 "reject": "no", "opens": "2025-03-01T00:00:00Z", "closes": "2025-03-08T00:00:00Z",
//	 "method": "one-person-one-vote", "credits": 100, "electorate": 40,
//	 "eligibility": {...}}
//
// where "eligibility" is a trust policy in the form policy.Parse reads. Unknown members
// are refused. Errors wrap ErrMalformed; format violations are *FieldError.
func ParseProposal(data []byte) (*Proposal, error) {
	var pj proposalJSON
	if err := strictDecode(data, &pj); err != nil {
		return nil, err
	}
	p := &Proposal{
		ID: pj.ID, Title: pj.Title, Class: pj.Class, Community: pj.Community, Options: pj.Options,
		Abstain: pj.Abstain, Reject: pj.Reject, Method: pj.Method, Credits: pj.Credits, Electorate: pj.Electorate,
	}
	var err error
	if pj.Opens != "" {
		if p.Opens, err = vc.ParseDateTime(pj.Opens); err != nil {
			return nil, &FieldError{Field: "opens", Reason: "must be a dateTimeStamp", Err: err}
		}
	}
	if pj.Closes != "" {
		if p.Closes, err = vc.ParseDateTime(pj.Closes); err != nil {
			return nil, &FieldError{Field: "closes", Reason: "must be a dateTimeStamp", Err: err}
		}
	}
	if len(pj.Eligibility) > 0 && !bytes.Equal(pj.Eligibility, []byte("null")) {
		if p.Eligibility, err = policy.Parse(pj.Eligibility); err != nil {
			return nil, &FieldError{Field: "eligibility", Reason: "invalid policy", Err: err}
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks p: required members, caps, options, method and dates. Errors are
// *FieldError.
func (p *Proposal) Validate() error {
	switch {
	case checkName(p.ID) != nil:
		return fieldErr("id", "required, 1 to %d bytes, no control characters", MaxIDLength)
	case len(p.Title) > MaxTitleLength:
		return fieldErr("title", "longer than %d bytes", MaxTitleLength)
	case p.Class != "" && checkName(p.Class) != nil:
		return fieldErr("class", "1 to %d bytes, no control characters", MaxIDLength)
	case len(p.Community) > MaxIDLength || !vc.IsURL(p.Community):
		return fieldErr("community", "required: the community's DID or URL")
	case len(p.Options) < 2 || len(p.Options) > MaxOptions:
		return fieldErr("options", "must list 2 to %d options", MaxOptions)
	case p.Method != "" && p.Method != MethodOnePersonOneVote && p.Method != MethodQuadratic && p.Method != MethodWeighted:
		return fieldErr("method", "must be %q, %q or %q", MethodOnePersonOneVote, MethodQuadratic, MethodWeighted)
	case p.Credits < 0 || (p.Credits != 0 && p.Method != MethodQuadratic):
		return fieldErr("credits", "must be positive, and only with method %q", MethodQuadratic)
	case p.Electorate < 0:
		return fieldErr("electorate", "must be >= 0")
	case !p.Opens.IsZero() && !p.Closes.IsZero() && !p.Closes.After(p.Opens):
		return fieldErr("closes", "must be after opens")
	}
	for i, o := range p.Options {
		if err := checkName(o); err != nil {
			return fieldErr(fmt.Sprintf("options[%d]", i), "%v", err)
		}
		if slices.Contains(p.Options[:i], o) {
			return fieldErr(fmt.Sprintf("options[%d]", i), "duplicate option")
		}
	}
	if p.Abstain != "" && !slices.Contains(p.Options, p.Abstain) {
		return fieldErr("abstain", "must be one of the options")
	}
	if p.Reject != "" && (!slices.Contains(p.Options, p.Reject) || p.Reject == p.Abstain) {
		return fieldErr("reject", "must be one of the options, other than abstain")
	}
	if p.Eligibility != nil {
		if err := p.Eligibility.Validate(); err != nil {
			return &FieldError{Field: "eligibility", Reason: "invalid policy", Err: err}
		}
	}
	return nil
}

// method returns p's method with the default filled in.
func (p *Proposal) method() string {
	if p.Method == "" {
		return MethodOnePersonOneVote
	}
	return p.Method
}

// credits returns p's quadratic budget with the default filled in.
func (p *Proposal) credits() int64 {
	if p.Credits == 0 {
		return DefaultCredits
	}
	return p.Credits
}

// MarshalJSON encodes p in the form ParseProposal reads.
func (p *Proposal) MarshalJSON() ([]byte, error) {
	pj := proposalJSON{
		ID: p.ID, Title: p.Title, Class: p.Class, Community: p.Community, Options: p.Options,
		Abstain: p.Abstain, Reject: p.Reject, Method: p.Method, Credits: p.Credits, Electorate: p.Electorate,
	}
	if !p.Opens.IsZero() {
		pj.Opens = vc.FormatDateTime(p.Opens)
	}
	if !p.Closes.IsZero() {
		pj.Closes = vc.FormatDateTime(p.Closes)
	}
	if p.Eligibility != nil {
		b, err := p.Eligibility.MarshalJSON()
		if err != nil {
			return nil, err
		}
		pj.Eligibility = b
	}
	return json.Marshal(pj)
}

// Digest returns "sha256:" and the hex SHA-256 of p's JSON encoding (MarshalJSON), which
// the result credential carries so that anyone can check which proposal was decided.
func (p *Proposal) Digest() (string, error) {
	b, err := p.MarshalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}
