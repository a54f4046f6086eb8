package sybil

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Defaults and caps for the vote-weight functions.
const (
	// DefaultCredits is each voter's quadratic-voting budget when
	// VoteConfig.Credits is zero.
	DefaultCredits = 100

	// DefaultMaxBallots caps the ballots of a tally when
	// VoteConfig.MaxBallots is zero, and the donations of a funding round
	// when FundingConfig.MaxDonations is zero.
	DefaultMaxBallots = 1 << 20

	// MaxBallotOptions caps the options named in one quadratic-voting ballot.
	MaxBallotOptions = 4096
)

// Gate admits voters whose Sybil score reaches a minimum. A nil *Gate
// admits everyone. A non-nil Gate admits a voter only when Scores holds a
// score for it and that score is >= MinScore, so a Gate with no Scores
// admits no one: the gate fails closed.
//
// Tallies never fail on an ineligible voter: the voter gets weight 0 and an
// "eligibility" part with the reason.
type Gate struct {
	Scores   map[string]float64 `json:"scores"`   // Sybil score per voter DID
	MinScore float64            `json:"minScore"` // finite; scores below it get weight 0
}

func (g *Gate) validate() error {
	if g != nil && (math.IsNaN(g.MinScore) || math.IsInf(g.MinScore, 0)) {
		return fmt.Errorf("%w: gate minimum score must be finite", ErrInvalidInput)
	}
	return nil
}

// Check returns nil if voter passes the gate, and otherwise an error
// wrapping [ErrNotEligible] with the reason.
func (g *Gate) Check(voter string) error {
	_, reason := g.admit(voter)
	if reason != "" {
		return fmt.Errorf("%w: voter %q: %s", ErrNotEligible, voter, reason)
	}
	return nil
}

// admit returns the voter's score and, if it is not admitted, the reason.
func (g *Gate) admit(voter string) (float64, string) {
	if g == nil {
		return 1, ""
	}
	s, ok := g.Scores[voter]
	switch {
	case !ok:
		return 0, "no Sybil score"
	case math.IsNaN(s):
		return 0, "Sybil score is NaN"
	case s < g.MinScore:
		return s, "Sybil score " + ff(s) + " below minimum " + ff(g.MinScore)
	}
	return s, ""
}

// Explain returns the voter's weight under the gate, 1 or 0, with an
// "eligibility" part whose Value is the voter's Sybil score and whose
// Detail gives the verdict.
func (g *Gate) Explain(voter string) Explanation {
	e := Explanation{Subject: voter, Method: MethodGate}
	g.explainInto(&e, voter)
	return e
}

// explainInto adds the eligibility part to e, sets e.Score to the weight
// and reports whether voter is eligible.
func (g *Gate) explainInto(e *Explanation, voter string) bool {
	s, reason := g.admit(voter)
	if reason != "" {
		e.add(PartEligibility, voter, s, "weight 0: "+reason)
		e.Score = 0
		return false
	}
	if g == nil {
		e.add(PartEligibility, voter, s, "eligible: no gate")
	} else {
		e.add(PartEligibility, voter, s, "eligible: score >= "+ff(g.MinScore))
	}
	e.Score = 1
	return true
}

// VoteConfig tunes [OnePersonOneVote] and [QuadraticVoting]. A nil pointer
// uses the defaults.
type VoteConfig struct {
	// Gate restricts who may vote; nil admits everyone.
	Gate *Gate

	// Credits is each voter's quadratic-voting budget; zero means
	// DefaultCredits, negative is an error.
	Credits int64

	// MaxBallots caps len(ballots); zero means DefaultMaxBallots.
	MaxBallots int
}

func (c *VoteConfig) defaults() (VoteConfig, error) {
	var v VoteConfig
	if c != nil {
		v = *c
	}
	if v.Credits == 0 {
		v.Credits = DefaultCredits
	}
	if v.MaxBallots <= 0 {
		v.MaxBallots = DefaultMaxBallots
	}
	if v.Credits < 0 {
		return v, fmt.Errorf("%w: negative credits", ErrInvalidInput)
	}
	return v, v.Gate.validate()
}

