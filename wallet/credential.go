package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"
)

// CredentialInfo is the metadata the wallet keeps, encrypted, next to each
// credential. It is extracted without verifying the credential.
type CredentialInfo struct {
	ID           string    `json:"id"`                     // wallet record id (32 hex digits)
	Format       Format    `json:"format"`                 // encoding
	CredentialID string    `json:"credentialId,omitempty"` // the credential's own id or jti
	Types        []string  `json:"types,omitempty"`        // type values, and vct for SD-JWT VC
	Issuer       string    `json:"issuer,omitempty"`
	Subject      string    `json:"subject,omitempty"`
	ValidFrom    time.Time `json:"validFrom,omitzero"`
	ValidUntil   time.Time `json:"validUntil,omitzero"`
	Tags         []string  `json:"tags,omitempty"`
	Added        time.Time `json:"added"`
	Size         int       `json:"size"`
	Selective    bool      `json:"selective,omitempty"` // supports selective disclosure
}

// ValidAt reports whether t is inside [ValidFrom, ValidUntil]; absent bounds are open.
func (c *CredentialInfo) ValidAt(t time.Time) bool {
	if !c.ValidFrom.IsZero() && t.Before(c.ValidFrom) {
		return false
	}
	if !c.ValidUntil.IsZero() && t.After(c.ValidUntil) {
		return false
	}
	return true
}

// Credential is a stored credential: its metadata and its bytes exactly as issued.
type Credential struct {
	CredentialInfo
	Raw []byte
}

// Filter selects credentials by metadata. Empty fields match everything; set
// fields must all match (AND).
type Filter struct {
	Type    string    // one of Types
	Issuer  string    // Issuer exactly
	Subject string    // Subject exactly
	Tag     string    // one of Tags
	Format  Format    // Format exactly
	ValidAt time.Time // ValidFrom <= ValidAt <= ValidUntil
	// Trusted keeps only credentials whose issuer is a stored [Contact] that
	// accepts one of their types. Match ignores it; Wallet.Credentials applies it.
	Trusted bool
}

// Match reports whether info passes f.
func (f *Filter) Match(info *CredentialInfo) bool {
	return (f.Type == "" || contains(info.Types, f.Type)) &&
		(f.Issuer == "" || info.Issuer == f.Issuer) &&
		(f.Subject == "" || info.Subject == f.Subject) &&
		(f.Tag == "" || contains(info.Tags, f.Tag)) &&
		(f.Format == "" || info.Format == f.Format) &&
		(f.ValidAt.IsZero() || info.ValidAt(f.ValidAt))
}

// AddCredential stores raw exactly as given (JSON-LD/Data Integrity JSON,
// vc+jwt compact, or SD-JWT with disclosures), with tags, in one transaction.
// The signature is not checked. Adding bytes already in the wallet stores
// nothing new; the tags are merged and the existing record is returned.
// Unparseable input reports ErrMalformed, oversize input ErrLimit.
func (w *Wallet) AddCredential(ctx context.Context, raw []byte, tags ...string) (*CredentialInfo, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	info, _, err := w.addCredential(ctx, raw, tags, time.Time{})
	return info, err
}

func (w *Wallet) addCredential(ctx context.Context, raw []byte, tags []string, added time.Time) (*CredentialInfo, bool, error) {
	p, err := parseCredential(raw, w.opts.MaxCredentialBytes)
	if err != nil {
		return nil, false, err
	}
	if added.IsZero() {
		added = w.opts.Now().UTC() // full precision keeps insertion order
	}
	id := w.recordID(bucketCred, raw)
	info := &CredentialInfo{
		ID: id, Format: p.format, CredentialID: p.id, Types: p.types, Issuer: p.issuer,
		Subject: p.subject, ValidFrom: p.validFrom, ValidUntil: p.validTo,
		Tags: normTags(tags), Added: added, Size: len(raw), Selective: p.sd,
	}
	created := false
	err = w.store.Update(ctx, func(tx Tx) error {
		old, err := w.get(tx, bucketCredInfo, id)
		if err != nil {
			return err
		}
		if old != nil {
			var prev CredentialInfo
			if err := json.Unmarshal(old, &prev); err != nil {
				return fmt.Errorf("%w: credential info %s", ErrCorrupt, id)
			}
			merged := normTags(append(prev.Tags, info.Tags...))
			if slices.Equal(merged, prev.Tags) {
				*info = prev
				return nil
			}
			prev.Tags = merged
			*info = prev
		} else {
			if err := w.put(tx, bucketCred, id, raw); err != nil {
				return err
			}
			created = true
		}
		b, err := json.Marshal(info)
		if err != nil {
			return err
		}
		return w.put(tx, bucketCredInfo, id, b)
	})
	if err != nil {
		return nil, false, err
	}
	w.cachePut(*info)
	return info, created, nil
}

func normTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "" && !contains(out, t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// Credential returns the credential with the given record id, or ErrNotFound.
func (w *Wallet) Credential(ctx context.Context, id string) (*Credential, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return w.credential(ctx, id)
}

func (w *Wallet) credential(ctx context.Context, id string) (*Credential, error) {
	var c *Credential
	err := w.store.View(ctx, func(tx Tx) error {
		ib, err := w.get(tx, bucketCredInfo, id)
		if err != nil {
			return err
		}
		raw, err := w.get(tx, bucketCred, id)
		if err != nil {
			return err
		}
		if ib == nil || raw == nil {
			return fmt.Errorf("%w: credential %q", ErrNotFound, id)
		}
		c = &Credential{Raw: raw}
		if err := json.Unmarshal(ib, &c.CredentialInfo); err != nil || c.ID != id {
			return fmt.Errorf("%w: credential info %s", ErrCorrupt, id)
		}
		return nil
	})
	return c, err
}

// Credentials returns the metadata of the credentials that pass f (nil = all),
// oldest first. Metadata is decrypted once and cached until Lock.
func (w *Wallet) Credentials(ctx context.Context, f *Filter) ([]CredentialInfo, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return w.credentials(ctx, f)
}

func (w *Wallet) credentials(ctx context.Context, f *Filter) ([]CredentialInfo, error) {
	if err := w.loadCache(ctx); err != nil {
		return nil, err
	}
	var trusted map[string]*Contact
	if f != nil && f.Trusted {
		cs, err := listJSON[Contact](ctx, w, bucketContact)
		if err != nil {
			return nil, err
		}
		trusted = make(map[string]*Contact, len(cs))
		for i := range cs {
			trusted[cs[i].DID] = &cs[i]
		}
	}
	w.cacheMu.Lock()
	defer w.cacheMu.Unlock()
	if w.order == nil {
		w.order = make([]*CredentialInfo, 0, len(w.cache))
		for _, info := range w.cache {
			w.order = append(w.order, info)
		}
		sort.Slice(w.order, func(i, j int) bool {
			a, b := w.order[i], w.order[j]
			if !a.Added.Equal(b.Added) {
				return a.Added.Before(b.Added)
			}
			return a.ID < b.ID
		})
	}
	var out []CredentialInfo
	for _, info := range w.order {
		if f == nil || f.Match(info) {
			if trusted != nil {
				if c := trusted[info.Issuer]; c == nil || !c.Accepts(info.Types) {
					continue
				}
			}
			out = append(out, *info)
		}
	}
	return out, nil
}

func (w *Wallet) loadCache(ctx context.Context) error {
	w.cacheMu.Lock()
	loaded := w.cache != nil
	w.cacheMu.Unlock()
	if loaded {
		return nil
	}
	m := map[string]*CredentialInfo{}
	err := w.store.View(ctx, func(tx Tx) error {
		return w.each(tx, bucketCredInfo, func(k string, pt []byte) error {
			info := new(CredentialInfo)
			if err := json.Unmarshal(pt, info); err != nil || info.ID != k {
				return fmt.Errorf("%w: credential info %s", ErrCorrupt, k)
			}
			m[k] = info
			return nil
		})
	})
	if err != nil {
		return err
	}
	w.cacheMu.Lock()
	if w.cache == nil {
		w.cache, w.order = m, nil
	}
	w.cacheMu.Unlock()
	return nil
}

// cachePut records a new or changed credential in the loaded cache.
func (w *Wallet) cachePut(info CredentialInfo) {
	w.cacheMu.Lock()
	if w.cache != nil {
		w.cache[info.ID] = &info
		w.order = nil
	}
	w.cacheMu.Unlock()
}

// cacheReset drops the cache; the next query reloads it.
func (w *Wallet) cacheReset() {
	w.cacheMu.Lock()
	w.cache, w.order = nil, nil
	w.cacheMu.Unlock()
}

// DeleteCredential removes a credential and its metadata in one transaction.
// Deleting an absent id reports ErrNotFound.
func (w *Wallet) DeleteCredential(ctx context.Context, id string) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	err := w.store.Update(ctx, func(tx Tx) error {
		v, err := tx.Get(bucketCredInfo, id)
		if err != nil {
			return err
		}
		if v == nil {
			return fmt.Errorf("%w: credential %q", ErrNotFound, id)
		}
		if err := tx.Delete(bucketCred, id); err != nil {
			return err
		}
		return tx.Delete(bucketCredInfo, id)
	})
	if err == nil {
		w.cacheMu.Lock()
		delete(w.cache, id)
		w.order = nil
		w.cacheMu.Unlock()
	}
	return err
}

// decodeClaims returns the decoded claims of a stored credential, for
// queries; the metadata comes from the cached CredentialInfo.
func (w *Wallet) decodeClaims(raw []byte) (*parsed, error) {
	p, err := decodeCredential(raw, w.opts.MaxCredentialBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: stored credential no longer parses: %w", ErrCorrupt, err)
	}
	return p, nil
}
