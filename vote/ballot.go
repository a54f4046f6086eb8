package vote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
)

// DefaultMaxBallotBytes is the largest ballot presentation a tally reads when
// TallyConfig.MaxBallotBytes is zero.
const DefaultMaxBallotBytes = 256 << 10

// Ballot is a voter's signed choice: the "ballot" member of a ballot presentation,
// covered by the holder's proof. Exactly one of Choice (one-person-one-vote, weighted)
// and Votes (quadratic) is set.
type Ballot struct {
	Proposal string           // the proposal's id
	Choice   string           // the option chosen
	Votes    map[string]int64 // quadratic votes per option, negative for votes against
	Cast     time.Time        // when the ballot was cast; a later ballot replaces an earlier one
}

type ballotJSON struct {
	Proposal string           `json:"proposal"`
	Choice   string           `json:"choice,omitempty"`
	Votes    map[string]int64 `json:"votes,omitempty"`
	Cast     string           `json:"cast"`
}

// MarshalJSON encodes b as {"proposal","choice"|"votes","cast"}.
func (b Ballot) MarshalJSON() ([]byte, error) {
	bj := ballotJSON{Proposal: b.Proposal, Choice: b.Choice, Votes: b.Votes}
	if !b.Cast.IsZero() {
		bj.Cast = vc.FormatDateTime(b.Cast.UTC().Truncate(time.Second))
	}
	return json.Marshal(bj)
}

// parseBallot decodes the "ballot" member of a presentation strictly.
func parseBallot(raw json.RawMessage) (*Ballot, error) {
	if len(raw) == 0 {
		return nil, fieldErr("ballot", "missing")
	}
	var bj ballotJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bj); err != nil {
		return nil, fieldErr("ballot", "must be {proposal, choice or votes, cast}")
	}
	b := &Ballot{Proposal: bj.Proposal, Choice: bj.Choice, Votes: bj.Votes}
	switch {
	case bj.Proposal == "":
		return nil, fieldErr("ballot.proposal", "required")
	case (bj.Choice == "") == (bj.Votes == nil):
		return nil, fieldErr("ballot", "needs exactly one of choice and votes")
	case len(bj.Votes) > MaxOptions:
		return nil, fieldErr("ballot.votes", "more than %d options", MaxOptions)
	}
	t, err := vc.ParseDateTime(bj.Cast)
	if err != nil {
		return nil, &FieldError{Field: "ballot.cast", Reason: "must be a dateTimeStamp", Err: err}
	}
	b.Cast = t
	return b, nil
}

// BallotOptions configures NewBallot. The zero value signs now, as the key's did:key.
type BallotOptions struct {
	// Holder is the voter's DID; empty means the key's did:key DID.
	Holder string
	// VerificationMethod is the DID URL of the key in the holder's DID document,
	// listed under authentication; empty means the key's own did:key method.
	VerificationMethod string
	// Cryptosuite is the proof's cryptosuite; empty means the key type's default.
	Cryptosuite string
	// Cast is the ballot time, also the proof's creation time; zero means now. It is
	// truncated to whole seconds.
	Cast time.Time
	// Format is FormatDataIntegrity (the default when empty) or FormatVPJWT.
	Format string
}

// NewBallot creates a ballot presentation: the holder's credentials (each a secured
// credential: Data Integrity JSON, or a compact vc+jwt which is enveloped), the ballot
// b (its Proposal and Cast are filled in) as the presentation's "ballot" member, and
// the holder's proof by key over all of it. With FormatDataIntegrity (the default) the
// proof is a Data Integrity proof with purpose authentication, challenge p.ID and
// domain p.Community; with FormatVPJWT the presentation is the payload of a vp+jwt
// whose "nonce" is p.ID and "aud" p.Community, signed with the verification method
// as "kid". Either way the signed choice and its binding to the proposal are covered
// by the one holder signature.
//
// key is secret and never appears in errors. Errors wrap ErrMalformed or the
// verification kinds of package vc.
func NewBallot(ctx context.Context, p *Proposal, b Ballot, creds [][]byte, k *did.PrivateKey, opts *BallotOptions) ([]byte, error) {
	if p == nil || k == nil {
		return nil, fmt.Errorf("%w: ballot needs a proposal and a key", ErrMalformed)
	}
	var o BallotOptions
	if opts != nil {
		o = *opts
	}
	holder, vm := o.Holder, o.VerificationMethod
	if holder == "" {
		holder = key.New(k.Public())
	}
	if vm == "" {
		if holder != key.New(k.Public()) {
			return nil, fmt.Errorf("%w: holder is not the key's did:key: set the verification method", vc.ErrKeyNotAuthorized)
		}
		vm = holder + "#" + strings.TrimPrefix(holder, "did:key:")
	}
	if o.Cast.IsZero() {
		o.Cast = time.Now()
	}
	b.Proposal = p.ID
	b.Cast = o.Cast.UTC().Truncate(time.Second)
	if (b.Choice == "") == (b.Votes == nil) {
		return nil, fmt.Errorf("%w: ballot needs exactly one of choice and votes", ErrMalformed)
	}
	if o.Format != "" && o.Format != FormatDataIntegrity && o.Format != FormatVPJWT {
		return nil, fmt.Errorf("%w: ballot format %q, want %q or %q", ErrMalformed, o.Format, FormatDataIntegrity, FormatVPJWT)
	}
	items, err := ballotItems(creds, o.Format == FormatVPJWT)
	if err != nil {
		return nil, err
	}
	doc := struct {
		Context []string          `json:"@context"`
		Type    []string          `json:"type"`
		Holder  string            `json:"holder"`
		Creds   []json.RawMessage `json:"verifiableCredential,omitempty"`
		Ballot  Ballot            `json:"ballot"`
	}{[]string{vc.ContextV2, ContextVote}, []string{vc.TypePresentation}, holder, items, b}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if o.Format == FormatVPJWT {
		return signJWTBallot(p, raw, k, vm)
	}
	env, _, err := signEnv()
	if err != nil {
		return nil, err
	}
	return dataintegrity.AddProof(ctx, raw, k, dataintegrity.Options{
		Cryptosuite:        o.Cryptosuite,
		VerificationMethod: vm,
		ProofPurpose:       dataintegrity.PurposeAuthentication,
		Created:            b.Cast,
		Challenge:          p.ID,
		Domain:             p.Community,
	}, env)
}

// Digest returns "sha256:" and the hex SHA-256 of a ballot's bytes, the name a tally
// report gives it.
func Digest(ballot []byte) string {
	sum := sha256.Sum256(ballot)
	return "sha256:" + hex.EncodeToString(sum[:])
}
