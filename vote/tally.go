package vote

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/policy"
)

// DefaultMaxBallots is the most ballots a tally reads when TallyConfig.MaxBallots is zero.
const DefaultMaxBallots = 100_000

// Code says why a ballot was not counted. The set is fixed; new codes are added, never
// renamed.
type Code string

// Rejection codes, in the order a ballot is checked.
const (
	CodeDuplicate      Code = "DUPLICATE"       // the same bytes were submitted before; counted once
	CodeMalformed      Code = "MALFORMED"       // not a ballot presentation, or over the size cap
	CodeWrongProposal  Code = "WRONG_PROPOSAL"  // the signed ballot is for another proposal
	CodeWrongChallenge Code = "WRONG_CHALLENGE" // the holder proof's challenge or domain is not this proposal's
	CodeNotVerified    Code = "NOT_VERIFIED"    // the holder's proof does not verify
	CodeOutsideWindow  Code = "OUTSIDE_WINDOW"  // cast before opening, after closing, or in the future
	CodeReplaced       Code = "REPLACED"        // the same voter cast a later ballot
	CodeInvalidChoice  Code = "INVALID_CHOICE"  // not an option, or the wrong kind of ballot for the method
	CodeOverspend      Code = "OVERSPEND"       // a quadratic ballot costs more than the credits
	CodeIneligible     Code = "INELIGIBLE"      // no presented credential satisfies the eligibility policies
)

// Submission is one ballot given to Tally: the presentation's bytes and where they came
// from (a file name, a request id), which the report repeats.
type Submission struct {
	Source string
	Data   []byte
}

// TallyConfig configures Tally. A nil pointer or a zero field means the default.
type TallyConfig struct {
	// Config is the governance config whose class rules apply; nil means no quorum, a
	// simple majority, and the proposal's own eligibility policy.
	Config *Config
	// Resolver resolves holder and issuer DIDs; nil means did:key and did:jwk, offline.
	Resolver did.Resolver
	// StatusChecker checks the credentials' status lists; nil means credentials with
	// status entries fail, unless IgnoreStatus is set.
	StatusChecker vc.StatusChecker
	IgnoreStatus  bool
	// Scores are voters' Sybil scores, for eligibility policies with a minScore.
	Scores map[string]float64
	// Weights are the voters' weights under MethodWeighted (for example contribution
	// scores); a voter without one has weight 0.
	Weights map[string]float64
	// Now is when the tally runs; zero means time.Now. Credentials are judged at the
	// earlier of Now and the proposal's closing time, so a tally after the close gives
	// the same report later.
	Now time.Time
	// MaxBallots caps the submissions; zero means DefaultMaxBallots.
	MaxBallots int
	// MaxBallotBytes caps each submission; zero means DefaultMaxBallotBytes.
	MaxBallotBytes int
	// Workers is the number of ballots verified at once; zero means GOMAXPROCS.
	Workers int
}

// Report is the auditable result of a tally: totals, quorum, outcome, and every ballot
// with the reason it was counted or not. Its JSON form is the output of "polity vote
// tally".
type Report struct {
	Proposal       string              `json:"proposal"`
	ProposalDigest string              `json:"proposalDigest"`
	Title          string              `json:"title,omitempty"`
	Class          string              `json:"class,omitempty"`
	Community      string              `json:"community"`
	Method         string              `json:"method"`
	EvaluatedAt    string              `json:"evaluatedAt"` // when credentials were judged
	Options        []sybil.OptionTotal `json:"options"`     // in the proposal's order
	Turnout        int                 `json:"turnout"`     // counted ballots
	Electorate     int                 `json:"electorate,omitempty"`
	Quorum         Quorum              `json:"quorum"`
	Outcome        Outcome             `json:"outcome"`
	Accepted       []Accepted          `json:"accepted"` // sorted by holder
	Rejected       []Rejected          `json:"rejected"` // in submission order
	Voters         []sybil.Explanation `json:"voters"`   // each counted voter's weight, explained
	BallotsDigest  string              `json:"ballotsDigest"`

	// Stewards and StewardsRequired are the class's M-of-N rule for the result.
	Stewards         []string `json:"stewards,omitempty"`
	StewardsRequired int      `json:"stewardsRequired,omitempty"`
}

