package vote

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
)

// ResultTally is the "tally" claim of a VoteResultCredential: the counts behind the
// outcome, a JSON literal covered by every proof.
type ResultTally struct {
	Method           string              `json:"method"`
	Options          []sybil.OptionTotal `json:"options"`
	Turnout          int                 `json:"turnout"`
	Electorate       int                 `json:"electorate,omitempty"`
	Quorum           Quorum              `json:"quorum"`
	Leading          string              `json:"leading,omitempty"`
	Share            float64             `json:"share"`
	Rule             string              `json:"rule"`
	Reason           string              `json:"reason"`
	Accepted         int                 `json:"accepted"`
	Rejected         int                 `json:"rejected"`
	EvaluatedAt      string              `json:"evaluatedAt"`
	StewardsRequired int                 `json:"stewardsRequired,omitempty"`
}

// ResultOptions configures IssueResult. The zero value signs now, as the report's
// community, with the key's own method.
type ResultOptions struct {
	ID                 string    // the credential's id (a URL), optional
	Created            time.Time // proof time and validFrom; zero means now
	IssuerDID          string    // the issuer; empty means the report's community
	VerificationMethod string    // the key's DID URL; empty means the key's own did:key method
	Suite              string    // the proof suite; empty means the key type's default
}

// IssueResult publishes rep as a VoteResultCredential signed by the community: its
// subject names the community, the proposal and its digest, the outcome and winner,
// the tally (ResultTally) and the ballots digest. Stewards add their proofs with Cosign.
//
// key is secret and never appears in errors. Errors are those of vc.Issue.
func IssueResult(ctx context.Context, rep *Report, k *did.PrivateKey, opts *ResultOptions) ([]byte, error) {
	if rep == nil {
		return nil, fmt.Errorf("%w: no tally report", ErrMalformed)
	}
	var o ResultOptions
	if opts != nil {
		o = *opts
	}
	issuer := cmpOr(o.IssuerDID, rep.Community)
	subject := map[string]any{
		"community":      rep.Community,
		"proposal":       rep.Proposal,
		"proposalDigest": rep.ProposalDigest,
		"outcome":        rep.Outcome.Decision,
		"tally": ResultTally{
			Method: rep.Method, Options: rep.Options, Turnout: rep.Turnout, Electorate: rep.Electorate,
			Quorum: rep.Quorum, Leading: rep.Outcome.Leading, Share: rep.Outcome.Share, Rule: rep.Outcome.Rule,
			Reason: rep.Outcome.Reason, Accepted: len(rep.Accepted), Rejected: len(rep.Rejected),
			EvaluatedAt: rep.EvaluatedAt, StewardsRequired: rep.StewardsRequired,
		},
		"ballotsDigest": rep.BallotsDigest,
	}
	if rep.Outcome.Winner != "" {
		subject["winner"] = rep.Outcome.Winner
	}
	cred := map[string]any{
		"@context":          []string{vc.ContextV2, vc.ContextPolity, ContextVote},
		"type":              []string{vc.TypeCredential, TypeVoteResult},
		"issuer":            issuer,
		"credentialSubject": subject,
	}
	if o.ID != "" {
		cred["id"] = o.ID
	}
	if rep.Title != "" {
		cred["name"] = "Result: " + rep.Title
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return vc.Issue(ctx, raw, k, vc.IssueOptions{
		Suite: o.Suite, Created: o.Created, IssuerDID: issuer, VerificationMethod: o.VerificationMethod, Contexts: Contexts(),
	})
}

// CosignOptions configures Cosign. The zero value signs now with the key's own did:key
// method.
type CosignOptions struct {
	VerificationMethod string    // the steward key's DID URL; empty means its did:key method
	Created            time.Time // proof time; zero means now
	Suite              string    // cryptosuite; empty means the key type's default
}

// Cosign adds a steward's proof (purpose assertionMethod) to a result credential's proof
// set and returns the credential. A key whose verification method already signed the
// result gives ErrMalformed. key is secret and never appears in errors.
func Cosign(ctx context.Context, result []byte, k *did.PrivateKey, opts *CosignOptions) ([]byte, error) {
	if k == nil {
		return nil, fmt.Errorf("%w: no signing key", ErrMalformed)
	}
	var o CosignOptions
	if opts != nil {
		o = *opts
	}
	c, err := vc.ParseCredential(result)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotResult, err)
	}
	if !c.HasType(TypeVoteResult) {
		return nil, ErrNotResult
	}
	vm := o.VerificationMethod
	if vm == "" {
		d := key.New(k.Public())
		vm = d + "#" + strings.TrimPrefix(d, "did:key:")
	}
	for _, pr := range proofObjects(c.Proof) {
		if pr.VerificationMethod == vm {
			return nil, fmt.Errorf("%w: %s already signed this result", ErrMalformed, vm)
		}
	}
	env, _, err := signEnv()
	if err != nil {
		return nil, err
	}
	return dataintegrity.AddProof(ctx, result, k, dataintegrity.Options{
		Cryptosuite: o.Suite, VerificationMethod: vm, ProofPurpose: dataintegrity.PurposeAssertionMethod, Created: o.Created,
	}, env)
}

