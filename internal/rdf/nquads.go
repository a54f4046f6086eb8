package rdf

import (
	"fmt"
	"unicode/utf8"
)

// Default parse limits, used when a ParseOptions field is zero.
const (
	DefaultMaxBytes     = 16 << 20 // 16 MiB of N-Quads
	DefaultMaxLineBytes = 1 << 20  // 1 MiB per statement
	DefaultMaxQuads     = 100_000
)

// ParseOptions bounds [ParseNQuads]. A nil *ParseOptions or a zero field means the default.
type ParseOptions struct {
	MaxBytes     int // whole input; 0 = DefaultMaxBytes
	MaxLineBytes int // one line; 0 = DefaultMaxLineBytes
	MaxQuads     int // statements; 0 = DefaultMaxQuads
}

func (o *ParseOptions) limits() (maxBytes, maxLine, maxQuads int) {
	maxBytes, maxLine, maxQuads = DefaultMaxBytes, DefaultMaxLineBytes, DefaultMaxQuads
	if o != nil {
		if o.MaxBytes > 0 {
			maxBytes = o.MaxBytes
		}
		if o.MaxLineBytes > 0 {
			maxLine = o.MaxLineBytes
		}
		if o.MaxQuads > 0 {
			maxQuads = o.MaxQuads
		}
	}
	return
}

// ParseNQuads parses an RDF 1.1 N-Quads document strictly: UTF-8 only, absolute IRIs,
// escapes (ECHAR, UCHAR) decoded, no generalized quads, one statement per line. Escapes that
// decode to a surrogate, or to a character N-Quads forbids in IRIs, are rejected.
//
// Literals come back with Datatype "" for xsd:string (written or not) and for language-tagged
// strings; blank nodes keep their labels (without "_:"). Duplicate statements are kept.
//
// Errors are *SyntaxError and wrap ErrSyntax, or ErrTooLarge when a limit in opts is exceeded.
func ParseNQuads(data []byte, opts *ParseOptions) ([]Quad, error) {
	maxBytes, maxLine, maxQuads := opts.limits()
	p := parser{data: data, intern: make(map[string]string)}
	if len(data) > maxBytes {
		return nil, &SyntaxError{Line: 1, Column: 1, Msg: fmt.Sprintf("input is %d bytes, limit %d", len(data), maxBytes), Err: ErrTooLarge}
	}
	var quads []Quad
	for pos := 0; pos < len(data); {
		p.lineNo++
		end := pos + indexEOL(data[pos:])
		if end-pos > maxLine {
			return nil, &SyntaxError{Line: p.lineNo, Column: 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine), Err: ErrTooLarge}
		}
		p.line, p.i = data[pos:end], 0
		q, ok, err := p.statement()
		if err != nil {
			return nil, err
		}
		if ok {
			if len(quads) == maxQuads {
				return nil, &SyntaxError{Line: p.lineNo, Column: 1, Msg: fmt.Sprintf("more than %d statements", maxQuads), Err: ErrTooLarge}
			}
			quads = append(quads, q)
		}
		// Skip the EOL: one "\n", "\r" or "\r\n" counts as one line.
		pos = end
		if pos < len(data) && data[pos] == '\r' {
			pos++
		}
		if pos < len(data) && data[pos] == '\n' {
			pos++
		}
	}
	return quads, nil
}

func indexEOL(b []byte) int {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			return i
		}
	}
	return len(b)
}

type parser struct {
	data   []byte
	line   []byte
	i      int
	lineNo int
	intern map[string]string
	buf    []byte
}

func (p *parser) fail(format string, a ...any) error {
	return &SyntaxError{Line: p.lineNo, Column: p.i + 1, Msg: fmt.Sprintf(format, a...), Err: ErrSyntax}
}

func (p *parser) skipWS() {
	for p.i < len(p.line) && (p.line[p.i] == ' ' || p.line[p.i] == '\t') {
		p.i++
	}
}

func (p *parser) str(b []byte) string {
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.intern) < 4096 {
		p.intern[s] = s
	}
	return s
}