// Quorum is the turnout required and whether it was met.
type Quorum struct {
	Required int  `json:"required"`
	Met      bool `json:"met"`
}

// Outcomes of a vote.
const (
	OutcomeApproved = "approved"  // an option reached the approval threshold
	OutcomeRejected = "rejected"  // no option did, the reject option led, or a tie
	OutcomeNoQuorum = "no-quorum" // too few ballots were counted
)

// Outcome is the decision of a vote.
type Outcome struct {
	Decision string  `json:"decision"`         // OutcomeApproved, OutcomeRejected or OutcomeNoQuorum
	Winner   string  `json:"winner,omitempty"` // the approved option
	Leading  string  `json:"leading,omitempty"`
	Share    float64 `json:"share"` // the leading option's share of decisive votes, for display
	Rule     string  `json:"rule"`  // the threshold, such as "more than 1/2" or "at least 2/3"
	Reason   string  `json:"reason"`
}

// Accepted is a counted ballot.
type Accepted struct {
	Source string           `json:"source,omitempty"`
	Digest string           `json:"digest"`
	Holder string           `json:"holder"`
	Cast   string           `json:"cast"`
	Choice string           `json:"choice,omitempty"`
	Votes  map[string]int64 `json:"votes,omitempty"`
	Weight float64          `json:"weight"`
}

// Rejected is a ballot that was not counted, and why.
type Rejected struct {
	Source     string   `json:"source,omitempty"`
	Digest     string   `json:"digest"`
	Holder     string   `json:"holder,omitempty"`
	Cast       string   `json:"cast,omitempty"`
	Code       Code     `json:"code"`
	Reason     string   `json:"reason"`
	ReplacedBy string   `json:"replacedBy,omitempty"` // digest of the ballot that replaced it
	Details    []Detail `json:"details,omitempty"`
}

// Detail is one policy reason behind an INELIGIBLE ballot.
type Detail struct {
	Credential int         `json:"credential"` // index in the presentation's verifiableCredential
	Code       policy.Code `json:"code"`
	Message    string      `json:"message"`
}

type entry struct {
	sub    Submission
	digest string
	ballot *Ballot
	holder string
	pres   *vc.PresentationResult
	rej    *Rejected
}

func (e *entry) reject(code Code, format string, a ...any) {
	r := &Rejected{Source: e.sub.Source, Digest: e.digest, Holder: e.holder, Code: code, Reason: fmt.Sprintf(format, a...)}
	if e.ballot != nil && e.holder != "" {
		r.Cast = vc.FormatDateTime(e.ballot.Cast)
	}
	e.rej = r
}