// Ballot is a one-person-one-vote ballot: Voter picks Choice.
type Ballot struct {
	Voter  string `json:"voter"`
	Choice string `json:"choice"`
}

// QVBallot is a quadratic-voting ballot: Votes maps each option to the
// votes cast for it, negative for votes against. It costs the sum of the
// squares of the votes, see [QVCost].
type QVBallot struct {
	Voter string           `json:"voter"`
	Votes map[string]int64 `json:"votes"`
}

// Tally is the result of a vote: the totals per option and each voter's
// weight with its explanation.
type Tally struct {
	Method  string        `json:"method"`
	Options []OptionTotal `json:"options"` // sorted by Option
	Voters  []Explanation `json:"voters"`  // one per ballot, sorted by Subject
}

// OptionTotal is the result for one option of a [Tally].
type OptionTotal struct {
	Option string  `json:"option"`
	Votes  float64 `json:"votes"`  // net weighted votes
	Voters int     `json:"voters"` // eligible voters who gave it non-zero votes
}

// OnePersonOneVote tallies ballots with one vote per eligible voter. A voter
// the gate rejects gets weight 0 and the reason in its explanation. Errors
// wrap [ErrInvalidInput] (an empty voter or choice), [ErrDuplicateBallot]
// (a voter with two ballots) or [ErrTooLarge].
func OnePersonOneVote(ballots []Ballot, cfg *VoteConfig) (*Tally, error) {
	c, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	if len(ballots) > c.MaxBallots {
		return nil, fmt.Errorf("%w: %d ballots, limit %d", ErrTooLarge, len(ballots), c.MaxBallots)
	}
	for i, b := range ballots {
		if b.Voter == "" || b.Choice == "" {
			return nil, fmt.Errorf("%w: ballot %d: empty voter or choice", ErrInvalidInput, i)
		}
	}
	sorted := slices.Clone(ballots)
	slices.SortFunc(sorted, func(a, b Ballot) int {
		return cmp.Or(cmp.Compare(a.Voter, b.Voter), cmp.Compare(a.Choice, b.Choice))
	})
	t := &Tally{Method: MethodOnePersonOneVote}
	totals := make(map[string]*OptionTotal)
	for i, b := range sorted {
		if i > 0 && sorted[i-1].Voter == b.Voter {
			return nil, fmt.Errorf("%w: voter %q", ErrDuplicateBallot, b.Voter)
		}
		e := Explanation{Subject: b.Voter, Method: MethodOnePersonOneVote}
		ok := c.Gate.explainInto(&e, b.Voter)
		ot := totals[b.Choice]
		if ot == nil {
			ot = &OptionTotal{Option: b.Choice}
			totals[b.Choice] = ot
		}
		if ok {
			e.add(PartVote, b.Choice, 1, "")
			ot.Votes++
			ot.Voters++
		}
		t.Voters = append(t.Voters, e)
	}
	t.Options = sortedTotals(totals)
	return t, nil
}

// QVCost returns the credits a quadratic-voting ballot costs: the sum over
// options of votes squared. It saturates at math.MaxInt64 instead of
// overflowing, so an absurd ballot is simply unaffordable.
func QVCost(votes map[string]int64) int64 {
	var total int64
	for _, v := range votes {
		total = satAdd(total, satSquare(v))
	}
	return total
}

