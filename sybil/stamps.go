package sybil

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Defaults for [StampConfig].
const (
	// DefaultStampThreshold is the humanity threshold used when
	// StampConfig.Threshold is zero.
	DefaultStampThreshold = 20.0

	// DefaultMaxStamps caps the inputs of [ScoreStamps] when
	// StampConfig.MaxStamps is zero.
	DefaultMaxStamps = 1 << 20
)

// Stamp is one verified credential presented as evidence of personhood, in
// the style of Gitcoin Passport stamps: a holder DID, a credential type (its
// weight comes from [StampConfig.Weights]) and, for credentials bound to a
// real-world identity (KYC, e-residency, a phone number), an opaque
// Identifier such as a salted hash of that identity. Callers verify the
// credential first and pass the claims in this plain form.
type Stamp struct {
	ID         string    `json:"id,omitempty"`         // credential id; unique when set
	Holder     string    `json:"holder"`               // DID presenting the stamp
	Type       string    `json:"type"`                 // stamp type, a key of StampConfig.Weights
	Identifier string    `json:"identifier,omitempty"` // real-world identifier hash; empty for none
	Issued     time.Time `json:"issued"`               // start of validity; must be set
	Expires    time.Time `json:"expires,omitzero"`     // end of validity; zero for none
}

// StampConfig tunes [ScoreStamps].
type StampConfig struct {
	// Weights gives each stamp type its weight (finite, >= 0). Types not
	// listed count zero. It must not be empty.
	Weights map[string]float64

	// Threshold is the score at or above which a holder counts as human.
	// Zero means DefaultStampThreshold.
	Threshold float64

	// MaxStamps caps len(stamps); zero means DefaultMaxStamps.
	MaxStamps int
}

// StampScore is a holder's stamp score: an [Explanation] plus the
// threshold test. It marshals to JSON as the explanation's fields plus
// "threshold" and "human".
type StampScore struct {
	Explanation
	Threshold float64 `json:"threshold"`
	Human     bool    `json:"human"` // Score >= Threshold
}