// Tally verifies ballot presentations for p and counts them.
//
// Each ballot must be a presentation (Data Integrity or vp+jwt, see [NewBallot]) whose
// holder proof carries the challenge (nonce) p.ID and the domain (audience)
// p.Community and covers a "ballot" member for p; at least one presented credential
// must verify, name the voter as its subject, and satisfy the eligibility policies
// (the class's and the proposal's). A voter is the holder DID: a later ballot
// replaces an earlier one, ordered by the signed cast time and, for equal times, by
// the greater digest. The latest authenticated ballot replaces earlier ones even when it
// then fails (an unknown option, an overspent budget, no eligible credential): a voter's
// last word counts. Every ballot ends up in Report.Accepted or Report.Rejected with a
// Code.
//
// The error is non-nil only when no tally can be made: an invalid proposal or config
// (ErrMalformed, ErrConfig), no eligibility policy (ErrConfig: policies fail closed),
// too many ballots (ErrTooLarge), or ctx done.
func Tally(ctx context.Context, p *Proposal, ballots []Submission, cfg *TallyConfig) (*Report, error) {
	var c TallyConfig
	if cfg != nil {
		c = *cfg
	}
	if p == nil {
		return nil, fmt.Errorf("%w: no proposal", ErrMalformed)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	class, err := classFor(p, c.Config)
	if err != nil {
		return nil, err
	}
	policies := make([]*policy.Policy, 0, 2)
	if class.Eligibility != nil {
		policies = append(policies, class.Eligibility)
	}
	if p.Eligibility != nil {
		policies = append(policies, p.Eligibility)
	}
	if len(policies) == 0 {
		return nil, fmt.Errorf("%w: no eligibility policy for proposal class %q", ErrConfig, p.Class)
	}
	electorate := p.Electorate
	if electorate == 0 {
		electorate = class.Electorate
	}
	if !class.QuorumFraction.IsZero() && electorate == 0 {
		return nil, fmt.Errorf("%w: class %q has a quorum fraction but no electorate size is declared", ErrConfig, p.Class)
	}
	maxBallots := cmp.Or(c.MaxBallots, DefaultMaxBallots)
	if len(ballots) > maxBallots {
		return nil, fmt.Errorf("%w: %d ballots, more than %d", ErrTooLarge, len(ballots), maxBallots)
	}
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	evalAt := now
	if !p.Closes.IsZero() && p.Closes.Before(evalAt) {
		evalAt = p.Closes
	}
	pdigest, err := p.Digest()
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Proposal: p.ID, ProposalDigest: pdigest, Title: p.Title, Class: p.Class, Community: p.Community,
		Method: p.method(), EvaluatedAt: vc.FormatDateTime(evalAt), Electorate: electorate,
		Accepted: []Accepted{}, Rejected: []Rejected{}, Voters: []sybil.Explanation{},
		Stewards: class.Stewards, StewardsRequired: class.StewardsRequired,
	}

	// Cheap checks first, in submission order.
	entries := make([]*entry, len(ballots))
	seen := make(map[string]bool, len(ballots))
	parser := vc.Parser{MaxBytes: cmp.Or(c.MaxBallotBytes, DefaultMaxBallotBytes)}
	var digests []string
	for i, s := range ballots {
		e := &entry{sub: s, digest: Digest(s.Data)}
		entries[i] = e
		if seen[e.digest] {
			e.reject(CodeDuplicate, "the same ballot was submitted before; it counts once")
			continue
		}
		seen[e.digest] = true
		digests = append(digests, e.digest)
		var pres *vc.Presentation
		var err error
		if isCompact(s.Data) {
			pres, err = parseJWTBallot(parser, s.Data)
		} else {
			pres, err = parser.ParsePresentation(s.Data)
		}
		if err != nil {
			e.reject(CodeMalformed, "not a ballot presentation: %v", err)
			continue
		}
		b, err := parseBallot(pres.Extra["ballot"])
		if err != nil {
			e.reject(CodeMalformed, "%v", err)
			continue
		}
		e.ballot = b
		if b.Proposal != p.ID {
			e.reject(CodeWrongProposal, "the ballot is for another proposal")
		}
	}
	rep.BallotsDigest = ballotsDigest(digests)

	// Verify the holder proofs and credentials in parallel.
	v := vc.NewVerifier(vc.VerifierConfig{
		Resolver: c.Resolver, Now: func() time.Time { return evalAt }, StatusChecker: c.StatusChecker,
		IgnoreStatus: c.IgnoreStatus, Contexts: Contexts(),
		// A voter may send several ballots bound to the same proposal: the tally
		// keeps the latest and counts identical bytes once, so it does its own
		// replay handling.
		DisableReplayCheck: true,
	})
	verify := func(ctx context.Context, e *entry) *vc.PresentationResult {
		pr, _ := v.VerifyPresentation(ctx, e.sub.Data, vc.PresentationOptions{Challenge: p.ID, Domain: p.Community})
		return pr
	}
	if err := verifyAll(ctx, verify, entries, cmp.Or(c.Workers, runtime.GOMAXPROCS(0))); err != nil {
		return nil, err
	}

	// Holder proofs, windows, replacement.
	latest := map[string]*entry{}
	for _, e := range entries {
		if e.rej != nil {
			continue
		}
		if err := e.pres.Presentation.Err(); err != nil {
			if errors.Is(err, vc.ErrChallengeMismatch) || errors.Is(err, vc.ErrDomainMismatch) || errors.Is(err, dataintegrity.ErrChallenge) {
				e.reject(CodeWrongChallenge, "the holder's proof is not bound to this proposal and community: %v", err)
			} else {
				e.reject(CodeNotVerified, "the holder's proof does not verify: %v", err)
			}
			continue
		}
		e.holder = e.pres.Presentation.Presentation.Holder.ID
		switch cast := e.ballot.Cast; {
		case !p.Opens.IsZero() && cast.Before(p.Opens):
			e.reject(CodeOutsideWindow, "cast before the vote opened")
			continue
		case !p.Closes.IsZero() && cast.After(p.Closes):
			e.reject(CodeOutsideWindow, "cast after the vote closed")
			continue
		case cast.After(now.Add(vc.DefaultSkew)):
			e.reject(CodeOutsideWindow, "cast in the future")
			continue
		}
		if prev, ok := latest[e.holder]; ok {
			if later(e, prev) {
				prev.reject(CodeReplaced, "replaced by a later ballot of the same voter")
				prev.rej.ReplacedBy = e.digest
				latest[e.holder] = e
			} else {
				e.reject(CodeReplaced, "replaced by a later ballot of the same voter")
				e.rej.ReplacedBy = prev.digest
			}
			continue
		}
		latest[e.holder] = e
	}

	// Choices and eligibility of each voter's latest ballot.
	credits := p.credits()
	for _, e := range entries {
		if e.rej != nil {
			continue
		}
		b := e.ballot
		switch p.method() {
		case MethodQuadratic:
			if b.Votes == nil {
				e.reject(CodeInvalidChoice, "a quadratic vote needs votes per option, not a single choice")
				continue
			}
			if o, ok := unknownOption(p, b.Votes); ok {
				e.reject(CodeInvalidChoice, "%q is not an option of the proposal", o)
				continue
			}
			if cost := sybil.QVCost(b.Votes); cost > credits {
				e.reject(CodeOverspend, "the ballot costs %d credits, more than the %d each voter has", cost, credits)
				continue
			}
		default:
			if b.Choice == "" {
				e.reject(CodeInvalidChoice, "this vote needs a single choice")
				continue
			}
			if !slices.Contains(p.Options, b.Choice) {
				e.reject(CodeInvalidChoice, "%q is not an option of the proposal", b.Choice)
				continue
			}
		}
		if details := eligibility(e, policies, c.Scores, evalAt); details != nil {
			e.reject(CodeIneligible, "no presented credential satisfies the eligibility policy")
			e.rej.Details = details
		}
	}

	for _, e := range entries {
		if e.rej != nil {
			rep.Rejected = append(rep.Rejected, *e.rej)
			continue
		}
		rep.Accepted = append(rep.Accepted, Accepted{
			Source: e.sub.Source, Digest: e.digest, Holder: e.holder, Cast: vc.FormatDateTime(e.ballot.Cast),
			Choice: e.ballot.Choice, Votes: e.ballot.Votes,
		})
	}
	sort.Slice(rep.Accepted, func(i, j int) bool { return rep.Accepted[i].Holder < rep.Accepted[j].Holder })
	if err := count(rep, p, c.Weights); err != nil {
		return nil, err
	}
	decide(rep, p, class, electorate)
	return rep, nil
}

