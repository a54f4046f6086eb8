package query

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// DCQL is an OpenID4VP Digital Credentials Query Language query. Supported:
// credentials with id, format, multiple, meta (vct_values, type_values),
// claims (id, path, values) and claim_sets; credential_sets with options and
// required. trusted_authorities and require_cryptographic_holder_binding are
// accepted but not evaluated (see DCQLResult.Notes).
type DCQL struct {
	Credentials    []CredentialQuery
	CredentialSets []CredentialSetQuery
	notes          []string
}

// CredentialQuery requests one credential.
type CredentialQuery struct {
	ID         string
	Format     string
	Multiple   bool
	VCTValues  []string   // meta.vct_values: one must equal a type
	TypeValues [][]string // meta.type_values: every type of one inner list must be present
	Claims     []ClaimQuery
	ClaimSets  [][]string
}

// ClaimQuery requests one claim by a claims path pointer: strings select
// object members, integers array elements, nil every element of an array.
type ClaimQuery struct {
	ID     string
	Path   []any // string, int or nil
	Values []any // when set, the claim must equal one of them
}

// CredentialSetQuery says which combinations of credential queries satisfy
// the request.
type CredentialSetQuery struct {
	Options  [][]string
	Required bool // default true
}

var dcqlID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ParseDCQL decodes a DCQL query, given bare or wrapped as {"dcql_query": {...}}.
func ParseDCQL(data []byte) (*DCQL, error) {
	m, err := decodeRequest(data)
	if err != nil {
		return nil, err
	}
	if inner, ok := m["dcql_query"].(map[string]any); ok && len(m) == 1 {
		m = inner
	}
	list, ok := m["credentials"].([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%w: credentials missing or empty", ErrMalformed)
	}
	if len(list) > MaxDescriptors {
		return nil, fmt.Errorf("%w: more than %d credential queries", ErrLimit, MaxDescriptors)
	}
	q := &DCQL{}
	ids := map[string]bool{}
	for i, v := range list {
		cq, err := q.parseCredentialQuery(v)
		if err != nil {
			return nil, fmt.Errorf("credential query %d: %w", i, err)
		}
		if ids[cq.ID] {
			return nil, fmt.Errorf("%w: duplicate credential query id %q", ErrMalformed, cq.ID)
		}
		ids[cq.ID] = true
		q.Credentials = append(q.Credentials, *cq)
	}
	if sv, ok := m["credential_sets"]; ok {
		sets, ok := sv.([]any)
		if !ok || len(sets) == 0 {
			return nil, fmt.Errorf("%w: credential_sets must be a non-empty array", ErrMalformed)
		}
		for i, s := range sets {
			sm, ok := s.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: credential set %d is not an object", ErrMalformed, i)
			}
			cs := CredentialSetQuery{Required: true}
			if r, ok := sm["required"]; ok {
				b, ok := r.(bool)
				if !ok {
					return nil, fmt.Errorf("%w: credential set %d: required is not a boolean", ErrMalformed, i)
				}
				cs.Required = b
			}
			if cs.Options, err = stringLists(sm["options"], "options"); err != nil {
				return nil, fmt.Errorf("credential set %d: %w", i, err)
			}
			for _, opt := range cs.Options {
				for _, id := range opt {
					if !ids[id] {
						return nil, fmt.Errorf("%w: credential set %d names unknown query %q", ErrMalformed, i, id)
					}
				}
			}
			q.CredentialSets = append(q.CredentialSets, cs)
		}
	}
	return q, nil
}

func stringLists(v any, what string) ([][]string, error) {
	outer, ok := v.([]any)
	if !ok || len(outer) == 0 {
		return nil, fmt.Errorf("%w: %s must be a non-empty array of arrays", ErrMalformed, what)
	}
	var out [][]string
	for _, o := range outer {
		inner, ok := o.([]any)
		if !ok || len(inner) == 0 {
			return nil, fmt.Errorf("%w: %s entry must be a non-empty array", ErrMalformed, what)
		}
		var row []string
		for _, e := range inner {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s entry is not a string", ErrMalformed, what)
			}
			row = append(row, s)
		}
		out = append(out, row)
	}
	return out, nil
}

