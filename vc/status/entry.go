package status

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
)

// Types and purposes of the data model.
const (
	// TypeEntry is the credentialStatus type of Bitstring Status List v1.0.
	TypeEntry = "BitstringStatusListEntry"
	// TypeListCredential is the type of a status list credential.
	TypeListCredential = "BitstringStatusListCredential"
	// TypeList is the credentialSubject type of a status list credential.
	TypeList = "BitstringStatusList"

	// TypeEntry2021 is the credentialStatus type of the older StatusList2021.
	TypeEntry2021 = "StatusList2021Entry"
	// TypeListCredential2021 is the type of a StatusList2021 list credential.
	TypeListCredential2021 = "StatusList2021Credential"
	// TypeList2021 is the credentialSubject type of a StatusList2021 list credential.
	TypeList2021 = "StatusList2021"

	PurposeRevocation = "revocation" // cancels a credential; not reversible
	PurposeSuspension = "suspension" // holds a credential back; reversible
	PurposeMessage    = "message"    // a status message of statusSize bits
	PurposeRefresh    = "refresh"    // an updated credential is available
)

// Caps on credentialStatus input.
const (
	// MaxEntryBytes caps the JSON of one credentialStatus entry.
	MaxEntryBytes = 64 << 10
	// MaxEntries caps the number of credentialStatus entries of one credential.
	MaxEntries = 32
)

// Entry is one credentialStatus entry: a BitstringStatusListEntry or a
// StatusList2021Entry.
type Entry struct {
	ID             string    // optional id of the entry; never the list's URL
	Type           string    // TypeEntry or TypeEntry2021
	Purpose        string    // statusPurpose, such as PurposeRevocation
	Index          uint64    // statusListIndex (a base-10 string in JSON)
	ListCredential string    // statusListCredential: the URL of the list credential
	Size           int       // statusSize in bits; 0 when absent, which means 1
	Messages       []Message // statusMessage, one per possible value, or none
	Reference      []string  // statusReference URLs, optional
}

// Message is one element of statusMessage: the message of a status value.
type Message struct {
	Status  uint64 // the value, "0x"-prefixed hexadecimal in JSON
	Message string // a message meant for developers, not end users
}

// StatusSize returns the entry's statusSize, 1 when absent.
func (e Entry) StatusSize() int {
	if e.Size == 0 {
		return 1
	}
	return e.Size
}

// message returns the message of value v: the statusMessage element with that status,
// else "set"/"unset" for one-bit entries without messages.
func (e Entry) message(v uint64) string {
	for _, m := range e.Messages {
		if m.Status == v {
			return m.Message
		}
	}
	if len(e.Messages) == 0 && e.StatusSize() == 1 {
		if v == 0 {
			return "unset"
		}
		return "set"
	}
	return ""
}

type entryJSON struct {
	ID                   string        `json:"id,omitempty"`
	Type                 string        `json:"type"`
	StatusPurpose        string        `json:"statusPurpose"`
	StatusListIndex      string        `json:"statusListIndex"`
	StatusListCredential string        `json:"statusListCredential"`
	StatusSize           int           `json:"statusSize,omitempty"`
	StatusMessage        []messageJSON `json:"statusMessage,omitempty"`
	StatusReference      any           `json:"statusReference,omitempty"`
}

