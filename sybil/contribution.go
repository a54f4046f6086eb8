package sybil

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults for [ContributionConfig].
const (
	// DefaultHalfLife is the contribution half-life used when
	// ContributionConfig.HalfLife is zero: about six months.
	DefaultHalfLife = 180 * 24 * time.Hour

	// DefaultAttesterCap is the most one attester can credit to one
	// contributor, after decay, when ContributionConfig.AttesterCap is zero.
	DefaultAttesterCap = 10.0

	// DefaultMaxContributions caps the inputs of [ScoreContributions] when
	// ContributionConfig.MaxContributions is zero.
	DefaultMaxContributions = 1 << 20
)

// Contribution is one attested contribution: an attester (the issuer of a
// contribution credential) says the contributor (its subject) contributed
// Amount at Time. Callers verify the credential first and pass the claims in
// this plain form, so this package holds no verification code.
type Contribution struct {
	ID          string    `json:"id,omitempty"` // credential id; unique when set
	Contributor string    `json:"contributor"`  // subject DID
	Attester    string    `json:"attester"`     // issuer DID
	Amount      float64   `json:"amount"`       // finite, >= 0, in the caller's unit
	Time        time.Time `json:"time"`         // when it happened; must be set
}

// Curve is the diminishing-returns function applied to a contributor's
// credited total.
type Curve int

const (
	CurveSqrt   Curve = iota // √x: the default; four times the work, twice the score
	CurveLog1p               // ln(1+x): stronger diminishing returns
	CurveLinear              // x: no diminishing returns
)

// String returns the curve's name as used in explanations: "sqrt",
// "log1p" or "linear".
func (c Curve) String() string {
	switch c {
	case CurveSqrt:
		return "sqrt"
	case CurveLog1p:
		return "log1p"
	case CurveLinear:
		return "linear"
	}
	return "Curve(" + strconv.Itoa(int(c)) + ")"
}

func (c Curve) apply(x float64) float64 {
	switch c {
	case CurveLog1p:
		return math.Log1p(x)
	case CurveLinear:
		return x
	}
	return math.Sqrt(x)
}

// ContributionConfig tunes [ScoreContributions]. The zero value (or a nil
// pointer) uses the documented defaults.
type ContributionConfig struct {
	// HalfLife is the time after which a contribution counts half.
	// Zero means DefaultHalfLife; negative is an error.
	HalfLife time.Duration

	// Curve is the diminishing-returns function; zero means CurveSqrt.
	Curve Curve

	// AttesterCap is the most one attester can credit to one contributor,
	// summed over its contributions after decay and before trust weighting.
	// Zero means DefaultAttesterCap; +Inf means no cap; negative or NaN is
	// an error.
	AttesterCap float64

	// Trust returns the attester's own trust, for example its graph score
	// normalised to [0,1]. Values are clamped to [0,1]; NaN counts as 0.
	// It is called once per distinct attester. Nil trusts every attester
	// fully, which is only sound when the caller already vetted attesters.
	Trust func(attester string) float64

	// MaxContributions caps len(contributions); zero means
	// DefaultMaxContributions.
	MaxContributions int
}

