package sybil

import (
	"cmp"
	"math"
	"slices"
)

// Explanation is the JSON-friendly account of one score or weight: who it is
// about, the value, the method that produced it and the parts it was built
// from, in a deterministic order.
//
// Every score and weight in this package comes with an Explanation. Parts
// appear in the order the computation used them, which is itself fixed by
// sorting the inputs, so the same inputs always give the same Explanation.
type Explanation struct {
	Subject string   `json:"subject"`         // the DID, voter or project scored
	Score   float64  `json:"score"`           // the resulting score or weight
	Method  string   `json:"method"`          // one of the Method constants
	Parts   []Part   `json:"parts"`           // the contributions to Score, in order
	Notes   []string `json:"notes,omitempty"` // free-text remarks, in order
}

// Part is one step of an [Explanation]: a seed, an edge, a contribution, a
// stamp, a decay, a cap, a cluster discount, a threshold test, and so on.
//
// Kind is one of the Part constants (other kinds may be added later; treat
// unknown kinds as informational). Ref names the input the part is about,
// such as a credential id, an attester DID, a stamp type or a cluster name.
// The meaning of Value depends on Kind and is given with each constant.
type Part struct {
	Kind   string  `json:"kind"`
	Ref    string  `json:"ref,omitempty"`
	Value  float64 `json:"value"`
	Detail string  `json:"detail,omitempty"`
}

// Method names, used in [Explanation.Method].
const (
	MethodContribution     = "contribution"        // [ScoreContributions]
	MethodStamps           = "stamps"              // [ScoreStamps]
	MethodOnePersonOneVote = "one-person-one-vote" // [OnePersonOneVote]
	MethodQuadraticVoting  = "quadratic-voting"    // [QuadraticVoting]
	MethodQuadraticFunding = "quadratic-funding"   // [QuadraticFunding]
	MethodClusterMatch     = "cluster-match"       // [ClusterMatch]
	MethodGate             = "gate"                // [Gate.Explain]
	MethodPrior            = "prior"               // [Priors]
)

// Part kinds, used in [Part.Kind]. The graph methods add their own kinds
// ("seed", "edge", ...) with the same shape.
const (
	PartSeed         = "seed"         // Value: the trust given to a seed node
	PartEdge         = "edge"         // Value: the trust carried over an edge
	PartContribution = "contribution" // Value: the attested amount before decay
	PartDecay        = "decay"        // Value: the decay factor applied, in (0,1]
	PartSelf         = "self"         // Value: 0; a self-attested input counted zero
	PartAttester     = "attester"     // Value: the attester's trust weight in [0,1]
	PartCap          = "cap"          // Value: the cap that was hit
	PartCurve        = "curve"        // Value: the total after diminishing returns
	PartStamp        = "stamp"        // Value: the stamp type's weight
	PartExpired      = "expired"      // Value: 0; a stamp outside its validity
	PartDuplicate    = "duplicate"    // Value: 0; an input already counted elsewhere
	PartUnknown      = "unknown"      // Value: 0; a stamp type with no weight
	PartThreshold    = "threshold"    // Value: the threshold; Detail says passed or not
	PartEligibility  = "eligibility"  // Value: the voter's Sybil score; Detail the verdict
	PartVote         = "vote"         // Value: the votes cast for the option in Ref
	PartCost         = "cost"         // Value: the credits a ballot costs
	PartDonation     = "donation"     // Value: an amount given to the project in Ref
	PartMatch        = "match"        // Value: a matching amount before scaling
	PartScale        = "scale"        // Value: the factor matches were scaled by
	PartCluster      = "cluster"      // Value: the cluster's contribution to a match
	PartPrior        = "prior"        // Value: a prior in [0,1]
)

// add appends a part.
func (e *Explanation) add(kind, ref string, value float64, detail string) {
	e.Parts = append(e.Parts, Part{Kind: kind, Ref: ref, Value: value, Detail: detail})
}

// note appends a note.
func (e *Explanation) note(s string) { e.Notes = append(e.Notes, s) }

