package wallet

import (
	"context"
	"fmt"

	"github.com/polity-id/polity/wallet/query"
)

// Candidates decodes the stored credentials that pass f (nil = all) into
// query candidates, with Credential.ID set to the wallet record id. It
// decrypts each credential; use Credentials for metadata-only listings.
func (w *Wallet) Candidates(ctx context.Context, f *Filter) ([]query.Credential, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return w.candidates(ctx, f)
}

func (w *Wallet) candidates(ctx context.Context, f *Filter) ([]query.Credential, error) {
	infos, err := w.credentials(ctx, f)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(infos))
	for _, in := range infos {
		want[in.ID] = true
	}
	byID := make(map[string]query.Credential, len(infos))
	err = w.store.View(ctx, func(tx Tx) error {
		return tx.ForEach(bucketCred, func(k string, v []byte) error {
			if !want[k] {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			raw, err := w.openRecord(bucketCred, k, v)
			if err != nil {
				return err
			}
			p, err := w.decodeClaims(raw)
			if err != nil {
				return fmt.Errorf("credential %s: %w", k, err)
			}
			byID[k] = query.Credential{ID: k, Format: string(p.format), Types: p.types, Claims: p.claims, Selective: p.sd}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := make([]query.Credential, 0, len(infos))
	for _, in := range infos { // oldest first, as Credentials orders them
		if c, ok := byID[in.ID]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// MatchDefinition evaluates a Presentation Exchange definition over the
// wallet's credentials. Errors wrap query.ErrNoMatch when it cannot be
// satisfied; the partial result is returned with that error.
func (w *Wallet) MatchDefinition(ctx context.Context, def *query.Definition) (*query.PEResult, error) {
	creds, err := w.Candidates(ctx, nil)
	if err != nil {
		return nil, err
	}
	return def.Evaluate(creds)
}

// MatchDCQL evaluates an OpenID4VP DCQL query over the wallet's credentials.
// Errors wrap query.ErrNoMatch when it cannot be satisfied; the partial
// result is returned with that error.
func (w *Wallet) MatchDCQL(ctx context.Context, q *query.DCQL) (*query.DCQLResult, error) {
	creds, err := w.Candidates(ctx, nil)
	if err != nil {
		return nil, err
	}
	return q.Evaluate(creds)
}