// ScoreContributions scores each contributor from attested contributions.
//
// For contributor X the score is
//
//	curve( Σ_attesters trust(a) · min(cap, Σ_{c from a to X} amount(c) · 2^(−age(c)/halfLife)) )
//
// where age(c) = now − c.Time (a future time counts as age 0) and curve is
// √x by default. So a contribution exactly one half-life old counts half,
// one attester can never credit more than the cap, an attester's weight is
// its own trust, and the concave curve gives diminishing returns to piling
// up contributions. A self-attested contribution (Attester equals
// Contributor, ignoring any DID URL fragment or query) counts zero.
//
// The result has one [Explanation] per contributor, sorted by Subject, whose
// parts list every contribution, decay, cap, attester weight and the curve,
// in a deterministic order (inputs are sorted before summing). Errors wrap
// [ErrInvalidInput] (empty ids, NaN/Inf/negative amounts, zero times, bad
// config), [ErrDuplicate] (a repeated ID) or [ErrTooLarge].
func ScoreContributions(contributions []Contribution, now time.Time, cfg *ContributionConfig) ([]Explanation, error) {
	var c ContributionConfig
	if cfg != nil {
		c = *cfg
	}
	if c.HalfLife == 0 {
		c.HalfLife = DefaultHalfLife
	}
	if c.AttesterCap == 0 {
		c.AttesterCap = DefaultAttesterCap
	}
	if c.MaxContributions <= 0 {
		c.MaxContributions = DefaultMaxContributions
	}
	switch {
	case now.IsZero():
		return nil, fmt.Errorf("%w: zero evaluation time", ErrInvalidInput)
	case c.HalfLife < 0:
		return nil, fmt.Errorf("%w: negative half-life", ErrInvalidInput)
	case math.IsNaN(c.AttesterCap) || c.AttesterCap < 0:
		return nil, fmt.Errorf("%w: attester cap must be >= 0", ErrInvalidInput)
	case c.Curve < CurveSqrt || c.Curve > CurveLinear:
		return nil, fmt.Errorf("%w: unknown curve %d", ErrInvalidInput, int(c.Curve))
	case len(contributions) > c.MaxContributions:
		return nil, fmt.Errorf("%w: %d contributions, limit %d", ErrTooLarge, len(contributions), c.MaxContributions)
	}
	ids := make(map[string]struct{})
	for i, x := range contributions {
		switch {
		case x.Contributor == "":
			return nil, fmt.Errorf("%w: contribution %d: empty contributor", ErrInvalidInput, i)
		case x.Attester == "":
			return nil, fmt.Errorf("%w: contribution %d: empty attester", ErrInvalidInput, i)
		case !finiteNonNeg(x.Amount):
			return nil, fmt.Errorf("%w: contribution %d: amount must be finite and >= 0", ErrInvalidInput, i)
		case x.Time.IsZero():
			return nil, fmt.Errorf("%w: contribution %d: zero time", ErrInvalidInput, i)
		}
		if x.ID != "" {
			if _, dup := ids[x.ID]; dup {
				return nil, fmt.Errorf("%w: contribution %d: id %q", ErrDuplicate, i, x.ID)
			}
			ids[x.ID] = struct{}{}
		}
	}

	// Sort pointers, not 88-byte structs, comparing lazily.
	sorted := make([]*Contribution, len(contributions))
	for i := range contributions {
		sorted[i] = &contributions[i]
	}
	slices.SortFunc(sorted, func(a, b *Contribution) int {
		if c := strings.Compare(a.Contributor, b.Contributor); c != 0 {
			return c
		}
		if c := strings.Compare(a.Attester, b.Attester); c != 0 {
			return c
		}
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Amount, b.Amount)
	})

	trust := make(map[string]float64)
	trustOf := func(a string) float64 {
		if w, ok := trust[a]; ok {
			return w
		}
		w := 1.0
		if c.Trust != nil {
			w = clamp01(c.Trust(a))
		}
		trust[a] = w
		return w
	}
	hl := c.HalfLife.Seconds()

	var out []Explanation
	for i := 0; i < len(sorted); {
		subject := sorted[i].Contributor
		e := Explanation{Subject: subject, Method: MethodContribution}
		var raw float64
		for i < len(sorted) && sorted[i].Contributor == subject {
			attester := sorted[i].Attester
			self := sameDID(attester, subject)
			var sum float64
			counted := false
			for ; i < len(sorted) && sorted[i].Contributor == subject && sorted[i].Attester == attester; i++ {
				x := sorted[i]
				ref := contributionRef(x)
				if self {
					e.add(PartSelf, ref, 0, "self-attested by "+attester+": counts zero")
					continue
				}
				counted = true
				e.add(PartContribution, ref, x.Amount, "by "+attester)
				age := now.Sub(x.Time)
				if age < 0 {
					e.add(PartDecay, ref, 1, "future-dated: not decayed")
					sum += x.Amount
					continue
				}
				f := math.Exp2(-age.Seconds() / hl)
				if f < 1 {
					e.add(PartDecay, ref, f, "age "+ff(age.Hours()/24)+" days")
				}
				sum += x.Amount * f
			}
			if !counted {
				continue
			}
			if sum > c.AttesterCap {
				e.add(PartCap, attester, c.AttesterCap, "attester total "+ff(sum)+" capped")
				sum = c.AttesterCap
			}
			w := trustOf(attester)
			e.add(PartAttester, attester, w, "credited "+ff(w)+" x "+ff(sum)+" = "+ff(w*sum))
			raw += w * sum
		}
		e.Score = c.Curve.apply(raw)
		e.add(PartCurve, c.Curve.String(), e.Score, c.Curve.String()+"("+ff(raw)+")")
		out = append(out, e)
	}
	return out, nil
}

func contributionRef(x *Contribution) string {
	if x.ID != "" {
		return x.ID
	}
	return x.Attester + "@" + x.Time.UTC().Format(time.RFC3339Nano)
}

// sameDID reports whether a and b name the same DID, ignoring any DID URL
// path, query or fragment.
func sameDID(a, b string) bool { return baseDID(a) == baseDID(b) }

func baseDID(s string) string {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		return s[:i]
	}
	return s
}

func finiteNonNeg(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

func clamp01(x float64) float64 {
	switch {
	case x > 1:
		return 1
	case x >= 0:
		return x
	}
	return 0 // negative or NaN
}

// ff formats a float for explanation details, deterministically.
func ff(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
