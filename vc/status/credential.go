package status

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
)

// ListCredential is a status list credential (BitstringStatusListCredential or
// StatusList2021Credential) with its list decoded. [ParseListCredential] makes one from
// JSON that the caller has already verified.
type ListCredential struct {
	ID         string        // id; when present it must equal the entries' statusListCredential
	Type       string        // TypeListCredential or TypeListCredential2021
	Issuer     string        // issuer id
	ValidFrom  time.Time     // validFrom (issuanceDate for 1.1); zero when absent
	ValidUntil time.Time     // validUntil (expirationDate for 1.1); zero when absent
	Purposes   []string      // credentialSubject.statusPurpose: one or more
	TTL        time.Duration // credentialSubject.ttl; 0 when absent
	Bits       []byte        // the decoded bitstring; index 0 is the top bit of Bits[0]
}

// MaxListCredentialBytes is the JSON size cap of a list credential on top of the
// encodedList cap.
const MaxListCredentialBytes = 256 << 10

// ParseListCredential parses the JSON of a status list credential and decodes its
// encodedList within lim. It checks the types (the credential's type includes
// BitstringStatusListCredential and its subject's type is BitstringStatusList, or the
// StatusList2021 pair), the purposes and the dates' syntax, but no proof: pass only
// JSON that a [ListVerifier] returned. Defects give [ErrMalformed] (a list over the
// caps [ErrListTooLarge]).
func ParseListCredential(data []byte, lim Limits) (*ListCredential, error) {
	var m map[string]json.RawMessage
	if err := jsonx.Unmarshal(data, &m, jsonx.Limits{MaxBytes: lim.encoded() + MaxListCredentialBytes}); err != nil {
		return nil, fmt.Errorf("%w: list credential: %w", ErrMalformed, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: list credential is not an object", ErrMalformed)
	}
	l := &ListCredential{}
	var err error
	if raw, ok := m["id"]; ok {
		if l.ID, err = jsonString(raw, "id"); err != nil {
			return nil, err
		}
	}
	types, err := stringOrArray(m["type"], "type")
	if err != nil {
		return nil, err
	}
	subjectType := ""
	for _, t := range types {
		switch t {
		case TypeListCredential:
			l.Type, subjectType = t, TypeList
		case TypeListCredential2021:
			l.Type, subjectType = t, TypeList2021
		}
	}
	if l.Type == "" {
		return nil, fmt.Errorf("%w: type has neither %s nor %s", ErrMalformed, TypeListCredential, TypeListCredential2021)
	}
	if l.Issuer, err = issuerID(m["issuer"]); err != nil {
		return nil, err
	}
	if l.ValidFrom, err = dateOf(m, "validFrom", "issuanceDate"); err != nil {
		return nil, err
	}
	if l.ValidUntil, err = dateOf(m, "validUntil", "expirationDate"); err != nil {
		return nil, err
	}
	subj, err := subjectOf(m["credentialSubject"])
	if err != nil {
		return nil, err
	}
	stypes, err := stringOrArray(subj["type"], "credentialSubject.type")
	if err != nil {
		return nil, err
	}
	if !contains(stypes, subjectType) {
		return nil, fmt.Errorf("%w: credentialSubject.type is not %s", ErrMalformed, subjectType)
	}
	if l.Purposes, err = stringOrArray(subj["statusPurpose"], "statusPurpose"); err != nil {
		return nil, err
	}
	for _, p := range l.Purposes {
		if p == "" {
			return nil, fmt.Errorf("%w: empty statusPurpose", ErrMalformed)
		}
	}
	if raw, ok := subj["ttl"]; ok {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil || len(raw) == 0 || raw[0] == '"' {
			return nil, fmt.Errorf("%w: ttl is not a number", ErrMalformed)
		}
		ms, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || ms < 0 || ms > int64(100*365*24*time.Hour/time.Millisecond) {
			return nil, fmt.Errorf("%w: ttl is not a non-negative integer of milliseconds", ErrMalformed)
		}
		l.TTL = time.Duration(ms) * time.Millisecond
	}
	enc, err := jsonString(subj["encodedList"], "encodedList")
	if err != nil {
		return nil, err
	}
	if l.Type == TypeListCredential2021 {
		l.Bits, err = decodeList2021(enc, lim)
	} else {
		l.Bits, err = DecodeList(enc, lim)
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// CheckValidity checks now against the list's validity period, with skew tolerance:
// [ErrListNotYetValid] before validFrom, [ErrListExpired] after validUntil.
func (l *ListCredential) CheckValidity(now time.Time, skew time.Duration) error {
	if !l.ValidFrom.IsZero() && now.Add(skew).Before(l.ValidFrom) {
		return fmt.Errorf("%w: validFrom %s", ErrListNotYetValid, l.ValidFrom.Format(time.RFC3339))
	}
	if !l.ValidUntil.IsZero() && now.Add(-skew).After(l.ValidUntil) {
		return fmt.Errorf("%w: validUntil %s", ErrListExpired, l.ValidUntil.Format(time.RFC3339))
	}
	return nil
}

// Status returns the status value of entry e in the list. It checks that the list
// answers for the entry (its type matches the entry's, its id, when present, is the
// entry's statusListCredential, and it carries the entry's purpose: else
// [ErrVerification] or [ErrPurposeMismatch]), that the list holds a whole number of
// at least minEntries entries (<= 0 means [MinEntries]; else [ErrListTooShort]) and
// that the index is in the list ([ErrRange]). It does not check the validity period.
func (l *ListCredential) Status(e Entry, minEntries int) (uint64, error) {
	want := TypeListCredential
	if e.Type == TypeEntry2021 {
		want = TypeListCredential2021
	}
	if l.Type != want {
		return 0, fmt.Errorf("%w: %s points to a %s", ErrVerification, e.Type, l.Type)
	}
	if l.ID != "" && l.ID != e.ListCredential {
		return 0, fmt.Errorf("%w: list credential id %q is not the entry's statusListCredential", ErrVerification, clip(l.ID))
	}
	if !contains(l.Purposes, e.Purpose) {
		return 0, fmt.Errorf("%w: entry purpose %q, list purposes %q", ErrPurposeMismatch, clip(e.Purpose), l.Purposes)
	}
	size := e.StatusSize()
	if err := CheckLength(len(l.Bits), size, minEntries); err != nil {
		return 0, err
	}
	return statusAt(l.Bits, e.Index, size)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func stringOrArray(raw json.RawMessage, name string) ([]string, error) {
	if raw == nil {
		return nil, fmt.Errorf("%w: %s missing", ErrMalformed, name)
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, fmt.Errorf("%w: %s is not a string or an array of strings", ErrMalformed, name)
	}
	return list, nil
}

func issuerID(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("%w: list credential without issuer", ErrMalformed)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return "", fmt.Errorf("%w: issuer is not a string or an object", ErrMalformed)
	}
	return jsonString(obj["id"], "issuer.id")
}

func subjectOf(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if raw == nil {
		return nil, fmt.Errorf("%w: list credential without credentialSubject", ErrMalformed)
	}
	var subj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &subj); err == nil && subj != nil {
		return subj, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || len(list) != 1 || list[0] == nil {
		return nil, fmt.Errorf("%w: credentialSubject is not one object", ErrMalformed)
	}
	return list[0], nil
}

// dateOf reads the VCDM 2.0 date property name, or the 1.1 one old, not both.
func dateOf(m map[string]json.RawMessage, name, old string) (time.Time, error) {
	raw, ok := m[name]
	if r2, ok2 := m[old]; ok2 {
		if ok {
			return time.Time{}, fmt.Errorf("%w: both %s and %s", ErrMalformed, name, old)
		}
		raw, ok, name = r2, true, old
	}
	if !ok {
		return time.Time{}, nil
	}
	s, err := jsonString(raw, name)
	if err != nil {
		return time.Time{}, err
	}
	t, err := parseDateTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s %q is not an XML Schema dateTimeStamp", ErrMalformed, name, clip(s))
	}
	return t, nil
}

// parseDateTime reads an XML Schema dateTimeStamp (a time zone is required), the form
// of validFrom and validUntil.
func parseDateTime(s string) (time.Time, error) {
	if len(s) < 20 || s[10] != 'T' || strings.ContainsAny(s, " t") {
		return time.Time{}, fmt.Errorf("bad dateTime")
	}
	return time.Parse(time.RFC3339Nano, s)
}
