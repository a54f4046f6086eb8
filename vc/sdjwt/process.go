package sdjwt

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/polity-id/polity/internal/jsonx"
)

func decodeObject(raw []byte, lim *Limits) (map[string]any, error) {
	v, err := jsonx.Decode(raw, jsonx.Limits{MaxBytes: lim.maxBytes(), MaxDepth: lim.maxDepth()})
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	return m, nil
}

// sdAlg reads "_sd_alg" (default sha-256).
func sdAlg(payload map[string]any) (string, error) {
	v, ok := payload["_sd_alg"]
	if !ok {
		return SHA256, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: _sd_alg is not a string", ErrMalformed)
	}
	if _, err := newHash(s); err != nil {
		return "", err
	}
	return s, nil
}

// processor rebuilds the processed payload (RFC 9901 section 7.1 step 3).
type processor struct {
	ds       []*Disclosure
	byDigest map[string]int
	used     []bool
	seen     map[string]struct{}
	maxDepth int
	paths    map[string]struct{} // every claim path of the result, if non-nil
}

func newProcessor(ds []*Disclosure, alg string, lim *Limits) (*processor, error) {
	p := &processor{ds: ds, byDigest: make(map[string]int, len(ds)), used: make([]bool, len(ds)),
		seen: make(map[string]struct{}), maxDepth: lim.maxDepth()}
	for i, d := range ds {
		dg, err := digestOf(alg, d.Encoded)
		if err != nil {
			return nil, err
		}
		d.Digest, d.Path, d.parent = dg, "", -1
		if _, dup := p.byDigest[dg]; dup {
			return nil, fmt.Errorf("%w: disclosure %d repeated", ErrDisclosure, i)
		}
		p.byDigest[dg] = i
	}
	return p, nil
}

// run processes the payload in place and checks every disclosure was used.
func (p *processor) run(payload map[string]any) (map[string]any, error) {
	delete(payload, "_sd_alg")
	v, err := p.value(payload, "", -1, 0)
	if err != nil {
		return nil, err
	}
	for i, u := range p.used {
		if !u {
			return nil, fmt.Errorf("%w: disclosure %d is not referenced by the payload", ErrDisclosure, i)
		}
	}
	return v.(map[string]any), nil
}

func (p *processor) mark(digest string) error {
	if _, dup := p.seen[digest]; dup {
		return fmt.Errorf("%w: digest appears more than once", ErrDisclosure)
	}
	p.seen[digest] = struct{}{}
	return nil
}

// joinPath appends a member name to a claim path (see [IssueOptions.Disclose]).
func joinPath(base, name string) string {
	n := nameSeg(name)
	if base == "" || n[0] == '[' {
		return base + n
	}
	return base + "." + n
}

func (p *processor) value(v any, path string, parent, depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", ErrTooLarge, p.maxDepth)
	}
	if p.paths != nil && path != "" {
		p.paths[path] = struct{}{}
	}
	switch t := v.(type) {
	case map[string]any:
		return p.object(t, path, parent, depth)
	case []any:
		out := make([]any, 0, len(t))
		for i, e := range t {
			ep := path + "[" + strconv.Itoa(i) + "]"
			if m, ok := e.(map[string]any); ok && len(m) == 1 {
				if raw, ok := m["..."]; ok {
					dg, ok := raw.(string)
					if !ok {
						return nil, fmt.Errorf("%w: array digest at %s is not a string", ErrMalformed, ep)
					}
					if err := p.mark(dg); err != nil {
						return nil, err
					}
					idx, found := p.byDigest[dg]
					if !found {
						continue // undisclosed element or decoy
					}
					d := p.ds[idx]
					if !d.Element {
						return nil, fmt.Errorf("%w: object property disclosure referenced as array element at %s", ErrDisclosure, ep)
					}
					p.used[idx] = true
					d.Path, d.parent = ep, parent
					val, err := p.value(deepCopy(d.Value), ep, idx, depth+1)
					if err != nil {
						return nil, err
					}
					out = append(out, val)
					continue
				}
			}
			val, err := p.value(e, ep, parent, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		return out, nil
	}
	return v, nil
}

func (p *processor) object(m map[string]any, path string, parent, depth int) (any, error) {
	// Plain members first, so disclosed names can be checked against them.
	for k, v := range m {
		if k == "_sd" {
			continue
		}
		val, err := p.value(v, joinPath(path, k), parent, depth+1)
		if err != nil {
			return nil, err
		}
		m[k] = val
	}
	raw, ok := m["_sd"]
	if !ok {
		return m, nil
	}
	delete(m, "_sd")
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: _sd at %q is not an array", ErrMalformed, path)
	}
	for _, e := range list {
		dg, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: _sd entry at %q is not a string", ErrMalformed, path)
		}
		if err := p.mark(dg); err != nil {
			return nil, err
		}
		idx, found := p.byDigest[dg]
		if !found {
			continue // undisclosed claim or decoy
		}
		d := p.ds[idx]
		if d.Element {
			return nil, fmt.Errorf("%w: array element disclosure referenced in _sd at %q", ErrDisclosure, path)
		}
		if _, exists := m[d.Name]; exists {
			return nil, fmt.Errorf("%w: disclosed claim %q already exists at %q", ErrDisclosure, d.Name, path)
		}
		p.used[idx] = true
		cp := joinPath(path, d.Name)
		d.Path, d.parent = cp, parent
		val, err := p.value(deepCopy(d.Value), cp, idx, depth+1)
		if err != nil {
			return nil, err
		}
		m[d.Name] = val
	}
	return m, nil
}

// deepCopy copies a decoded JSON value, so processing never aliases a
// disclosure's Value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	case json.Number, string, bool, nil:
		return t
	}
	return v
}