// ScoreStamps scores each holder from the stamps it presents, at time now.
//
// A holder's score is the sum of the weights of its distinct valid stamp
// types. A stamp counts when:
//
//   - it is valid at now: Issued <= now, and Expires is zero or after now;
//     otherwise it gets an "expired" part and counts zero;
//   - its type has a weight, otherwise an "unknown" part;
//   - the holder has not already counted a stamp of the same type (each type
//     counts once per holder; the earliest issued is kept);
//   - its Identifier, if any, is not claimed by another holder.
//
// Each Identifier counts once across all holders. Among the valid stamps
// carrying it, the earliest Issued wins, ties broken by Holder and then ID
// in byte order; that holder owns the identifier, and every other holder's
// stamp with it counts zero with a "duplicate" part naming the owner.
// First-claimant-by-time is used rather than the strength of evidence since
// stronger evidence is something a late claimant could buy; expired stamps
// claim nothing, so a lapsed identity can be re-bound by renewing it.
//
// The result has one [StampScore] per holder, sorted by Subject; parts are
// in (Type, Issued, ID) order and end with the threshold test. Errors wrap
// [ErrInvalidInput], [ErrDuplicate] (a repeated stamp ID) or [ErrTooLarge].
func ScoreStamps(stamps []Stamp, now time.Time, cfg *StampConfig) ([]StampScore, error) {
	if cfg == nil || len(cfg.Weights) == 0 {
		return nil, fmt.Errorf("%w: no stamp weights", ErrInvalidInput)
	}
	threshold := cfg.Threshold
	if threshold == 0 {
		threshold = DefaultStampThreshold
	}
	limit := cfg.MaxStamps
	if limit <= 0 {
		limit = DefaultMaxStamps
	}
	switch {
	case now.IsZero():
		return nil, fmt.Errorf("%w: zero evaluation time", ErrInvalidInput)
	case !finiteNonNeg(threshold):
		return nil, fmt.Errorf("%w: threshold must be finite and >= 0", ErrInvalidInput)
	case len(stamps) > limit:
		return nil, fmt.Errorf("%w: %d stamps, limit %d", ErrTooLarge, len(stamps), limit)
	}
	for t, w := range cfg.Weights {
		if t == "" || !finiteNonNeg(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("%w: weight for stamp type %q must be finite and >= 0", ErrInvalidInput, t)
		}
	}
	ids := make(map[string]struct{})
	for i, s := range stamps {
		switch {
		case s.Holder == "":
			return nil, fmt.Errorf("%w: stamp %d: empty holder", ErrInvalidInput, i)
		case s.Type == "":
			return nil, fmt.Errorf("%w: stamp %d: empty type", ErrInvalidInput, i)
		case s.Issued.IsZero():
			return nil, fmt.Errorf("%w: stamp %d: zero issue time", ErrInvalidInput, i)
		case !s.Expires.IsZero() && s.Expires.Before(s.Issued):
			return nil, fmt.Errorf("%w: stamp %d: expires before issued", ErrInvalidInput, i)
		}
		if s.ID != "" {
			if _, dup := ids[s.ID]; dup {
				return nil, fmt.Errorf("%w: stamp %d: id %q", ErrDuplicate, i, s.ID)
			}
			ids[s.ID] = struct{}{}
		}
	}

	valid := func(s *Stamp) bool {
		return !now.Before(s.Issued) && (s.Expires.IsZero() || now.Before(s.Expires))
	}

	// Bind each identifier to its first valid claimant.
	owner := make(map[string]*Stamp)
	for i := range stamps {
		s := &stamps[i]
		if s.Identifier == "" || !valid(s) {
			continue
		}
		if o, ok := owner[s.Identifier]; !ok || cmp.Or(
			s.Issued.Compare(o.Issued),
			cmp.Compare(s.Holder, o.Holder),
			cmp.Compare(s.ID, o.ID),
		) < 0 {
			owner[s.Identifier] = s
		}
	}

	sorted := slices.Clone(stamps)
	slices.SortFunc(sorted, func(a, b Stamp) int {
		return cmp.Or(
			cmp.Compare(a.Holder, b.Holder),
			cmp.Compare(a.Type, b.Type),
			a.Issued.Compare(b.Issued),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Identifier, b.Identifier),
			a.Expires.Compare(b.Expires),
		)
	})

	var out []StampScore
	for i := 0; i < len(sorted); {
		holder := sorted[i].Holder
		e := Explanation{Subject: holder, Method: MethodStamps}
		seen := make(map[string]bool)
		for ; i < len(sorted) && sorted[i].Holder == holder; i++ {
			s := &sorted[i]
			ref := s.Type
			if s.ID != "" {
				ref = s.Type + " " + s.ID
			}
			w, known := cfg.Weights[s.Type]
			switch {
			case now.Before(s.Issued):
				e.add(PartExpired, ref, 0, "not valid until "+s.Issued.UTC().Format(time.RFC3339))
			case !s.Expires.IsZero() && !now.Before(s.Expires):
				e.add(PartExpired, ref, 0, "expired at "+s.Expires.UTC().Format(time.RFC3339))
			case !known:
				e.add(PartUnknown, ref, 0, "stamp type has no weight")
			case s.Identifier != "" && owner[s.Identifier].Holder != holder:
				e.add(PartDuplicate, ref, 0, "identifier already claimed by "+owner[s.Identifier].Holder)
			case seen[s.Type]:
				e.add(PartDuplicate, ref, 0, "stamp type already counted for this holder")
			default:
				seen[s.Type] = true
				e.add(PartStamp, ref, w, "")
				e.Score += w
			}
		}
		human := e.Score >= threshold
		verdict := "not passed"
		if human {
			verdict = "passed"
		}
		e.add(PartThreshold, "", threshold, verdict)
		out = append(out, StampScore{Explanation: e, Threshold: threshold, Human: human})
	}
	return out, nil
}