type messageJSON struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// MarshalJSON returns the entry's JSON form, with statusListIndex as a base-10 string
// and statusMessage values as "0x"-prefixed hexadecimal.
func (e Entry) MarshalJSON() ([]byte, error) {
	j := entryJSON{
		ID: e.ID, Type: e.Type, StatusPurpose: e.Purpose,
		StatusListIndex:      strconv.FormatUint(e.Index, 10),
		StatusListCredential: e.ListCredential, StatusSize: e.Size,
	}
	for _, m := range e.Messages {
		j.StatusMessage = append(j.StatusMessage, messageJSON{"0x" + strconv.FormatUint(m.Status, 16), m.Message})
	}
	switch len(e.Reference) {
	case 0:
	case 1:
		j.StatusReference = e.Reference[0]
	default:
		j.StatusReference = e.Reference
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

var entryLimits = jsonx.Limits{MaxBytes: MaxEntryBytes, MaxDepth: 8}

// ParseEntry parses one credentialStatus entry (a JSON object) strictly: no duplicate
// members, bounded size, and the data model's rules (statusListIndex a base-10 string;
// statusSize 1..MaxStatusSize; statusMessage, required when statusSize > 1, with one
// element per possible value; an id that is not the list's URL). An entry of another
// type gives [ErrUnsupportedType]; an index over 2^64-1 gives [ErrRange]; other
// defects give [ErrMalformed].
func ParseEntry(data []byte) (Entry, error) {
	var m map[string]json.RawMessage
	if err := jsonx.Unmarshal(data, &m, entryLimits); err != nil {
		return Entry{}, fmt.Errorf("%w: credentialStatus: %w", ErrMalformed, err)
	}
	if m == nil {
		return Entry{}, fmt.Errorf("%w: credentialStatus is not an object", ErrMalformed)
	}
	return entryFromMap(m)
}

// ParseEntries parses a credentialStatus value: one entry object or an array of them
// (at most MaxEntries), as [ParseEntry] does.
func ParseEntries(data []byte) ([]Entry, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] != '[' {
		e, err := ParseEntry(data)
		if err != nil {
			return nil, err
		}
		return []Entry{e}, nil
	}
	var raws []json.RawMessage
	if err := jsonx.Unmarshal(data, &raws, jsonx.Limits{MaxBytes: MaxEntries * MaxEntryBytes, MaxDepth: 9}); err != nil {
		return nil, fmt.Errorf("%w: credentialStatus: %w", ErrMalformed, err)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("%w: credentialStatus is an empty array", ErrMalformed)
	}
	if len(raws) > MaxEntries {
		return nil, fmt.Errorf("%w: %d credentialStatus entries, more than %d", ErrMalformed, len(raws), MaxEntries)
	}
	out := make([]Entry, 0, len(raws))
	for i, raw := range raws {
		e, err := ParseEntry(raw)
		if err != nil {
			return nil, fmt.Errorf("credentialStatus[%d]: %w", i, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// EntriesFromCredential returns the credentialStatus entries of a credential (JSON),
// or none when it has no credentialStatus. It reads the credential without verifying
// it; the credential must be at most 1 MiB.
func EntriesFromCredential(credential []byte) ([]Entry, error) {
	var m map[string]json.RawMessage
	if err := jsonx.Unmarshal(credential, &m, jsonx.Limits{}); err != nil {
		return nil, fmt.Errorf("%w: credential: %w", ErrMalformed, err)
	}
	raw, ok := m["credentialStatus"]
	if !ok {
		return nil, nil
	}
	return ParseEntries(raw)
}

func entryFromMap(m map[string]json.RawMessage) (Entry, error) {
	var e Entry
	typ, err := entryType(m["type"])
	if err != nil {
		return Entry{}, err
	}
	e.Type = typ
	if raw, ok := m["id"]; ok {
		if e.ID, err = jsonString(raw, "id"); err != nil {
			return Entry{}, err
		}
	}
	if e.Purpose, err = jsonString(m["statusPurpose"], "statusPurpose"); err != nil {
		return Entry{}, err
	}
	if e.Purpose == "" {
		return Entry{}, fmt.Errorf("%w: empty statusPurpose", ErrMalformed)
	}
	if e.Index, err = parseIndex(m["statusListIndex"], typ == TypeEntry2021); err != nil {
		return Entry{}, err
	}
	if e.ListCredential, err = jsonString(m["statusListCredential"], "statusListCredential"); err != nil {
		return Entry{}, err
	}
	if !isURL(e.ListCredential) {
		return Entry{}, fmt.Errorf("%w: statusListCredential is not a URL", ErrMalformed)
	}
	if e.ID != "" && e.ID == e.ListCredential {
		return Entry{}, fmt.Errorf("%w: entry id is the status list URL", ErrMalformed)
	}
	if raw, ok := m["statusSize"]; ok {
		if e.Size, err = parseStatusSize(raw); err != nil {
			return Entry{}, err
		}
	}
	if raw, ok := m["statusMessage"]; ok {
		if e.Messages, err = parseMessages(raw, e.StatusSize()); err != nil {
			return Entry{}, err
		}
	} else if e.StatusSize() > 1 {
		return Entry{}, fmt.Errorf("%w: statusSize %d without statusMessage", ErrMalformed, e.Size)
	}
	if raw, ok := m["statusReference"]; ok {
		if e.Reference, err = parseURLs(raw, "statusReference"); err != nil {
			return Entry{}, err
		}
	}
	return e, nil
}

func entryType(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("%w: credentialStatus without type", ErrMalformed)
	}
	var types []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		types = []string{one}
	} else if err := json.Unmarshal(raw, &types); err != nil {
		return "", fmt.Errorf("%w: credentialStatus type is not a string", ErrMalformed)
	}
	found := ""
	for _, t := range types {
		if t == TypeEntry || t == TypeEntry2021 {
			if found != "" {
				return "", fmt.Errorf("%w: credentialStatus has two status types", ErrMalformed)
			}
			found = t
		}
	}
	if found == "" {
		if len(types) == 1 {
			return "", fmt.Errorf("%w: %q", ErrUnsupportedType, types[0])
		}
		return "", fmt.Errorf("%w: %q", ErrUnsupportedType, types)
	}
	return found, nil
}

func jsonString(raw json.RawMessage, name string) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("%w: %s missing", ErrMalformed, name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: %s is not a string", ErrMalformed, name)
	}
	return s, nil
}

// parseIndex reads statusListIndex: a base-10 string of digits without a sign or
// leading zeros. StatusList2021 entries may also give a JSON integer.
func parseIndex(raw json.RawMessage, allowNumber bool) (uint64, error) {
	if raw == nil {
		return 0, fmt.Errorf("%w: statusListIndex missing", ErrMalformed)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		if !allowNumber || len(raw) == 0 || raw[0] < '0' || raw[0] > '9' {
			return 0, fmt.Errorf("%w: statusListIndex is not a string", ErrMalformed)
		}
		s = string(raw)
	}
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: statusListIndex %q is not a canonical base-10 integer", ErrMalformed, clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: statusListIndex %q is not a base-10 integer", ErrMalformed, clip(s))
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: statusListIndex %s", ErrRange, clip(s))
	}
	return v, nil
}

