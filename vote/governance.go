package vote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

// Caps on proposals and governance configs. Inputs over them give ErrMalformed.
const (
	MaxConfigBytes   = 256 << 10 // JSON size of a proposal or governance config
	MaxConfigDepth   = 24        // JSON nesting
	MaxClasses       = 64        // classes in one governance config
	MaxStewards      = 256       // stewards of one class
	MaxOptions       = 64        // options of one proposal
	MaxIDLength      = 512       // proposal id, class name, option and DID lengths
	MaxTitleLength   = 1024      // proposal title length
	maxFractionDigit = 18        // digits of a fraction's numerator and denominator
)

// Approval rules of a class.
const (
	// ApprovalMajority approves the leading option when it has more than half of the
	// decisive votes (abstentions are not decisive).
	ApprovalMajority = "majority"
	// ApprovalSupermajority approves the leading option when it has at least
	// Class.Fraction of the decisive votes (two thirds when Fraction is zero).
	ApprovalSupermajority = "supermajority"
)

// Fraction is an exact ratio Num/Den in [0,1], such as a supermajority of 2/3 or a quorum
// of 1/4 of the electorate. The zero value means unset. In JSON it is a number ("0.25")
// or a string ("2/3", "0.25"); it encodes as the string "Num/Den" in lowest terms.
type Fraction struct {
	Num, Den int64
}

// ParseFraction parses "n/d" or a decimal such as "0.6" into a fraction in [0,1].
// Errors wrap ErrMalformed.
func ParseFraction(s string) (Fraction, error) {
	if len(s) == 0 || len(s) > 2*maxFractionDigit+1 || strings.ContainsAny(s, "eE+- ") {
		return Fraction{}, fmt.Errorf("%w: fraction must be n/d or a decimal in [0,1]", ErrMalformed)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 || !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return Fraction{}, fmt.Errorf("%w: fraction must be n/d or a decimal in [0,1]", ErrMalformed)
	}
	return Fraction{Num: r.Num().Int64(), Den: r.Denom().Int64()}, nil
}

// IsZero reports whether f is unset.
func (f Fraction) IsZero() bool { return f.Den == 0 }

// String returns "Num/Den", or "" for an unset fraction.
func (f Fraction) String() string {
	if f.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d/%d", f.Num, f.Den)
}

// Float returns f as a float64 (0 when unset), for display only.
func (f Fraction) Float() float64 {
	if f.IsZero() {
		return 0
	}
	return float64(f.Num) / float64(f.Den)
}

func (f Fraction) rat() *big.Rat { return big.NewRat(f.Num, f.Den) }

// MarshalJSON encodes f as "Num/Den".
func (f Fraction) MarshalJSON() ([]byte, error) { return json.Marshal(f.String()) }

