package sybil

import (
	"cmp"
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