func (q *DCQL) parseCredentialQuery(v any) (*CredentialQuery, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not an object", ErrMalformed)
	}
	cq := &CredentialQuery{ID: str(m["id"]), Format: str(m["format"])}
	if !dcqlID.MatchString(cq.ID) {
		return nil, fmt.Errorf("%w: id %q", ErrMalformed, cq.ID)
	}
	if cq.Format == "" {
		return nil, fmt.Errorf("%w: no format", ErrMalformed)
	}
	if mv, ok := m["multiple"]; ok {
		b, ok := mv.(bool)
		if !ok {
			return nil, fmt.Errorf("%w: multiple is not a boolean", ErrMalformed)
		}
		cq.Multiple = b
	}
	if _, ok := m["trusted_authorities"]; ok {
		q.notes = append(q.notes, fmt.Sprintf("credential query %q: trusted_authorities not evaluated", cq.ID))
	}
	if meta, ok := m["meta"]; ok {
		mm, ok := meta.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: meta is not an object", ErrMalformed)
		}
		if vv, ok := mm["vct_values"]; ok {
			rows, err := stringLists([]any{vv}, "vct_values")
			if err != nil {
				return nil, err
			}
			cq.VCTValues = rows[0]
		}
		if tv, ok := mm["type_values"]; ok {
			rows, err := stringLists(tv, "type_values")
			if err != nil {
				return nil, err
			}
			cq.TypeValues = rows
		}
		if _, ok := mm["doctype_value"]; ok {
			return nil, fmt.Errorf("%w: mso_mdoc doctype_value", ErrUnsupported)
		}
	}
	claimIDs := map[string]bool{}
	if cv, ok := m["claims"]; ok {
		list, ok := cv.([]any)
		if !ok || len(list) == 0 {
			return nil, fmt.Errorf("%w: claims must be a non-empty array", ErrMalformed)
		}
		if len(list) > MaxFields {
			return nil, fmt.Errorf("%w: more than %d claims", ErrLimit, MaxFields)
		}
		for i, c := range list {
			cm, ok := c.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: claim %d is not an object", ErrMalformed, i)
			}
			cl := ClaimQuery{ID: str(cm["id"])}
			if cl.ID != "" {
				if !dcqlID.MatchString(cl.ID) || claimIDs[cl.ID] {
					return nil, fmt.Errorf("%w: claim id %q invalid or repeated", ErrMalformed, cl.ID)
				}
				claimIDs[cl.ID] = true
			}
			path, ok := cm["path"].([]any)
			if !ok || len(path) == 0 || len(path) > MaxSegments {
				return nil, fmt.Errorf("%w: claim %d: path must be a non-empty array of at most %d", ErrMalformed, i, MaxSegments)
			}
			for _, e := range path {
				switch t := e.(type) {
				case string, nil:
					cl.Path = append(cl.Path, t)
				default:
					f, ok := toFloat(t)
					if !ok || f < 0 || f != math.Trunc(f) || f > 1<<24 {
						return nil, fmt.Errorf("%w: claim %d: bad path element", ErrMalformed, i)
					}
					cl.Path = append(cl.Path, int(f))
				}
			}
			if vv, ok := cm["values"]; ok {
				vals, ok := vv.([]any)
				if !ok || len(vals) == 0 {
					return nil, fmt.Errorf("%w: claim %d: values must be a non-empty array", ErrMalformed, i)
				}
				for _, v := range vals {
					switch jsonType(v) {
					case "string", "integer", "number", "boolean":
					default:
						return nil, fmt.Errorf("%w: claim %d: values entries must be strings, numbers or booleans", ErrMalformed, i)
					}
				}
				cl.Values = vals
			}
			cq.Claims = append(cq.Claims, cl)
		}
	}
	if sv, ok := m["claim_sets"]; ok {
		if len(cq.Claims) == 0 {
			return nil, fmt.Errorf("%w: claim_sets without claims", ErrMalformed)
		}
		sets, err := stringLists(sv, "claim_sets")
		if err != nil {
			return nil, err
		}
		for _, s := range sets {
			for _, id := range s {
				if !claimIDs[id] {
					return nil, fmt.Errorf("%w: claim_sets names unknown claim %q", ErrMalformed, id)
				}
			}
		}
		cq.ClaimSets = sets
	}
	return cq, nil
}

