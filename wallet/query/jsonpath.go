package query

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Caps on paths and their results.
const (
	MaxPathLength  = 1024  // bytes of one JSONPath expression
	MaxSegments    = 64    // segments of one path
	MaxPathResults = 10000 // values one path may select
	maxDescend     = 64    // depth of a recursive descent
)

// Path is a compiled JSONPath expression in a safe subset of RFC 9535: the
// root $, member names .name and ['name'] (or "name"), indices [n], the
// wildcards .* and [*], and recursive descent ..name, ..* and ..[n]. Filters
// and scripts are not supported. Selection never fails: a step that does not
// apply selects nothing.
type Path struct {
	src  string
	segs []segment
}

type segment struct {
	descend  bool
	wildcard bool
	index    int // >= 0 for an index selector
	name     string
	isName   bool
}

// ParsePath compiles s. Invalid or unsupported syntax reports ErrMalformed.
func ParsePath(s string) (*Path, error) {
	if len(s) > MaxPathLength {
		return nil, fmt.Errorf("%w: path longer than %d bytes", ErrLimit, MaxPathLength)
	}
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("%w: path %q does not start with $", ErrMalformed, s)
	}
	p := &Path{src: s}
	i := 1
	for i < len(s) {
		if len(p.segs) >= MaxSegments {
			return nil, fmt.Errorf("%w: path has more than %d segments", ErrLimit, MaxSegments)
		}
		var seg segment
		switch {
		case strings.HasPrefix(s[i:], ".."):
			seg.descend = true
			i += 2
			if i < len(s) && s[i] == '[' {
				n, err := parseBracket(s, i, &seg)
				if err != nil {
					return nil, err
				}
				i = n
			} else {
				n, err := parseDotName(s, i, &seg)
				if err != nil {
					return nil, err
				}
				i = n
			}
		case s[i] == '.':
			n, err := parseDotName(s, i+1, &seg)
			if err != nil {
				return nil, err
			}
			i = n
		case s[i] == '[':
			n, err := parseBracket(s, i, &seg)
			if err != nil {
				return nil, err
			}
			i = n
		default:
			return nil, fmt.Errorf("%w: path %q: unexpected %q at %d", ErrMalformed, s, s[i], i)
		}
		p.segs = append(p.segs, seg)
	}
	return p, nil
}

func parseDotName(s string, i int, seg *segment) (int, error) {
	if i < len(s) && s[i] == '*' {
		seg.wildcard = true
		return i + 1, nil
	}
	j := i
	for j < len(s) && s[j] != '.' && s[j] != '[' {
		c := s[j]
		if c == ' ' || c == '\'' || c == '"' || c == ']' || c == '(' || c == '?' || c == '\\' {
			return 0, fmt.Errorf("%w: path %q: bad character in name at %d", ErrMalformed, s, j)
		}
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: path %q: empty name at %d", ErrMalformed, s, i)
	}
	seg.name, seg.isName, seg.index = s[i:j], true, -1
	return j, nil
}

func parseBracket(s string, i int, seg *segment) (int, error) {
	i++ // past '['
	if i >= len(s) {
		return 0, fmt.Errorf("%w: path %q: unterminated [", ErrMalformed, s)
	}
	seg.index = -1
	switch c := s[i]; {
	case c == '*':
		seg.wildcard = true
		i++
	case c == '\'' || c == '"':
		var b strings.Builder
		j := i + 1
		for ; j < len(s) && s[j] != c; j++ {
			if s[j] == '\\' {
				j++
				if j >= len(s) {
					break
				}
				switch s[j] {
				case '\\', '\'', '"', '/':
					b.WriteByte(s[j])
				default:
					return 0, fmt.Errorf("%w: path %q: unsupported escape", ErrMalformed, s)
				}
				continue
			}
			b.WriteByte(s[j])
		}
		if j >= len(s) {
			return 0, fmt.Errorf("%w: path %q: unterminated string", ErrMalformed, s)
		}
		seg.name, seg.isName = b.String(), true
		i = j + 1
	case c >= '0' && c <= '9':
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil || n > 1<<24 || (j-i > 1 && s[i] == '0') {
			return 0, fmt.Errorf("%w: path %q: bad index", ErrMalformed, s)
		}
		seg.index = n
		i = j
	default:
		return 0, fmt.Errorf("%w: path %q: unsupported selector at %d", ErrUnsupported, s, i)
	}
	if i >= len(s) || s[i] != ']' {
		return 0, fmt.Errorf("%w: path %q: expected ] at %d", ErrMalformed, s, i)
	}
	return i + 1, nil
}

// String returns the source expression.
func (p *Path) String() string { return p.src }

// Select returns the values p selects in doc (decoded JSON), in document
// order with object members in key order, at most MaxPathResults.
func (p *Path) Select(doc any) []any {
	cur := []any{doc}
	for _, seg := range p.segs {
		var next []any
		for _, v := range cur {
			if seg.descend {
				for _, d := range descendants(v, nil, 0) {
					next = applySeg(seg, d, next)
					if len(next) > MaxPathResults {
						break
					}
				}
			} else {
				next = applySeg(seg, v, next)
			}
			if len(next) > MaxPathResults {
				next = next[:MaxPathResults]
				break
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

func applySeg(seg segment, v any, out []any) []any {
	switch t := v.(type) {
	case map[string]any:
		if seg.isName {
			if c, ok := t[seg.name]; ok {
				out = append(out, c)
			}
		} else if seg.wildcard {
			for _, k := range sortedKeys(t) {
				out = append(out, t[k])
			}
		}
	case []any:
		if seg.wildcard {
			out = append(out, t...)
		} else if seg.index >= 0 && seg.index < len(t) {
			out = append(out, t[seg.index])
		}
	}
	return out
}

// descendants lists v and every value below it, depth first.
func descendants(v any, out []any, depth int) []any {
	if len(out) > MaxPathResults {
		return out
	}
	out = append(out, v)
	if depth >= maxDescend {
		return out
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			out = descendants(t[k], out, depth+1)
		}
	case []any:
		for _, e := range t {
			out = descendants(e, out, depth+1)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Pointer returns p as a claims path pointer (strings for member names,
// integers for indices, nil for a wildcard), as far as p is definite: it
// stops before the first recursive descent, so the result names the
// closest container of everything p can select. The root path gives an
// empty pointer.
func (p *Path) Pointer() []any {
	out := make([]any, 0, len(p.segs))
	for _, s := range p.segs {
		switch {
		case s.descend:
			return out
		case s.wildcard:
			out = append(out, nil)
		case s.isName:
			out = append(out, s.name)
		default:
			out = append(out, s.index)
		}
	}
	return out
}