func satSquare(v int64) int64 {
	if v < 0 {
		v = -v // MinInt64 stays negative and is caught below
	}
	if v < 0 || v > 3037000499 { // floor(sqrt(MaxInt64))
		return math.MaxInt64
	}
	return v * v
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// QuadraticVoting tallies quadratic-voting ballots: each eligible voter has
// cfg.Credits credits and a ballot costs [QVCost], the sum of votes
// squared. Option totals are net votes (votes against subtract). A voter
// the gate rejects gets weight 0 and the reason in its explanation; its
// ballot is still checked.
//
// A ballot that costs more than the credits makes the whole tally fail
// with a [*CreditsError] (errors.Is [ErrInsufficientCredits]); check
// ballots one by one with QVCost when they arrive. Other errors wrap
// [ErrInvalidInput] (empty voter or option), [ErrDuplicateBallot] (a voter
// with two ballots) or [ErrTooLarge] (too many ballots, or more than
// [MaxBallotOptions] options in a ballot).
func QuadraticVoting(ballots []QVBallot, cfg *VoteConfig) (*Tally, error) {
	c, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	if len(ballots) > c.MaxBallots {
		return nil, fmt.Errorf("%w: %d ballots, limit %d", ErrTooLarge, len(ballots), c.MaxBallots)
	}
	order := make([]int, len(ballots))
	for i, b := range ballots {
		order[i] = i
		switch {
		case b.Voter == "":
			return nil, fmt.Errorf("%w: ballot %d: empty voter", ErrInvalidInput, i)
		case len(b.Votes) > MaxBallotOptions:
			return nil, fmt.Errorf("%w: ballot %d: %d options, limit %d", ErrTooLarge, i, len(b.Votes), MaxBallotOptions)
		}
		if _, ok := b.Votes[""]; ok {
			return nil, fmt.Errorf("%w: ballot %d: empty option", ErrInvalidInput, i)
		}
		if cost := QVCost(b.Votes); cost > c.Credits {
			return nil, &CreditsError{Voter: b.Voter, Cost: cost, Credits: c.Credits}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ballots[a].Voter, ballots[b].Voter) })
	t := &Tally{Method: MethodQuadraticVoting}
	totals := make(map[string]*OptionTotal)
	for k, i := range order {
		b := &ballots[i]
		if k > 0 && ballots[order[k-1]].Voter == b.Voter {
			return nil, fmt.Errorf("%w: voter %q", ErrDuplicateBallot, b.Voter)
		}
		e := Explanation{Subject: b.Voter, Method: MethodQuadraticVoting}
		ok := c.Gate.explainInto(&e, b.Voter)
		opts := make([]string, 0, len(b.Votes))
		for o := range b.Votes {
			opts = append(opts, o)
		}
		slices.Sort(opts)
		for _, o := range opts {
			v := b.Votes[o]
			ot := totals[o]
			if ot == nil {
				ot = &OptionTotal{Option: o}
				totals[o] = ot
			}
			if v == 0 || !ok {
				continue
			}
			e.add(PartVote, o, float64(v), "costs "+ff(float64(v)*float64(v)))
			ot.Votes += float64(v)
			ot.Voters++
		}
		e.add(PartCost, "", float64(QVCost(b.Votes)), "of "+ff(float64(c.Credits))+" credits")
		t.Voters = append(t.Voters, e)
	}
	t.Options = sortedTotals(totals)
	return t, nil
}

func sortedTotals(m map[string]*OptionTotal) []OptionTotal {
	out := make([]OptionTotal, 0, len(m))
	for _, ot := range m {
		out = append(out, *ot)
	}
	slices.SortFunc(out, func(a, b OptionTotal) int { return cmp.Compare(a.Option, b.Option) })
	return out
}

// Donation is an amount a contributor gave to a project in a funding round.
// Several donations by the same contributor to the same project are summed.
type Donation struct {
	Contributor string  `json:"contributor"`
	Project     string  `json:"project"`
	Amount      float64 `json:"amount"` // finite, >= 0
}

// FundingConfig tunes [QuadraticFunding] and [ClusterMatch]. A nil pointer
// uses the defaults.
type FundingConfig struct {
	// Pool is the matching pool. When > 0, raw matches are scaled in
	// proportion so they add up to Pool (up or down), subject to
	// ProjectCap. Zero pays raw matches unscaled. Negative, NaN or Inf is
	// an error.
	Pool float64

	// ProjectCap is the most one project's match may be. When the pool is
	// scaled, what a capped project cannot take is shared among the others
	// in proportion to their raw matches; when no project can take more it
	// is reported as Funding.Unallocated. Zero or +Inf means no cap.
	ProjectCap float64

	// Gate restricts whose donations are matched; nil admits everyone.
	// Donations from rejected contributors still reach the project (they
	// count in ProjectFunding.Donations) but attract no match.
	Gate *Gate

	// MaxDonations caps len(donations) and, for ClusterMatch, the total
	// number of cluster memberships; zero means DefaultMaxBallots.
	MaxDonations int

	// MaxClusters caps the number of declared clusters for ClusterMatch;
	// zero means DefaultMaxClusters, and it is never above the hard cap
	// MaxClusters.
	MaxClusters int
}

