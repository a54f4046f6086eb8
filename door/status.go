package door

import (
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/status"
)

// StatusLists is a [StatusChecker] over cached, already verified Bitstring Status
// List credentials, matched to credentialStatus entries by the list
// credential's id. It never fetches anything: a list that is not cached, or that
// is past its validUntil, leaves the status check skipped (so a policy with
// requireStatus denies).
type StatusLists struct {
	lists map[string]*status.ListCredential
	skew  time.Duration
}

// NewStatusLists indexes verified list credentials by id. Each needs an id, and
// ids must be unique; otherwise the error wraps ErrConfig.
func NewStatusLists(lists ...*status.ListCredential) (*StatusLists, error) {
	s := &StatusLists{lists: make(map[string]*status.ListCredential, len(lists)), skew: time.Minute}
	for _, l := range lists {
		if l == nil || l.ID == "" {
			return nil, fmt.Errorf("%w: status list credential without id", ErrConfig)
		}
		if _, dup := s.lists[l.ID]; dup {
			return nil, fmt.Errorf("%w: two status lists with id %q", ErrConfig, l.ID)
		}
		s.lists[l.ID] = l
	}
	return s, nil
}

// Len returns the number of cached lists.
func (s *StatusLists) Len() int { return len(s.lists) }

// CheckStatus implements [StatusChecker]. Every entry of a Bitstring Status List
// type is checked; a set revocation bit fails with vc.ErrRevoked and a set
// suspension bit with vc.ErrSuspended. The list must be issued by the
// credential's issuer. A credential without credentialStatus passes.
func (s *StatusLists) CheckStatus(c *vc.Credential, now time.Time) vc.Check {
	ch := vc.Check{Name: vc.CheckNameStatus}
	if len(c.Status) == 0 {
		ch.Status = vc.Skipped
		ch.Err = errors.New("the credential has no credentialStatus")
		return ch
	}
	raw := c.Raw()
	if raw == nil {
		var err error
		if raw, err = c.MarshalJSON(); err != nil {
			return failed(ch, err)
		}
	}
	entries, err := status.EntriesFromCredential(raw)
	if err != nil {
		if errors.Is(err, status.ErrUnsupportedType) {
			ch.Err = err
			return ch
		}
		return failed(ch, err)
	}
	for _, e := range entries {
		l, ok := s.lists[e.ListCredential]
		if !ok {
			ch.Err = fmt.Errorf("status list %q is not cached", e.ListCredential)
			return ch
		}
		if err := l.CheckValidity(now, s.skew); err != nil {
			ch.Err = fmt.Errorf("cached status list %q: %w", e.ListCredential, err)
			return ch
		}
		if l.Issuer != c.Issuer.ID {
			return failed(ch, fmt.Errorf("%w: status list %q is issued by %q, not the credential's issuer", status.ErrVerification, l.ID, l.Issuer))
		}
		v, err := l.Status(e, 0)
		if err != nil {
			return failed(ch, err)
		}
		if v == 0 {
			continue
		}
		switch e.Purpose {
		case status.PurposeRevocation:
			return failed(ch, fmt.Errorf("%w: status list %q index %d", vc.ErrRevoked, e.ListCredential, e.Index))
		case status.PurposeSuspension:
			return failed(ch, fmt.Errorf("%w: status list %q index %d", vc.ErrSuspended, e.ListCredential, e.Index))
		}
	}
	ch.Status = vc.Passed
	return ch
}

func failed(ch vc.Check, err error) vc.Check {
	ch.Status, ch.Err = vc.Failed, err
	return ch
}