// statement parses one line. ok is false for a blank or comment-only line.
func (p *parser) statement() (q Quad, ok bool, err error) {
	p.skipWS()
	if p.i == len(p.line) || p.line[p.i] == '#' {
		return q, false, nil
	}
	if q.S, err = p.term("subject"); err != nil {
		return
	}
	if q.S.Kind == Literal {
		return q, false, p.fail("subject must be an IRI or a blank node")
	}
	p.skipWS()
	start := p.i
	if q.P, err = p.term("predicate"); err != nil {
		return
	}
	if q.P.Kind != IRI {
		p.i = start
		return q, false, p.fail("predicate must be an IRI")
	}
	p.skipWS()
	if q.O, err = p.term("object"); err != nil {
		return
	}
	p.skipWS()
	if p.i < len(p.line) && p.line[p.i] != '.' {
		start = p.i
		if q.G, err = p.term("graph name"); err != nil {
			return
		}
		if q.G.Kind == Literal {
			p.i = start
			return q, false, p.fail("graph name must be an IRI or a blank node")
		}
		p.skipWS()
	}
	if p.i == len(p.line) || p.line[p.i] != '.' {
		return q, false, p.fail("expected '.' at end of statement")
	}
	p.i++
	p.skipWS()
	if p.i < len(p.line) && p.line[p.i] != '#' {
		return q, false, p.fail("unexpected text after '.'")
	}
	return q, true, nil
}

func (p *parser) term(what string) (Term, error) {
	if p.i == len(p.line) {
		return Term{}, p.fail("missing %s", what)
	}
	switch p.line[p.i] {
	case '<':
		v, err := p.iri()
		return Term{Kind: IRI, Value: v}, err
	case '_':
		v, err := p.blank()
		return Term{Kind: Blank, Value: v}, err
	case '"':
		return p.literal()
	}
	return Term{}, p.fail("unexpected character in %s", what)
}

// iri parses IRIREF at p.i (which is '<').
func (p *parser) iri() (string, error) {
	start := p.i
	p.i++
	begin := p.i
	escaped, ascii := false, true
	for ; p.i < len(p.line); p.i++ {
		c := p.line[p.i]
		if c == '>' {
			break
		}
		if c == '\\' {
			escaped = true
			if p.i+1 < len(p.line) && (p.line[p.i+1] == 'u' || p.line[p.i+1] == 'U') {
				continue
			}
			return "", p.fail("only \\u and \\U escapes are allowed in IRIs")
		}
		if iriForbidden[c] {
			return "", p.fail("character %q not allowed in IRI", c)
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if p.i == len(p.line) {
		p.i = start
		return "", p.fail("unterminated IRI")
	}
	raw := p.line[begin:p.i]
	p.i++ // '>'
	if !ascii && !utf8.Valid(raw) {
		p.i = start
		return "", p.fail("IRI is not valid UTF-8")
	}
	if escaped {
		p.buf = p.buf[:0]
		for j := 0; j < len(raw); {
			c := raw[j]
			if c != '\\' {
				p.buf = append(p.buf, c)
				j++
				continue
			}
			r, n, ok := uchar(raw[j:])
			if !ok {
				p.i = start + 1 + j
				return "", p.fail("invalid \\u or \\U escape in IRI")
			}
			if r < 0x80 && iriForbidden[r] {
				p.i = start + 1 + j
				return "", p.fail("escape decodes to a character not allowed in IRI")
			}
			p.buf = utf8.AppendRune(p.buf, r)
			j += n
		}
		raw = p.buf
	}
	if !hasScheme(string(raw)) {
		p.i = start
		return "", p.fail("IRI is not absolute")
	}
	return p.str(raw), nil
}

// uchar decodes \uXXXX or \UXXXXXXXX at the start of b into a Unicode scalar value.
func uchar(b []byte) (r rune, n int, ok bool) {
	if len(b) < 2 || b[0] != '\\' {
		return 0, 0, false
	}
	switch b[1] {
	case 'u':
		n = 6
	case 'U':
		n = 10
	default:
		return 0, 0, false
	}
	if len(b) < n {
		return 0, 0, false
	}
	for _, c := range b[2:n] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, 0, false
		}
		r = r<<4 | rune(d)
	}
	if r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
		return 0, 0, false
	}
	return r, n, true
}