// Funding is the result of a funding round.
type Funding struct {
	Method       string           `json:"method"`
	Pool         float64          `json:"pool"`
	Unallocated  float64          `json:"unallocated"`  // pool left because every project hit its cap
	Projects     []ProjectFunding `json:"projects"`     // sorted by Subject (the project)
	Contributors []Explanation    `json:"contributors"` // gate verdict per contributor, sorted
}

// ProjectFunding is one project's result: its [Explanation] (Subject is
// the project, Score the final match) plus the totals. It marshals to JSON
// as the explanation's fields plus the totals.
type ProjectFunding struct {
	Explanation
	Donations float64 `json:"donations"` // all donations received
	Eligible  float64 `json:"eligible"`  // donations from contributors the gate admits
	Raw       float64 `json:"raw"`       // match before pool scaling and caps
	Match     float64 `json:"match"`     // final match, equal to Score
}

// QuadraticFunding computes quadratic-funding matches (the CLR formula of
// Buterin, Hitzig and Weyl): a project whose eligible contributors gave
// c_1..c_n gets the raw match
//
//	(Σ √c_i)² − Σ c_i
//
// then matches are scaled to cfg.Pool and capped per project (see
// [FundingConfig]). Donations are summed per (contributor, project) and
// sorted before summing, so results are deterministic. Errors wrap
// [ErrInvalidInput] (empty ids, NaN/Inf/negative amounts, bad config) or
// [ErrTooLarge].
//
// Plain QF assumes contributors do not coordinate; [ClusterMatch] discounts
// coordinated clusters.
func QuadraticFunding(donations []Donation, cfg *FundingConfig) (*Funding, error) {
	r, err := newRound(donations, cfg)
	if err != nil {
		return nil, err
	}
	r.f.Method = MethodQuadraticFunding
	for k := range r.projects {
		p := &r.projects[k]
		var s, sq float64
		for _, d := range p.donors {
			root := math.Sqrt(d.amount)
			s += root
			sq += root * root
		}
		p.out.Raw = max(0, s*s-sq)
		p.out.add(PartMatch, "", p.out.Raw, "(sum of roots)^2 - sum = "+ff(s)+"^2 - "+ff(sq))
	}
	r.finish()
	return &r.f, nil
}

// round is the shared state of QuadraticFunding and ClusterMatch.
type round struct {
	cfg      FundingConfig
	f        Funding
	projects []roundProject
}

type roundProject struct {
	out    ProjectFunding
	donors []donor // eligible donors with amount > 0, sorted by id
}

type donor struct {
	id     string
	amount float64
}