func parseStatusSize(raw json.RawMessage) (int, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || len(raw) == 0 || raw[0] == '"' {
		return 0, fmt.Errorf("%w: statusSize is not a number", ErrMalformed)
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%w: statusSize %s is not a positive integer", ErrMalformed, clip(string(n)))
	}
	if v > MaxStatusSize {
		return 0, fmt.Errorf("%w: statusSize %d over the supported %d", ErrMalformed, v, MaxStatusSize)
	}
	return int(v), nil
}

func parseMessages(raw json.RawMessage, size int) ([]Message, error) {
	var elems []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("%w: statusMessage is not an array of objects", ErrMalformed)
	}
	if len(elems) != 1<<size {
		return nil, fmt.Errorf("%w: %d statusMessage elements, want %d for statusSize %d", ErrMalformed, len(elems), 1<<size, size)
	}
	out := make([]Message, len(elems))
	seen := make([]bool, len(elems))
	for i, el := range elems {
		st, err := jsonString(el["status"], fmt.Sprintf("statusMessage[%d].status", i))
		if err != nil {
			return nil, err
		}
		msg, err := jsonString(el["message"], fmt.Sprintf("statusMessage[%d].message", i))
		if err != nil {
			return nil, err
		}
		v, ok := parseHexStatus(st)
		if !ok || v >= uint64(len(elems)) {
			return nil, fmt.Errorf("%w: statusMessage[%d].status %q is not a 0x value below %d", ErrMalformed, i, clip(st), len(elems))
		}
		if seen[v] {
			return nil, fmt.Errorf("%w: statusMessage status %s repeated", ErrMalformed, st)
		}
		seen[v] = true
		out[i] = Message{Status: v, Message: msg}
	}
	return out, nil
}

// parseHexStatus reads "0x" followed by 1 to 16 hexadecimal digits.
func parseHexStatus(s string) (uint64, bool) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || h == "" || len(h) > 16 {
		return 0, false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(h, 16, 64)
	return v, err == nil
}

func parseURLs(raw json.RawMessage, name string) ([]string, error) {
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []string{one}
	} else if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, fmt.Errorf("%w: %s is not a URL or an array of URLs", ErrMalformed, name)
	}
	for _, u := range list {
		if !isURL(u) {
			return nil, fmt.Errorf("%w: %s is not a URL", ErrMalformed, name)
		}
	}
	return list, nil
}

// isURL reports whether s is an absolute URL (a scheme and something after it).
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

// clip shortens attacker-controlled text quoted in errors.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