// blank parses BLANK_NODE_LABEL at p.i (which is '_').
func (p *parser) blank() (string, error) {
	start := p.i
	if p.i+1 >= len(p.line) || p.line[p.i+1] != ':' {
		return "", p.fail("expected \"_:\"")
	}
	p.i += 2
	begin := p.i
	lastNonDot := begin
	for p.i < len(p.line) {
		r, size := rune(p.line[p.i]), 1
		if r >= 0x80 {
			r, size = utf8.DecodeRune(p.line[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", p.fail("blank node label is not valid UTF-8")
			}
		}
		if p.i == begin {
			if !isPNCharsU(r) && !(r >= '0' && r <= '9') {
				break
			}
		} else if r != '.' && !isPNChars(r) {
			break
		}
		p.i += size
		if r != '.' {
			lastNonDot = p.i
		}
	}
	p.i = lastNonDot // a trailing '.' ends the statement, not the label
	if p.i == begin {
		p.i = start
		return "", p.fail("empty or invalid blank node label")
	}
	return p.str(p.line[begin:p.i]), nil
}

// literal parses STRING_LITERAL_QUOTE and its datatype or language tag.
func (p *parser) literal() (Term, error) {
	start := p.i
	p.i++
	begin := p.i
	escaped := false
	for ; p.i < len(p.line); p.i++ {
		c := p.line[p.i]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			p.i++
		}
	}
	if p.i >= len(p.line) {
		p.i = start
		return Term{}, p.fail("unterminated string literal")
	}
	raw := p.line[begin:p.i]
	p.i++ // closing quote
	if escaped {
		p.buf = p.buf[:0]
		for j := 0; j < len(raw); {
			c := raw[j]
			if c != '\\' {
				p.buf = append(p.buf, c)
				j++
				continue
			}
			if j+1 == len(raw) {
				p.i = begin + j
				return Term{}, p.fail("invalid escape in string literal")
			}
			var e byte
			switch raw[j+1] {
			case 't':
				e = '\t'
			case 'b':
				e = '\b'
			case 'n':
				e = '\n'
			case 'r':
				e = '\r'
			case 'f':
				e = '\f'
			case '"', '\'', '\\':
				e = raw[j+1]
			case 'u', 'U':
				r, n, ok := uchar(raw[j:])
				if !ok {
					p.i = begin + j
					return Term{}, p.fail("invalid \\u or \\U escape in string literal")
				}
				p.buf = utf8.AppendRune(p.buf, r)
				j += n
				continue
			default:
				p.i = begin + j
				return Term{}, p.fail("invalid escape in string literal")
			}
			p.buf = append(p.buf, e)
			j += 2
		}
		raw = p.buf
	}
	if !utf8.Valid(raw) {
		p.i = start
		return Term{}, p.fail("string literal is not valid UTF-8")
	}
	t := Term{Kind: Literal, Value: string(raw)}
	if p.i < len(p.line) {
		switch p.line[p.i] {
		case '@':
			p.i++
			b := p.i
			for p.i < len(p.line) {
				c := p.line[p.i]
				if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
					p.i++
					continue
				}
				break
			}
			if !validLangTag(string(p.line[b:p.i])) {
				p.i = b
				return Term{}, p.fail("invalid language tag")
			}
			t.Language = p.str(p.line[b:p.i])
		case '^':
			if p.i+2 >= len(p.line) || p.line[p.i+1] != '^' || p.line[p.i+2] != '<' {
				return Term{}, p.fail("expected \"^^<\" before datatype IRI")
			}
			p.i += 2
			dt, err := p.iri()
			if err != nil {
				return Term{}, err
			}
			if dt == RDFLangString {
				return Term{}, p.fail("rdf:langString datatype without language tag")
			}
			if dt != XSDString {
				t.Datatype = dt
			}
		}
	}
	return t, nil
}

// AppendNQuads appends every quad in canonical form, one per line, in the given order.
func AppendNQuads(dst []byte, quads []Quad) []byte {
	for i := range quads {
		dst = AppendQuad(dst, quads[i])
	}
	return dst
}
