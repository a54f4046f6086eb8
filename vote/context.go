package vote

import (
	"sync"

	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
)

// ContextVote is the JSON-LD context of ballots and vote results. It defines the
// "ballot" member of a ballot presentation and the VoteResultCredential type and its
// claims, under Polity's vocabulary (https://polity.id/ns#). The ballot and the tally
// are JSON literals (@json), so a holder's or the community's signature covers their
// exact JSON value.
const ContextVote = "https://polity.id/ns/vote/v1"

// TypeVoteResult is the credential type of a published vote result.
const TypeVoteResult = "VoteResultCredential"

// contextVoteDoc is the context document served for ContextVote.
const contextVoteDoc = `{
  "@context": {
    "@version": 1.1,
    "@protected": true,
    "id": "@id",
    "type": "@type",
    "VoteResultCredential": "https://polity.id/ns#VoteResultCredential",
    "ballot": {"@id": "https://polity.id/ns#ballot", "@type": "@json"},
    "proposal": "https://polity.id/ns#proposal",
    "proposalDigest": "https://polity.id/ns#proposalDigest",
    "outcome": "https://polity.id/ns#outcome",
    "winner": "https://polity.id/ns#winner",
    "tally": {"@id": "https://polity.id/ns#tally", "@type": "@json"},
    "ballotsDigest": "https://polity.id/ns#ballotsDigest"
  }
}`

// Contexts returns the JSON-LD contexts that ballots and results use beyond the
// pinned ones: give them to vc.VerifierConfig.Contexts (or vc.IssueOptions.Contexts)
// to verify ballots and results with a vc.Verifier of your own.
func Contexts() []vc.Context {
	return []vc.Context{{URL: ContextVote, Document: []byte(contextVoteDoc)}}
}

var (
	envOnce sync.Once
	envProc *jsonld.Processor
	envVal  *dataintegrity.Env
	envErr  error
)

// signEnv returns the shared Data Integrity environment that knows ContextVote, and its
// JSON-LD processor.
func signEnv() (*dataintegrity.Env, *jsonld.Processor, error) {
	envOnce.Do(func() {
		envProc, envErr = jsonld.NewProcessor(&jsonld.Options{Contexts: []jsonld.Context{{URL: ContextVote, Document: []byte(contextVoteDoc)}}})
		if envErr == nil {
			envVal = &dataintegrity.Env{JSONLD: envProc}
		}
	})
	return envVal, envProc, envErr
}