// later reports whether a replaces b: a later cast time, or the same time and a greater
// digest.
func later(a, b *entry) bool {
	if !a.ballot.Cast.Equal(b.ballot.Cast) {
		return a.ballot.Cast.After(b.ballot.Cast)
	}
	return a.digest > b.digest
}

func unknownOption(p *Proposal, votes map[string]int64) (string, bool) {
	for _, o := range sortedKeys(votes) {
		if !slices.Contains(p.Options, o) {
			return o, true
		}
	}
	return "", false
}

// classFor returns the class rules of p under cfg.
func classFor(p *Proposal, cfg *Config) (*Class, error) {
	if cfg == nil {
		return &Class{}, nil
	}
	if cfg.Community != "" && cfg.Community != p.Community {
		return nil, fmt.Errorf("%w: the proposal is for another community than the governance config", ErrConfig)
	}
	k, ok := cfg.Classes[p.Class]
	if !ok || k == nil {
		return nil, fmt.Errorf("%w: proposal class %q is not defined", ErrConfig, p.Class)
	}
	if err := k.validate("class"); err != nil {
		return nil, err
	}
	return k, nil
}

// verifyAll verifies every entry still in the running with workers goroutines.
func verifyAll(ctx context.Context, verify func(context.Context, *entry) *vc.PresentationResult, entries []*entry, workers int) error {
	work := make(chan *entry)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for e := range work {
				e.pres = verify(ctx, e)
			}
		})
	}
	var err error
	for _, e := range entries {
		if e.rej != nil {
			continue
		}
		if err = ctx.Err(); err != nil {
			break
		}
		work <- e
	}
	close(work)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("vote: tally interrupted: %w", err)
	}
	return nil
}