// SelectPointer applies a DCQL claims path pointer to doc. ok is false when
// the pointer does not fit the document's shape.
func SelectPointer(doc any, path []any) (vals []any, ok bool) {
	cur := []any{doc}
	for _, e := range path {
		var next []any
		for _, v := range cur {
			switch k := e.(type) {
			case string:
				m, isObj := v.(map[string]any)
				if !isObj {
					return nil, false
				}
				if c, has := m[k]; has {
					next = append(next, c)
				}
			case int:
				a, isArr := v.([]any)
				if !isArr {
					return nil, false
				}
				if k < len(a) {
					next = append(next, a[k])
				}
			case nil:
				a, isArr := v.([]any)
				if !isArr {
					return nil, false
				}
				next = append(next, a...)
			}
			if len(next) > MaxPathResults {
				return nil, false
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil, true
		}
	}
	return cur, true
}

// DCQLMatch is a credential for a credential query, with the claims to disclose.
type DCQLMatch struct {
	CredentialID string
	Format       string
	Claims       [][]any // claims path pointers to disclose; nil when the query names no claims
}

// DCQLResult is the outcome of evaluating a DCQL query.
type DCQLResult struct {
	// Matches lists, per credential query id, every credential that satisfies it.
	Matches map[string][]DCQLMatch
	// Selected is what to present: per chosen query id, one match (or all, if multiple).
	Selected map[string][]DCQLMatch
	// Notes lists parts of the query that were accepted but not evaluated.
	Notes []string
}

// Evaluate matches creds against q. When a required credential (or
// credential set) cannot be satisfied it returns the partial result and an
// error wrapping ErrNoMatch.
func (q *DCQL) Evaluate(creds []Credential) (*DCQLResult, error) {
	res := &DCQLResult{Matches: map[string][]DCQLMatch{}, Selected: map[string][]DCQLMatch{}, Notes: q.notes}
	for i := range q.Credentials {
		cq := &q.Credentials[i]
		for j := range creds {
			if m, ok := cq.match(&creds[j]); ok {
				res.Matches[cq.ID] = append(res.Matches[cq.ID], m)
			}
		}
	}
	var chosen []string
	var errs []error
	if len(q.CredentialSets) == 0 {
		for _, cq := range q.Credentials {
			if len(res.Matches[cq.ID]) == 0 {
				errs = append(errs, fmt.Errorf("%w: no credential for query %q", ErrNoMatch, cq.ID))
			}
			chosen = append(chosen, cq.ID)
		}
	} else {
		for i, cs := range q.CredentialSets {
			found := false
			for _, opt := range cs.Options {
				all := true
				for _, id := range opt {
					if len(res.Matches[id]) == 0 {
						all = false
						break
					}
				}
				if all {
					chosen = append(chosen, opt...)
					found = true
					break
				}
			}
			if !found && cs.Required {
				errs = append(errs, fmt.Errorf("%w: no option of credential set %d", ErrNoMatch, i))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	for _, id := range chosen {
		if _, done := res.Selected[id]; done {
			continue
		}
		ms := res.Matches[id]
		if !q.byID(id).Multiple {
			ms = ms[:1]
		}
		res.Selected[id] = ms
	}
	return res, nil
}

func (q *DCQL) byID(id string) *CredentialQuery {
	for i := range q.Credentials {
		if q.Credentials[i].ID == id {
			return &q.Credentials[i]
		}
	}
	return nil
}

// MetaMatch reports whether a credential of this format and these types
// passes cq's format and meta constraints, before any claim is looked at.
func (cq *CredentialQuery) MetaMatch(format string, types []string) bool {
	if !SameFormat(cq.Format, format) {
		return false
	}
	if len(cq.VCTValues) > 0 && !anyIn(cq.VCTValues, types) {
		return false
	}
	if len(cq.TypeValues) > 0 {
		for _, alt := range cq.TypeValues {
			if allIn(alt, types) {
				return true
			}
		}
		return false
	}
	return true
}

func (cq *CredentialQuery) match(c *Credential) (DCQLMatch, bool) {
	if !cq.MetaMatch(c.Format, c.Types) {
		return DCQLMatch{}, false
	}
	m := DCQLMatch{CredentialID: c.ID, Format: c.Format}
	if len(cq.Claims) == 0 {
		return m, true
	}
	satisfied := make([]bool, len(cq.Claims))
	for i := range cq.Claims {
		satisfied[i] = cq.Claims[i].match(c.Claims)
	}
	if len(cq.ClaimSets) == 0 {
		for i, ok := range satisfied {
			if !ok {
				return DCQLMatch{}, false
			}
			m.Claims = append(m.Claims, cq.Claims[i].Path)
		}
		return m, true
	}
	for _, set := range cq.ClaimSets {
		all := true
		var paths [][]any
		for _, id := range set {
			i := cq.claimIndex(id)
			if !satisfied[i] {
				all = false
				break
			}
			paths = append(paths, cq.Claims[i].Path)
		}
		if all {
			m.Claims = paths
			return m, true
		}
	}
	return DCQLMatch{}, false
}

func (cq *CredentialQuery) claimIndex(id string) int {
	for i := range cq.Claims {
		if cq.Claims[i].ID == id {
			return i
		}
	}
	return -1 // unreachable: ParseDCQL checks claim_sets ids
}

func (cl *ClaimQuery) match(claims any) bool {
	vals, ok := SelectPointer(claims, cl.Path)
	if !ok || len(vals) == 0 {
		return false
	}
	if len(cl.Values) == 0 {
		return true
	}
	for _, v := range vals {
		for _, want := range cl.Values {
			if jsonType(v) == jsonType(want) || (isNumber(v) && isNumber(want)) {
				if Equal(v, want) {
					return true
				}
			}
		}
	}
	return false
}

func isNumber(v any) bool { _, ok := toFloat(v); return ok }

func anyIn(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}

func allIn(want, have []string) bool {
	for _, w := range want {
		if !anyIn([]string{w}, have) {
			return false
		}
	}
	return true
}

// PathString renders a claims path pointer as JSON-like text, e.g. ["a",0,null].
func PathString(p []any) string {
	s := "["
	for i, e := range p {
		if i > 0 {
			s += ","
		}
		switch t := e.(type) {
		case string:
			s += strconv.Quote(t)
		case int:
			s += strconv.Itoa(t)
		default:
			s += "null"
		}
	}
	return s + "]"
}
