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
	return w.candidates(ctx, f, nil)
}

// candidates decodes the credentials that pass f and keep (nil = all).
func (w *Wallet) candidates(ctx context.Context, f *Filter, keep func(*CredentialInfo) bool) ([]query.Credential, error) {
	infos, err := w.credentials(ctx, f)
	if err != nil {
		return nil, err
	}
	want := make(map[string]*CredentialInfo, len(infos))
	for i := range infos {
		if keep == nil || keep(&infos[i]) {
			want[infos[i].ID] = &infos[i]
		}
	}
	byID := make(map[string]query.Credential, len(infos))
	err = w.store.View(ctx, func(tx Tx) error {
		return tx.ForEach(bucketCred, func(k string, v []byte) error {
			info := want[k]
			if info == nil {
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
			byID[k] = query.Credential{ID: k, Format: string(info.Format), Types: info.Types, Claims: p.claims, Selective: info.Selective}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := make([]query.Credential, 0, len(byID))
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
//
// Only credentials whose format fits some input descriptor (checked on the
// cached metadata) are decrypted and decoded.
func (w *Wallet) MatchDefinition(ctx context.Context, def *query.Definition) (*query.PEResult, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	creds, err := w.candidates(ctx, nil, func(info *CredentialInfo) bool {
		return def.MetaMatch(string(info.Format), info.Selective)
	})
	w.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return def.Evaluate(creds)
}

// MatchDCQL evaluates an OpenID4VP DCQL query over the wallet's credentials.
// Errors wrap query.ErrNoMatch when it cannot be satisfied; the partial
// result is returned with that error.
//
// Only credentials whose format and type fit one of the credential queries
// (checked on the cached metadata) are decrypted and decoded.
func (w *Wallet) MatchDCQL(ctx context.Context, q *query.DCQL) (*query.DCQLResult, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	creds, err := w.candidates(ctx, nil, func(info *CredentialInfo) bool {
		for i := range q.Credentials {
			if q.Credentials[i].MetaMatch(string(info.Format), info.Types) {
				return true
			}
		}
		return false
	})
	w.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return q.Evaluate(creds)
}