type proofObject struct {
	VerificationMethod string `json:"verificationMethod"`
}

func proofObjects(raw json.RawMessage) []proofObject {
	var list []proofObject
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one proofObject
	if json.Unmarshal(raw, &one) == nil {
		return []proofObject{one}
	}
	return nil
}

// Proof statuses of a ResultCheck.
const (
	ProofIssuer     = "issuer"      // a valid proof by the result's issuer (the community)
	ProofCounted    = "counted"     // a valid proof by a listed steward, counted
	ProofDuplicate  = "duplicate"   // a valid proof by a steward already counted
	ProofNotSteward = "not-steward" // a valid proof by someone not listed; ignored
	ProofInvalid    = "invalid"     // a proof that does not verify; ignored
)

// ProofCheck is the verdict on one proof of a result credential.
type ProofCheck struct {
	Index              int    `json:"index"`
	VerificationMethod string `json:"verificationMethod"`
	Signer             string `json:"signer"` // the DID of the verification method
	Status             string `json:"status"` // ProofIssuer, ProofCounted, ...
	Error              string `json:"error,omitempty"`
}

// ResultCheck is the report of VerifyResult.
type ResultCheck struct {
	Verified  bool         `json:"verified"`
	Issuer    string       `json:"issuer"`
	Proposal  string       `json:"proposal"`
	Outcome   string       `json:"outcome"`
	Winner    string       `json:"winner,omitempty"`
	Approvals []string     `json:"approvals"` // distinct stewards with a valid proof, sorted
	Required  int          `json:"required"`
	Proofs    []ProofCheck `json:"proofs"`
	Error     string       `json:"error,omitempty"`

	// Credential is the parsed result credential, when it parsed.
	Credential *vc.Credential `json:"-"`
}

// ResultVerifier verifies result credentials. The zero value resolves did:key and
// did:jwk offline and uses the system clock. It is safe for concurrent use once in use;
// do not change its fields then.
type ResultVerifier struct {
	// Resolver resolves the DIDs of verification methods; nil means did:key and
	// did:jwk, offline.
	Resolver did.Resolver
	// Now returns the time the validity period is checked at; nil means time.Now.
	Now func() time.Time

	once sync.Once
	env  *dataintegrity.Env
	err  error
}

var defaultResultVerifier ResultVerifier

// VerifyResult verifies a VoteResultCredential with a proof set: it must carry a valid
// proof by its issuer (the community) and valid proofs by at least m distinct DIDs of
// stewards, be within its validity period, and use only known contexts. Each steward
// counts once, however many of its keys signed; proofs by others, and proofs that do
// not verify, are ignored and reported. It resolves did:key and did:jwk only; use a
// ResultVerifier for other methods.
//
// The ResultCheck is never nil. The error is nil exactly when the result is verified;
// otherwise it wraps ErrNotResult, ErrIssuerProof, ErrApprovals (an *ApprovalError),
// ErrConfig (m out of range) or a vc kind such as vc.ErrExpired.
func VerifyResult(ctx context.Context, raw []byte, stewards []string, m int) (*ResultCheck, error) {
	return defaultResultVerifier.Verify(ctx, raw, stewards, m)
}

