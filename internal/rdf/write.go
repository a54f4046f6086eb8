package rdf

import (
	"fmt"
	"unicode/utf8"
)

// AppendTerm appends t in canonical N-Quads form (RDF Dataset Canonicalization, RDFC-1.0,
// section "Canonical N-Quads"): IRIs verbatim between angle brackets, blank nodes as "_:" and
// the label, literals quoted with only the required escapes and with the datatype left out for
// xsd:string and language-tagged strings. A term of Kind 0 appends nothing.
//
// AppendTerm does not check t; use [CheckQuad] first for data that did not come from
// [ParseNQuads].
func AppendTerm(dst []byte, t Term) []byte {
	switch t.Kind {
	case IRI:
		dst = append(dst, '<')
		dst = append(dst, t.Value...)
		return append(dst, '>')
	case Blank:
		dst = append(dst, '_', ':')
		return append(dst, t.Value...)
	case Literal:
		dst = append(dst, '"')
		dst = appendEscaped(dst, t.Value)
		dst = append(dst, '"')
		if t.Language != "" {
			dst = append(dst, '@')
			return append(dst, t.Language...)
		}
		if t.Datatype != "" && t.Datatype != XSDString {
			dst = append(dst, '^', '^', '<')
			dst = append(dst, t.Datatype...)
			dst = append(dst, '>')
		}
	}
	return dst
}

// AppendQuad appends q as one canonical N-Quads line, ending in "\n".
func AppendQuad(dst []byte, q Quad) []byte {
	dst = AppendTerm(dst, q.S)
	dst = append(dst, ' ')
	dst = AppendTerm(dst, q.P)
	dst = append(dst, ' ')
	dst = AppendTerm(dst, q.O)
	if q.G.Kind != 0 {
		dst = append(dst, ' ')
		dst = AppendTerm(dst, q.G)
	}
	return append(dst, ' ', '.', '\n')
}

const hexUpper = "0123456789ABCDEF"

// needsEscape marks the bytes that canonical N-Quads escapes inside a literal.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t[0x7f] = true, true, true
	return t
}()

func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !needsEscape[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xf])
		}
	}
	return append(dst, s[start:]...)
}

// CheckQuad reports whether q can be written as N-Quads with its meaning intact: subject an
// IRI or blank node, predicate an IRI, object any term, graph absent, an IRI or a blank node;
// IRIs valid UTF-8 with a scheme and none of the characters N-Quads forbids in IRIs; literals
// valid UTF-8 with a well-formed language tag. Errors wrap [ErrInvalidTerm].
func CheckQuad(q Quad) error {
	if q.S.Kind != IRI && q.S.Kind != Blank {
		return fmt.Errorf("%w: subject must be an IRI or a blank node", ErrInvalidTerm)
	}
	if q.P.Kind != IRI {
		return fmt.Errorf("%w: predicate must be an IRI", ErrInvalidTerm)
	}
	if q.G.Kind == Literal || q.G.Kind > Literal {
		return fmt.Errorf("%w: graph name must be an IRI or a blank node", ErrInvalidTerm)
	}
	if q.O.Kind == 0 || q.O.Kind > Literal {
		return fmt.Errorf("%w: object must be an IRI, blank node or literal", ErrInvalidTerm)
	}
	for _, t := range [...]*Term{&q.S, &q.P, &q.O, &q.G} {
		if err := CheckTerm(*t); err != nil {
			return err
		}
	}
	return nil
}

// CheckTerm checks one term as [CheckQuad] does, whatever its position. The zero Term is valid
// (the default graph). Errors wrap [ErrInvalidTerm].
func CheckTerm(t Term) error {
	switch t.Kind {
	case IRI:
		if !validIRI(t.Value) {
			return fmt.Errorf("%w: IRI is not absolute or has forbidden characters", ErrInvalidTerm)
		}
	case Blank:
		if !validBlankLabel(t.Value) {
			return fmt.Errorf("%w: invalid blank node label", ErrInvalidTerm)
		}
	case Literal:
		if !utf8.ValidString(t.Value) {
			return fmt.Errorf("%w: literal is not valid UTF-8", ErrInvalidTerm)
		}
		if t.Language != "" {
			if !validLangTag(t.Language) {
				return fmt.Errorf("%w: invalid language tag", ErrInvalidTerm)
			}
			if t.Datatype != "" && t.Datatype != RDFLangString {
				return fmt.Errorf("%w: language-tagged literal with datatype other than rdf:langString", ErrInvalidTerm)
			}
		} else if t.Datatype != "" {
			if t.Datatype == RDFLangString {
				return fmt.Errorf("%w: rdf:langString literal without language tag", ErrInvalidTerm)
			}
			if !validIRI(t.Datatype) {
				return fmt.Errorf("%w: datatype IRI is not absolute or has forbidden characters", ErrInvalidTerm)
			}
		}
	case 0:
	default:
		return fmt.Errorf("%w: unknown term kind %d", ErrInvalidTerm, t.Kind)
	}
	return nil
}

// iriForbidden marks the ASCII bytes that may not appear unescaped in an N-Quads IRIREF.
var iriForbidden = func() (t [256]bool) {
	for c := 0; c <= 0x20; c++ {
		t[c] = true
	}
	for _, c := range `<>"{}|^` + "`\\" {
		t[c] = true
	}
	return t
}()

// validIRI reports whether s is valid UTF-8, starts with a scheme and has no forbidden
// characters, so that "<" + s + ">" parses back to s.
func validIRI(s string) bool {
	if !hasScheme(s) {
		return false
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if iriForbidden[c] {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}

// hasScheme reports whether s starts with scheme ":" (RFC 3987).
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// validLangTag checks LANGTAG without the "@": [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
func validLangTag(s string) bool {
	if s == "" {
		return false
	}
	first, n := true, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n++
		case c >= '0' && c <= '9' && !first:
			n++
		case c == '-' && n > 0:
			first, n = false, 0
		default:
			return false
		}
	}
	return n > 0
}

// validBlankLabel checks BLANK_NODE_LABEL without the "_:".
func validBlankLabel(s string) bool {
	if s == "" {
		return false
	}
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		if r == utf8.RuneError && size == 1 {
			return false
		}
		switch {
		case i == 0:
			if !isPNCharsU(r) && !(r >= '0' && r <= '9') {
				return false
			}
		case r == '.':
			if i+w == len(s) {
				return false
			}
		default:
			if !isPNChars(r) {
				return false
			}
		}
	}
	return true
}

func isPNCharsBase(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r < 0xC0:
		return false
	}
	return r >= 0xC0 && r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D ||
		r >= 0x2070 && r <= 0x218F || r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

// isPNCharsU is PN_CHARS_U of N-Quads, which includes ':'.
func isPNCharsU(r rune) bool { return r == '_' || r == ':' || isPNCharsBase(r) }

func isPNChars(r rune) bool {
	return isPNCharsU(r) || r == '-' || r >= '0' && r <= '9' || r == 0xB7 ||
		r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}