// UnmarshalJSON decodes a number or a string; see ParseFraction.
func (f *Fraction) UnmarshalJSON(data []byte) error {
	s := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%w: fraction", ErrMalformed)
		}
	}
	v, err := ParseFraction(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Class is a kind of proposal and the rules it is decided by: who may vote, the quorum,
// the approval threshold and the stewards who must co-sign the result.
type Class struct {
	// Quorum is the minimum number of counted ballots; 0 means none.
	Quorum int
	// QuorumFraction is the minimum turnout as a fraction of the electorate size;
	// zero means none. It needs a declared electorate (Electorate, or the proposal's).
	QuorumFraction Fraction
	// Electorate is the declared number of voters, used by QuorumFraction when the
	// proposal declares none.
	Electorate int
	// Approval is ApprovalMajority (the default when empty) or ApprovalSupermajority.
	Approval string
	// Fraction is the supermajority threshold; zero means 2/3. It must be above 1/2.
	Fraction Fraction
	// Eligibility is the electorate of the class: the trust policy a voter's
	// credential must satisfy (for a working group, its working-group credential;
	// for critical proposals, the community's membership credential). A proposal's
	// own eligibility policy applies in addition.
	Eligibility *policy.Policy
	// Stewards and StewardsRequired say that the result credential is valid only with
	// proofs of StewardsRequired distinct Stewards (M of N); see VerifyResult.
	Stewards         []string
	StewardsRequired int
}

// Threshold returns the approval threshold: 1/2 for a majority (which must be
// exceeded) or the supermajority fraction (which must be reached).
func (c *Class) Threshold() Fraction {
	if c.Approval == ApprovalSupermajority {
		if c.Fraction.IsZero() {
			return Fraction{2, 3}
		}
		return c.Fraction
	}
	return Fraction{1, 2}
}

// Config is a community's governance configuration: its classes of proposals.
type Config struct {
	// Community is the community's DID; when set, proposals must name it.
	Community string
	// Classes maps class names, such as "routine" or "critical", to their rules.
	Classes map[string]*Class
}

type classJSON struct {
	Quorum           int             `json:"quorum,omitempty"`
	QuorumFraction   Fraction        `json:"quorumFraction,omitzero"`
	Electorate       int             `json:"electorate,omitempty"`
	Approval         string          `json:"approval,omitempty"`
	Fraction         Fraction        `json:"fraction,omitzero"`
	Eligibility      json.RawMessage `json:"eligibility,omitempty"`
	Stewards         []string        `json:"stewards,omitempty"`
	StewardsRequired int             `json:"stewardsRequired,omitempty"`
}

type configJSON struct {
	Community string                `json:"community,omitempty"`
	Classes   map[string]*classJSON `json:"classes"`
}

// ParseConfig reads a governance config: strict JSON (no duplicate member names, at most
// MaxConfigBytes and MaxConfigDepth) of the form
//
//	{"community": "did:...",
//	 "classes": {
//	   "routine":  {"quorum": 3, "approval": "majority", "eligibility": {...}},
//	   "critical": {"quorumFraction": "1/2", "electorate": 40, "approval": "supermajority",
//	                "fraction": "2/3", "stewards": ["did:..."], "stewardsRequired": 2}}}
//
// where "eligibility" is a trust policy in the form policy.Parse reads. Unknown members
// are refused. Errors wrap ErrMalformed; format violations are *FieldError.
func ParseConfig(data []byte) (*Config, error) {
	var cj configJSON
	if err := strictDecode(data, &cj); err != nil {
		return nil, err
	}
	if cj.Classes == nil {
		return nil, fieldErr("classes", "required")
	}
	c := &Config{Community: cj.Community, Classes: make(map[string]*Class, len(cj.Classes))}
	for name, cl := range cj.Classes {
		if cl == nil {
			return nil, fieldErr("classes."+safeName(name), "must be an object")
		}
		k := &Class{
			Quorum: cl.Quorum, QuorumFraction: cl.QuorumFraction, Electorate: cl.Electorate,
			Approval: cl.Approval, Fraction: cl.Fraction, Stewards: cl.Stewards, StewardsRequired: cl.StewardsRequired,
		}
		if len(cl.Eligibility) > 0 && !bytes.Equal(cl.Eligibility, []byte("null")) {
			p, err := policy.Parse(cl.Eligibility)
			if err != nil {
				return nil, &FieldError{Field: "classes." + safeName(name) + ".eligibility", Reason: "invalid policy", Err: err}
			}
			k.Eligibility = p
		}
		if len(k.Stewards) == 0 {
			k.Stewards = nil
		}
		c.Classes[name] = k
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks c: caps, names, rules and stewards. Errors are *FieldError.
func (c *Config) Validate() error {
	if c.Community != "" && !vc.IsURL(c.Community) {
		return fieldErr("community", "must be a DID or URL")
	}
	if len(c.Classes) > MaxClasses {
		return fieldErr("classes", "more than %d classes", MaxClasses)
	}
	for _, name := range sortedKeys(c.Classes) {
		if err := c.Classes[name].validate("classes." + safeName(name)); err != nil {
			return err
		}
		if err := checkName(name); err != nil {
			return fieldErr("classes", "class name %v", err)
		}
	}
	return nil
}

func (c *Class) validate(field string) error {
	if c == nil {
		return fieldErr(field, "must be an object")
	}
	switch {
	case c.Quorum < 0:
		return fieldErr(field+".quorum", "must be >= 0")
	case c.Electorate < 0:
		return fieldErr(field+".electorate", "must be >= 0")
	case c.Approval != "" && c.Approval != ApprovalMajority && c.Approval != ApprovalSupermajority:
		return fieldErr(field+".approval", "must be %q or %q", ApprovalMajority, ApprovalSupermajority)
	case !c.QuorumFraction.IsZero() && !validFraction(c.QuorumFraction):
		return fieldErr(field+".quorumFraction", "must be in [0,1]")
	case !c.Fraction.IsZero() && (c.Approval != ApprovalSupermajority || !validFraction(c.Fraction) || c.Fraction.rat().Cmp(big.NewRat(1, 2)) <= 0):
		return fieldErr(field+".fraction", "must be above 1/2 and at most 1, with approval %q", ApprovalSupermajority)
	case len(c.Stewards) > MaxStewards:
		return fieldErr(field+".stewards", "more than %d stewards", MaxStewards)
	case c.StewardsRequired < 0 || c.StewardsRequired > len(c.Stewards):
		return fieldErr(field+".stewardsRequired", "must be between 0 and the number of stewards")
	}
	for i, s := range c.Stewards {
		if !strings.HasPrefix(s, "did:") || len(s) > MaxIDLength || !vc.IsURL(s) || strings.Contains(s, "#") {
			return fieldErr(fmt.Sprintf("%s.stewards[%d]", field, i), "must be a DID")
		}
		if slices.Contains(c.Stewards[:i], s) {
			return fieldErr(fmt.Sprintf("%s.stewards[%d]", field, i), "duplicate steward")
		}
	}
	if c.Eligibility != nil {
		if err := c.Eligibility.Validate(); err != nil {
			return &FieldError{Field: field + ".eligibility", Reason: "invalid policy", Err: err}
		}
	}
	return nil
}

func validFraction(f Fraction) bool {
	return f.Den > 0 && f.Num >= 0 && f.Num <= f.Den
}

// MarshalJSON encodes c in the form ParseConfig reads.
func (c *Config) MarshalJSON() ([]byte, error) {
	cj := configJSON{Community: c.Community, Classes: make(map[string]*classJSON, len(c.Classes))}
	for name, k := range c.Classes {
		if k == nil {
			continue
		}
		kj := &classJSON{
			Quorum: k.Quorum, QuorumFraction: k.QuorumFraction, Electorate: k.Electorate, Approval: k.Approval,
			Fraction: k.Fraction, Stewards: k.Stewards, StewardsRequired: k.StewardsRequired,
		}
		if k.Eligibility != nil {
			b, err := k.Eligibility.MarshalJSON()
			if err != nil {
				return nil, err
			}
			kj.Eligibility = b
		}
		cj.Classes[name] = kj
	}
	return json.Marshal(cj)
}

// strictDecode checks data with the strict JSON layer and decodes it into v, refusing
// unknown members.
func strictDecode(data []byte, v any) error {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: MaxConfigBytes, MaxDepth: MaxConfigDepth}); err != nil {
		if errors.Is(err, jsonx.ErrTooLarge) {
			return fmt.Errorf("%w: configuration over %d bytes", ErrTooLarge, MaxConfigBytes)
		}
		return &FieldError{Reason: "not strict JSON", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return err
		}
		if errors.Is(err, ErrMalformed) {
			return &FieldError{Reason: "bad value", Err: err}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fieldErr(te.Field, "wrong JSON type")
		}
		return &FieldError{Reason: "unknown member or bad value"}
	}
	return nil
}

// checkName checks a class or option name: 1 to MaxIDLength bytes, no control characters.
func checkName(s string) error {
	if s == "" || len(s) > MaxIDLength {
		return fmt.Errorf("must have 1 to %d bytes", MaxIDLength)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd {
			return errors.New("contains a control character")
		}
	}
	return nil
}

// safeName returns s for use in an error field path when it is a short printable name.
func safeName(s string) string {
	if checkName(s) != nil || len(s) > 64 {
		return "?"
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