// eligibility evaluates each presented credential against every policy and returns nil
// when one credential satisfies all of them, and otherwise every reason.
func eligibility(e *entry, policies []*policy.Policy, scores map[string]float64, at time.Time) []Detail {
	details := []Detail{}
	for i, cr := range e.pres.Credentials {
		ok := true
		for _, pol := range policies {
			d := pol.Evaluate(policy.Input{Result: cr, Holder: e.holder, Scores: scores, Now: at})
			if d.Allow {
				continue
			}
			ok = false
			for _, r := range d.Reasons {
				details = append(details, Detail{Credential: i, Code: r.Code, Message: r.Message})
			}
		}
		if ok {
			return nil
		}
	}
	if len(e.pres.Credentials) == 0 {
		details = append(details, Detail{Credential: -1, Code: policy.CodeMissingClaim, Message: "the ballot carries no credential"})
	}
	return details
}

// count fills in the totals and voter explanations of rep's accepted ballots.
func count(rep *Report, p *Proposal, weights map[string]float64) error {
	var t *sybil.Tally
	var err error
	switch p.method() {
	case MethodQuadratic:
		bs := make([]sybil.QVBallot, len(rep.Accepted))
		for i, a := range rep.Accepted {
			bs[i] = sybil.QVBallot{Voter: a.Holder, Votes: a.Votes}
		}
		t, err = sybil.QuadraticVoting(bs, &sybil.VoteConfig{Credits: p.credits(), MaxBallots: max(len(bs), 1)})
	case MethodWeighted:
		t = weighted(rep.Accepted, weights)
	default:
		bs := make([]sybil.Ballot, len(rep.Accepted))
		for i, a := range rep.Accepted {
			bs[i] = sybil.Ballot{Voter: a.Holder, Choice: a.Choice}
		}
		t, err = sybil.OnePersonOneVote(bs, &sybil.VoteConfig{MaxBallots: max(len(bs), 1)})
	}
	if err != nil {
		return fmt.Errorf("vote: counting: %w", err)
	}
	byOption := map[string]sybil.OptionTotal{}
	for _, o := range t.Options {
		byOption[o.Option] = o
	}
	rep.Options = make([]sybil.OptionTotal, len(p.Options))
	for i, o := range p.Options {
		ot := byOption[o]
		ot.Option = o
		rep.Options[i] = ot
	}
	rep.Voters = t.Voters
	weightOf := map[string]float64{}
	for _, x := range t.Voters {
		weightOf[x.Subject] = x.Score
	}
	for i := range rep.Accepted {
		rep.Accepted[i].Weight = weightOf[rep.Accepted[i].Holder]
	}
	rep.Turnout = len(rep.Accepted)
	return nil
}