func newRound(donations []Donation, cfg *FundingConfig) (*round, error) {
	var c FundingConfig
	if cfg != nil {
		c = *cfg
	}
	if c.MaxDonations <= 0 {
		c.MaxDonations = DefaultMaxBallots
	}
	if c.MaxClusters <= 0 {
		c.MaxClusters = DefaultMaxClusters
	}
	switch {
	case !finiteNonNeg(c.Pool):
		return nil, fmt.Errorf("%w: pool must be finite and >= 0", ErrInvalidInput)
	case math.IsNaN(c.ProjectCap) || c.ProjectCap < 0:
		return nil, fmt.Errorf("%w: project cap must be >= 0", ErrInvalidInput)
	case len(donations) > c.MaxDonations:
		return nil, fmt.Errorf("%w: %d donations, limit %d", ErrTooLarge, len(donations), c.MaxDonations)
	}
	if err := c.Gate.validate(); err != nil {
		return nil, err
	}
	for i, d := range donations {
		switch {
		case d.Contributor == "" || d.Project == "":
			return nil, fmt.Errorf("%w: donation %d: empty contributor or project", ErrInvalidInput, i)
		case !finiteNonNeg(d.Amount):
			return nil, fmt.Errorf("%w: donation %d: amount must be finite and >= 0", ErrInvalidInput, i)
		}
	}
	if math.IsInf(c.ProjectCap, 1) {
		c.ProjectCap = 0
	}
	sorted := slices.Clone(donations)
	slices.SortFunc(sorted, func(a, b Donation) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Contributor, b.Contributor), cmp.Compare(a.Amount, b.Amount))
	})

	r := &round{cfg: c, f: Funding{Pool: c.Pool}}
	gate := make(map[string]bool)
	for i := 0; i < len(sorted); {
		p := roundProject{out: ProjectFunding{Explanation: Explanation{Subject: sorted[i].Project}}}
		for i < len(sorted) && sorted[i].Project == p.out.Subject {
			who := sorted[i].Contributor
			var sum float64
			n := 0
			for ; i < len(sorted) && sorted[i].Project == p.out.Subject && sorted[i].Contributor == who; i++ {
				sum += sorted[i].Amount
				n++
			}
			p.out.Donations += sum
			ok, seen := gate[who]
			if !seen {
				e := Explanation{Subject: who, Method: MethodGate}
				ok = c.Gate.explainInto(&e, who)
				gate[who] = ok
				r.f.Contributors = append(r.f.Contributors, e)
			}
			detail := ""
			if n > 1 {
				detail = fmt.Sprintf("%d donations", n)
			}
			if !ok {
				s, reason := c.Gate.admit(who)
				p.out.add(PartEligibility, who, s, "not matched: "+reason)
				continue
			}
			p.out.add(PartDonation, who, sum, detail)
			p.out.Eligible += sum
			if sum > 0 {
				p.donors = append(p.donors, donor{id: who, amount: sum})
			}
		}
		r.projects = append(r.projects, p)
	}
	SortExplanations(r.f.Contributors)
	return r, nil
}

// finish scales raw matches to the pool, applies the cap and fills f.
func (r *round) finish() {
	ps := r.projects
	method := r.f.Method
	limit := r.cfg.ProjectCap
	pool := r.cfg.Pool
	capped := make([]bool, len(ps))
	switch {
	case pool == 0:
		for k := range ps {
			m := ps[k].out.Raw
			if limit > 0 && m > limit {
				ps[k].out.add(PartCap, "", limit, "raw match "+ff(m)+" capped")
				m = limit
			}
			ps[k].out.Match = m
		}
	default:
		// Water-filling: share what is left among uncapped projects in
		// proportion to their raw matches until none exceeds the limit.
		remaining := pool
		for remaining > 0 {
			var total float64
			for k := range ps {
				if !capped[k] {
					total += ps[k].out.Raw
				}
			}
			if total == 0 {
				break
			}
			hit := false
			if limit > 0 {
				for k := range ps {
					if !capped[k] && ps[k].out.Raw > 0 && remaining*ps[k].out.Raw/total >= limit {
						capped[k] = true
						hit = true
						ps[k].out.Match = limit
					}
				}
			}
			if !hit {
				factor := remaining / total
				for k := range ps {
					if !capped[k] {
						ps[k].out.Match = ps[k].out.Raw * factor
					}
				}
				remaining = 0
				break
			}
			remaining = pool
			for k := range ps {
				if capped[k] {
					remaining -= limit
				}
			}
		}
		r.f.Unallocated = max(0, remaining)
		for k := range ps {
			p := &ps[k].out
			if capped[k] {
				p.add(PartCap, "", limit, "share of pool capped; excess shared among other projects")
			} else if p.Raw > 0 {
				p.add(PartScale, "", p.Match/p.Raw, "scaled to pool "+ff(pool))
			}
		}
	}
	r.f.Projects = make([]ProjectFunding, len(ps))
	for k := range ps {
		p := ps[k].out
		p.Method = method
		p.Score = p.Match
		r.f.Projects[k] = p
	}
}
