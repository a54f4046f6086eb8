package did

import "strings"

// MaxLength caps the length in bytes of a DID or DID URL accepted by [Parse] and
// [ParseURL]. It is generous for did:jwk with P-384 keys and long did:web paths.
const MaxLength = 8 << 10

// DID is a parsed decentralized identifier: "did:" Method ":" ID.
// The zero DID is invalid; String on it returns "".
type DID struct {
	Method string // method name, [a-z0-9]+
	ID     string // method-specific id, as written (percent-encoding kept)
}

// String returns the DID in its canonical string form.
func (d DID) String() string {
	if d.Method == "" {
		return ""
	}
	return "did:" + d.Method + ":" + d.ID
}

// IsZero reports whether d is the zero DID.
func (d DID) IsZero() bool { return d.Method == "" && d.ID == "" }

// URL is a parsed DID URL: a DID followed by an optional path, query and fragment
// (DID Core §3.2). Path starts with "/" when present; Query and Fragment exclude the
// leading '?' and '#'.
type URL struct {
	DID
	Path        string
	Query       string
	Fragment    string
	HasQuery    bool // the URL has a '?' (possibly with an empty query)
	HasFragment bool // the URL has a '#' (possibly with an empty fragment)
}

// String returns the DID URL in string form; Parse(u.String()) gives back u.
func (u *URL) String() string {
	var b strings.Builder
	b.WriteString(u.DID.String())
	b.WriteString(u.Path)
	if u.HasQuery || u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.HasFragment || u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}

// IsPlainDID reports whether u has no path, query or fragment.
func (u *URL) IsPlainDID() bool {
	return u.Path == "" && !u.HasQuery && u.Query == "" && !u.HasFragment && u.Fragment == ""
}

// Parse parses a DID (no path, query or fragment). Errors are [*SyntaxError] values that
// unwrap to [ErrInvalidDID].
func Parse(s string) (DID, error) {
	d, n, err := parseDID(s, ErrInvalidDID)
	if err != nil {
		return DID{}, err
	}
	if n != len(s) {
		return DID{}, synErr(ErrInvalidDID, ReasonNotPlainDID, n, s)
	}
	return d, nil
}

// MustParse is like [Parse] but panics on error. Use it only for constants.
func MustParse(s string) DID {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseURL parses a DID URL. Errors are [*SyntaxError] values that unwrap to
// [ErrInvalidDIDURL].
func ParseURL(s string) (*URL, error) {
	d, n, err := parseDID(s, ErrInvalidDIDURL)
	if err != nil {
		return nil, err
	}
	u := &URL{DID: d}
	i := n
	// path-abempty = *( "/" segment )
	for i < len(s) && s[i] == '/' {
		j := i + 1
		for j < len(s) && s[j] != '/' && s[j] != '?' && s[j] != '#' {
			j++
		}
		if off, ok := checkChars(s, i+1, j, isPchar); !ok {
			return nil, synErr(ErrInvalidDIDURL, reasonFor(s, off, ReasonPath), off, s)
		}
		i = j
	}
	u.Path = s[n:i]
	if i < len(s) && s[i] == '?' {
		j := i + 1
		for j < len(s) && s[j] != '#' {
			j++
		}
		if off, ok := checkChars(s, i+1, j, isQueryChar); !ok {
			return nil, synErr(ErrInvalidDIDURL, reasonFor(s, off, ReasonQuery), off, s)
		}
		u.Query, u.HasQuery = s[i+1:j], true
		i = j
	}
	if i < len(s) && s[i] == '#' {
		if off, ok := checkChars(s, i+1, len(s), isQueryChar); !ok {
			return nil, synErr(ErrInvalidDIDURL, reasonFor(s, off, ReasonFragment), off, s)
		}
		u.Fragment, u.HasFragment = s[i+1:], true
		i = len(s)
	}
	if i != len(s) {
		return nil, synErr(ErrInvalidDIDURL, ReasonPath, i, s)
	}
	return u, nil
}

func synErr(kind error, r SyntaxReason, off int, s string) error {
	return &SyntaxError{Kind: kind, Reason: r, Offset: off, Input: truncate(s, 80)}
}

// reasonFor refines a failure at off into a percent-encoding error when s[off] is '%'.
func reasonFor(s string, off int, r SyntaxReason) SyntaxReason {
	if off < len(s) && s[off] == '%' {
		return ReasonPercentEncoding
	}
	return r
}

// parseDID parses the leading DID of s and returns it with the number of bytes used.
func parseDID(s string, kind error) (DID, int, error) {
	if len(s) > MaxLength {
		return DID{}, 0, synErr(kind, ReasonTooLong, -1, s)
	}
	if !strings.HasPrefix(s, "did:") {
		return DID{}, 0, synErr(kind, ReasonScheme, 0, s)
	}
	i := 4
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 4 || i == len(s) || s[i] != ':' {
		return DID{}, 0, synErr(kind, ReasonMethodName, i, s)
	}
	method := s[4:i]
	i++
	start := i
	for i < len(s) {
		c := s[i]
		if c == '%' {
			if !validPct(s, i) {
				return DID{}, 0, synErr(kind, ReasonPercentEncoding, i, s)
			}
			i += 3
			continue
		}
		if c == ':' || isIDChar(c) {
			i++
			continue
		}
		break
	}
	if i == start || s[i-1] == ':' {
		return DID{}, 0, synErr(kind, ReasonMethodSpecificID, i, s)
	}
	if i < len(s) && s[i] != '/' && s[i] != '?' && s[i] != '#' {
		return DID{}, 0, synErr(kind, ReasonMethodSpecificID, i, s)
	}
	return DID{Method: method, ID: s[start:i]}, i, nil
}

func validPct(s string, i int) bool {
	return i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
}

// checkChars checks s[from:to] against ok, allowing percent-encoded octets.
func checkChars(s string, from, to int, ok func(byte) bool) (int, bool) {
	for i := from; i < to; i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= to || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return i, false
			}
			i += 2
			continue
		}
		if !ok(c) {
			return i, false
		}
	}
	return 0, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isIDChar: ALPHA / DIGIT / "." / "-" / "_" (pct-encoded handled by the caller).
func isIDChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '-' || c == '_'
}

// isPchar: unreserved / sub-delims / ":" / "@" (RFC 3986; pct-encoded handled by the caller).
func isPchar(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@':
		return true
	}
	return false
}

func isQueryChar(c byte) bool { return isPchar(c) || c == '/' || c == '?' }