// SortExplanations sorts exps by Subject, then Method, in place. Functions in
// this package already return their explanations in this order.
func SortExplanations(exps []Explanation) {
	slices.SortStableFunc(exps, func(a, b Explanation) int {
		return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Method, b.Method))
	})
}

// Scores returns the Score of each explanation keyed by Subject. If a
// subject appears twice the later entry wins.
func Scores(exps []Explanation) map[string]float64 {
	m := make(map[string]float64, len(exps))
	for _, e := range exps {
		m[e.Subject] = e.Score
	}
	return m
}

// Defaults for [PriorConfig].
const (
	// DefaultPriorScale is the contribution score that gives half of the
	// full contribution evidence when PriorConfig.ContributionScale is
	// zero: about what one fully trusted attester at DefaultAttesterCap
	// gives under the default square-root curve.
	DefaultPriorScale = 3.0

	// DefaultMaxPrior is the prior given to the strongest evidence when
	// PriorConfig.MaxPrior is zero. It stays below 1 so off-graph evidence
	// never settles a node's label on its own.
	DefaultMaxPrior = 0.75
)

// PriorConfig tunes [Priors]. A nil pointer uses the defaults.
type PriorConfig struct {
	// ContributionScale is the contribution score that counts as half the
	// full evidence; zero means DefaultPriorScale.
	ContributionScale float64

	// MaxPrior is the prior of a node with full evidence, in (0.5, 1];
	// zero means DefaultMaxPrior.
	MaxPrior float64
}

// Priors turns contribution scores (from [ScoreContributions]) and stamp
// scores (from [ScoreStamps]) into per-node priors for the graph methods:
// the probability, from off-graph evidence, that a node is honest, as
// [RankOptions.Priors] expects.
//
// Each kind of evidence gives a strength in [0,1]: a contribution score s
// gives s/(s+ContributionScale), a stamp score gives score/threshold capped
// at 1 (so a holder at the humanity threshold has full stamp strength).
// The two combine as independent evidence, 1 − (1−a)(1−b), and the prior is
// 0.5 + (MaxPrior − 0.5) × strength. So no evidence is the neutral 0.5 and
// absence of stamps or contributions never counts against a node.
//
// The map has one entry per subject of either input. Invalid config values
// fall back to the defaults. Use [NodePriors] to lay it out per node.
func Priors(contributions []Explanation, stamps []StampScore, cfg *PriorConfig) map[string]float64 {
	scale, top := DefaultPriorScale, DefaultMaxPrior
	if cfg != nil {
		if cfg.ContributionScale > 0 && !math.IsInf(cfg.ContributionScale, 1) {
			scale = cfg.ContributionScale
		}
		if cfg.MaxPrior > 0.5 && cfg.MaxPrior <= 1 {
			top = cfg.MaxPrior
		}
	}
	miss := make(map[string]float64) // 1 − strength, multiplied per evidence
	for _, e := range contributions {
		var a float64
		switch s := e.Score; {
		case math.IsInf(s, 1):
			a = 1
		case s > 0:
			a = s / (s + scale)
		}
		m, ok := miss[e.Subject]
		if !ok {
			m = 1
		}
		miss[e.Subject] = m * (1 - a)
	}
	for _, st := range stamps {
		var a float64
		switch {
		case st.Threshold > 0 && st.Score > 0:
			a = min(1, st.Score/st.Threshold)
		case st.Threshold == 0 && st.Score > 0:
			a = 1
		}
		m, ok := miss[st.Subject]
		if !ok {
			m = 1
		}
		miss[st.Subject] = m * (1 - a)
	}
	out := make(map[string]float64, len(miss))
	for id, m := range miss {
		out[id] = 0.5 + (top-0.5)*(1-m)
	}
	return out
}

// NodePriors lays priors out per node of g, as [RankOptions.Priors]
// expects: entry i is priors[g.ID(i)], or NaN (no evidence) when absent.
func NodePriors(g *Graph, priors map[string]float64) []float64 {
	if g == nil {
		return nil
	}
	out := make([]float64, g.Len())
	for i := range out {
		p, ok := priors[g.ID(i)]
		if !ok {
			p = math.NaN()
		}
		out[i] = p
	}
	return out
}