// Verify is VerifyResult with v's resolver and clock.
func (v *ResultVerifier) Verify(ctx context.Context, raw []byte, stewards []string, m int) (*ResultCheck, error) {
	rc := &ResultCheck{Required: m, Approvals: []string{}, Proofs: []ProofCheck{}}
	fail := func(err error) (*ResultCheck, error) {
		rc.Verified = false
		rc.Error = err.Error()
		return rc, err
	}
	set := map[string]bool{}
	for _, s := range stewards {
		set[s] = true
	}
	if m < 0 || m > len(set) {
		return fail(fmt.Errorf("%w: %d of %d stewards cannot be required", ErrConfig, m, len(set)))
	}
	c, err := vc.ParseCredential(raw)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrNotResult, err))
	}
	rc.Credential = c
	rc.Issuer = c.Issuer.ID
	if !c.HasType(TypeVoteResult) || len(c.Subjects) != 1 {
		return fail(ErrNotResult)
	}
	s := c.Subjects[0].Props
	rc.Proposal, _ = s["proposal"].(string)
	rc.Outcome, _ = s["outcome"].(string)
	rc.Winner, _ = s["winner"].(string)
	if rc.Proposal == "" || rc.Outcome == "" {
		return fail(fmt.Errorf("%w: result without proposal or outcome", ErrNotResult))
	}
	v.once.Do(func() {
		_, proc, err := signEnv()
		if err != nil {
			v.err = err
			return
		}
		res := v.Resolver
		if res == nil {
			res = vc.DefaultResolver()
		}
		v.env = &dataintegrity.Env{JSONLD: proc, Resolver: res, Now: v.Now}
	})
	if v.err != nil {
		return fail(v.err)
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if err := vc.CheckValidity(c, now, vc.DefaultSkew); err != nil {
		return fail(err)
	}
	report, verr := dataintegrity.Verify(ctx, raw, v.env, dataintegrity.VerifyOptions{ProofOnly: true})
	if report == nil {
		return fail(fmt.Errorf("%w: %w", ErrIssuerProof, verr))
	}
	if ctx.Err() != nil {
		return fail(ctx.Err())
	}
	issuerOK := false
	counted := map[string]bool{}
	var issuerErr error
	for _, pr := range report.Proofs {
		signer, _, _ := strings.Cut(pr.VerificationMethod, "#")
		pc := ProofCheck{Index: pr.Index, VerificationMethod: pr.VerificationMethod, Signer: signer}
		switch {
		case pr.Err != nil:
			pc.Status, pc.Error = ProofInvalid, pr.Err.Error()
			if signer == rc.Issuer && issuerErr == nil {
				issuerErr = pr.Err
			}
		case signer == rc.Issuer && !issuerOK:
			pc.Status, issuerOK = ProofIssuer, true
			if set[signer] && !counted[signer] {
				// The community may itself be a steward; its proof counts once.
				counted[signer] = true
				pc.Status = ProofCounted
			}
		case set[signer] && !counted[signer]:
			pc.Status, counted[signer] = ProofCounted, true
		case set[signer] || signer == rc.Issuer:
			pc.Status = ProofDuplicate
		default:
			pc.Status = ProofNotSteward
		}
		rc.Proofs = append(rc.Proofs, pc)
	}
	for d := range counted {
		rc.Approvals = append(rc.Approvals, d)
	}
	slices.Sort(rc.Approvals)
	if !issuerOK {
		if issuerErr != nil {
			return fail(fmt.Errorf("%w: %w", ErrIssuerProof, issuerErr))
		}
		return fail(ErrIssuerProof)
	}
	if len(rc.Approvals) < m {
		return fail(&ApprovalError{Have: len(rc.Approvals), Need: m})
	}
	rc.Verified = true
	return rc, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