// weighted tallies choices with per-voter weights.
func weighted(acc []Accepted, weights map[string]float64) *sybil.Tally {
	t := &sybil.Tally{Method: MethodWeighted}
	totals := map[string]*sybil.OptionTotal{}
	for _, a := range acc {
		w, ok := weights[a.Holder]
		x := sybil.Explanation{Subject: a.Holder, Method: MethodWeighted}
		switch {
		case !ok:
			w = 0
			x.Notes = append(x.Notes, "no weight for this voter: counted 0")
		case math.IsNaN(w) || math.IsInf(w, 0) || w < 0:
			w = 0
			x.Notes = append(x.Notes, "invalid weight: counted 0")
		}
		x.Score = w
		x.Parts = append(x.Parts, sybil.Part{Kind: sybil.PartVote, Ref: a.Choice, Value: w})
		t.Voters = append(t.Voters, x)
		ot := totals[a.Choice]
		if ot == nil {
			ot = &sybil.OptionTotal{Option: a.Choice}
			totals[a.Choice] = ot
		}
		ot.Votes += w
		if w > 0 {
			ot.Voters++
		}
	}
	for _, o := range sortedKeys(totals) {
		t.Options = append(t.Options, *totals[o])
	}
	return t
}

// decide sets rep's quorum and outcome under class.
func decide(rep *Report, p *Proposal, class *Class, electorate int) {
	required := class.Quorum
	if !class.QuorumFraction.IsZero() {
		n := new(big.Int).Mul(big.NewInt(class.QuorumFraction.Num), big.NewInt(int64(electorate)))
		d := big.NewInt(class.QuorumFraction.Den)
		n.Add(n, new(big.Int).Sub(d, big.NewInt(1)))
		n.Quo(n, d)
		if n.IsInt64() && int(n.Int64()) > required {
			required = int(n.Int64())
		}
	}
	rep.Quorum = Quorum{Required: required, Met: rep.Turnout >= required}
	th := class.Threshold()
	strict := class.Approval != ApprovalSupermajority
	rule := "at least " + th.String()
	if strict {
		rule = "more than " + th.String()
	}
	out := Outcome{Rule: rule}
	defer func() { rep.Outcome = out }()

	total := new(big.Rat)
	var lead string
	leadVotes, tie := new(big.Rat), false
	for _, o := range rep.Options {
		if o.Option == p.Abstain || o.Votes <= 0 || math.IsNaN(o.Votes) || math.IsInf(o.Votes, 0) {
			continue
		}
		v := new(big.Rat).SetFloat64(o.Votes)
		total.Add(total, v)
		switch c := v.Cmp(leadVotes); {
		case c > 0:
			lead, tie = o.Option, false
			leadVotes = v
		case c == 0:
			tie = true
		}
	}
	if total.Sign() > 0 {
		share := new(big.Rat).Quo(leadVotes, total)
		out.Share, _ = share.Float64()
		out.Leading = lead
		if tie {
			out.Leading = ""
		}
	}
	switch {
	case !rep.Quorum.Met:
		out.Decision = OutcomeNoQuorum
		out.Reason = fmt.Sprintf("%d ballots counted, %d needed", rep.Turnout, required)
		return
	case total.Sign() == 0:
		out.Decision = OutcomeRejected
		out.Reason = "no decisive votes were cast"
		return
	case tie:
		out.Decision = OutcomeRejected
		out.Reason = "two or more options are tied for the lead"
		return
	}
	share := new(big.Rat).Quo(leadVotes, total)
	c := share.Cmp(th.rat())
	meets := c >= 0
	if strict {
		meets = c > 0
	}
	pct := fmt.Sprintf("%.1f%% (%s)", out.Share*100, share.RatString())
	switch {
	case lead == p.Reject:
		out.Decision = OutcomeRejected
		out.Reason = fmt.Sprintf("%q leads with %s of the decisive votes", lead, pct)
	case !meets:
		out.Decision = OutcomeRejected
		out.Reason = fmt.Sprintf("%q leads with %s of the decisive votes, short of %s", lead, pct, rule)
	default:
		out.Decision = OutcomeApproved
		out.Winner = lead
		out.Reason = fmt.Sprintf("%q has %s of the decisive votes, %s", lead, pct, rule)
	}
}

// ballotsDigest is the SHA-256 of the sorted distinct ballot digests, each followed by a
// newline.
func ballotsDigest(digests []string) string {
	ds := slices.Clone(digests)
	slices.Sort(ds)
	h := sha256.New()
	for _, d := range ds {
		h.Write([]byte(d))
		h.Write([]byte{'\n'})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
