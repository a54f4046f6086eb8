package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

// sentinels are the error kinds cases.json may name.
var sentinels = map[string]error{
	"vc.ErrMalformed":               vc.ErrMalformed,
	"vc.ErrStatusUnknown":           vc.ErrStatusUnknown,
	"vc.ErrUnknownContext":          vc.ErrUnknownContext,
	"vc.ErrUnsupportedSuite":        vc.ErrUnsupportedSuite,
	"vc.ErrInvalidSignature":        vc.ErrInvalidSignature,
	"vc.ErrUnresolvableDID":         vc.ErrUnresolvableDID,
	"vc.ErrKeyNotAuthorized":        vc.ErrKeyNotAuthorized,
	"vc.ErrExpired":                 vc.ErrExpired,
	"vc.ErrNotYetValid":             vc.ErrNotYetValid,
	"vc.ErrRevoked":                 vc.ErrRevoked,
	"vc.ErrSuspended":               vc.ErrSuspended,
	"vc.ErrUntrustedIssuer":         vc.ErrUntrustedIssuer,
	"dataintegrity.ErrPurpose":      dataintegrity.ErrPurpose,
	"dataintegrity.ErrChallenge":    dataintegrity.ErrChallenge,
	"dataintegrity.ErrProofExpired": dataintegrity.ErrProofExpired,
	"dataintegrity.ErrNoProof":      dataintegrity.ErrNoProof,
	"sdjwt.ErrDisclosure":           sdjwt.ErrDisclosure,
	"sdjwt.ErrTooLarge":             sdjwt.ErrTooLarge,
	"status.ErrListTooLarge":        status.ErrListTooLarge,
	"status.ErrMalformed":           status.ErrMalformed,
	"did.ErrInvalidDocument":        did.ErrInvalidDocument,
	"did.ErrInvalidKey":             did.ErrInvalidKey,
	"did.ErrUnsupportedKeyType":     did.ErrUnsupportedKeyType,
	"did.ErrTooLarge":               did.ErrTooLarge,
	"sybil.ErrTooLarge":             sybil.ErrTooLarge,
	"sybil.ErrBadEdgeList":          sybil.ErrBadEdgeList,
	"sybil.ErrInvalidInput":         sybil.ErrInvalidInput,
	"sybil.ErrUnknownNode":          sybil.ErrUnknownNode,
	"did.ErrNotAuthorized":          did.ErrNotAuthorized,
}

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifier returns the corpus verifier: did:key issuers, the corpus clock, and a
// status checker that serves the corpus's list credentials instead of fetching them.
func verifier(t *testing.T) *vc.Verifier {
	now := func() time.Time { return tNow }
	lists := map[string]string{listURL: "status-list.json", bombListURL: "status-list-bomb.json"}
	fetch := status.FetcherFunc(func(_ context.Context, url string) ([]byte, error) {
		name, ok := lists[url]
		if !ok {
			return nil, fmt.Errorf("%w: no corpus list at %s", status.ErrRetrieval, url)
		}
		return readCorpus(t, name), nil
	})
	lv := vc.NewVerifier(vc.VerifierConfig{Now: now})
	checker := status.NewChecker(fetch, lv, &status.Config{Now: now, TTL: -1})
	return vc.NewVerifier(vc.VerifierConfig{Now: now, StatusChecker: vc.NewStatusListChecker(checker)})
}

// apis maps the api names of cases.json to the public calls they stand for.
func apis(t *testing.T) map[string]func([]byte) error {
	ctx := context.Background()
	v := verifier(t)
	m := map[string]func([]byte) error{
		"vc.Verify": func(b []byte) error {
			_, err := v.Verify(ctx, b)
			return err
		},
		"vc.VerifyPresentation": func(b []byte) error {
			_, err := v.VerifyPresentation(ctx, b, vc.PresentationOptions{Challenge: challenge, Domain: domain})
			return err
		},
		"vc.Issue": func(b []byte) error {
			_, err := vc.Issue(ctx, b, seedKey(t, 1), vc.IssueOptions{Created: tIssued})
			return err
		},
		"did.ParseDocument": func(b []byte) error { _, err := did.ParseDocument(b); return err },
		"did.ResolveVerificationMethod": func(b []byte) error {
			doc, err := did.ParseDocument(b)
			if err != nil {
				return err
			}
			r := did.ResolverFunc(func(context.Context, string) (*did.Document, error) { return doc, nil })
			vm := "did:web:commons.example#k"
			if len(doc.AssertionMethod) > 0 {
				vm = doc.AbsoluteID(doc.AssertionMethod[0].ID)
			}
			_, _, err = did.ResolveVerificationMethod(ctx, r, vm, did.AssertionMethod)
			return err
		},
		"did.ParseMultikey":  func(b []byte) error { _, err := did.ParseMultikey(string(b)); return err },
		"did.ParsePublicJWK": func(b []byte) error { _, err := did.ParsePublicJWK(b); return err },
		"status.DecodeList":  func(b []byte) error { _, err := status.DecodeList(string(b), status.Limits{}); return err },
		"status.ParseListCredential": func(b []byte) error {
			_, err := status.ParseListCredential(b, status.Limits{})
			return err
		},
		"sybil.ReadEdgeList": func(b []byte) error { _, err := sybil.ReadEdgeList(bytes.NewReader(b), nil); return err },
		"sybil.ReadSeeds": func(b []byte) error {
			g, err := sybil.ReadEdgeList(bytes.NewReader([]byte("a b\nb c\n")), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sybil.ReadSeeds(bytes.NewReader(b), g)
			return err
		},
	}
	addWalletAPIs(t, m)
	return m
}

// TestNegativeCorpus feeds every corpus file to its API and checks that it gives
// each error kind of its row (errors.Is) and its CLI error code (vc.Code); the
// control rows must succeed.
func TestNegativeCorpus(t *testing.T) {
	var cf corpusFile
	if err := json.Unmarshal(readCorpus(t, "cases.json"), &cf); err != nil {
		t.Fatal(err)
	}
	if len(cf.Cases) < 40 {
		t.Fatalf("only %d cases", len(cf.Cases))
	}
	calls := apis(t)
	for _, c := range cf.Cases {
		t.Run(c.Name, func(t *testing.T) {
			call, ok := calls[c.API]
			if !ok {
				t.Fatalf("unknown api %q", c.API)
			}
			err := call(readCorpus(t, c.File))
			if len(c.Want) == 0 {
				if err != nil {
					t.Fatalf("%s(%s): %v", c.API, c.File, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s(%s) accepted hostile input (%s)", c.API, c.File, c.Threat)
			}
			for _, name := range c.Want {
				kind, ok := sentinels[name]
				if !ok {
					t.Fatalf("unknown sentinel %q", name)
				}
				if !errors.Is(err, kind) {
					t.Errorf("%s(%s): error does not match %s: %v", c.API, c.File, name, err)
				}
			}
			if c.Code != "" {
				if got := vc.Code(err); got != c.Code {
					t.Errorf("%s(%s): code %s, want %s (%v)", c.API, c.File, got, c.Code, err)
				}
			}
		})
	}
}
