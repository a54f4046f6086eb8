package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Definition is a DIF Presentation Exchange v2 presentation_definition.
// Supported: input_descriptors with format, group and constraints (fields
// with path, filter, optional; limit_disclosure), and submission_requirements
// (rule all/pick, count/min/max, from and from_nested). Format objects are
// matched by key only (their alg and proof_type lists are not checked).
type Definition struct {
	ID                     string
	Name, Purpose          string
	Formats                []string // keys of the definition-wide format object
	InputDescriptors       []InputDescriptor
	SubmissionRequirements []SubmissionRequirement
}

// InputDescriptor is one requested credential.
type InputDescriptor struct {
	ID              string
	Name, Purpose   string
	Group           []string
	Formats         []string
	LimitDisclosure string // "", "required" or "preferred"
	Fields          []Field
}

// Field is one constraint: the first path that yields a value passing Filter
// satisfies it.
type Field struct {
	ID       string
	Paths    []*Path
	Filter   *Filter // nil: presence is enough
	Optional bool
}

// SubmissionRequirement is a rule over descriptor groups or nested requirements.
type SubmissionRequirement struct {
	Name            string
	Rule            string // "all" or "pick"
	Count, Min, Max int    // -1 when absent
	From            string
	FromNested      []SubmissionRequirement
}

// ParseDefinition decodes and compiles a presentation definition, given bare
// or wrapped as {"presentation_definition": {...}}. Strict JSON with caps.
func ParseDefinition(data []byte) (*Definition, error) {
	m, err := decodeRequest(data)
	if err != nil {
		return nil, err
	}
	if inner, ok := m["presentation_definition"].(map[string]any); ok && len(m) == 1 {
		m = inner
	}
	d := &Definition{ID: str(m["id"]), Name: str(m["name"]), Purpose: str(m["purpose"])}
	if d.ID == "" {
		return nil, fmt.Errorf("%w: definition has no id", ErrMalformed)
	}
	if d.Formats, err = formatKeys(m["format"]); err != nil {
		return nil, err
	}
	ids, ok := m["input_descriptors"].([]any)
	if !ok || len(ids) == 0 {
		return nil, fmt.Errorf("%w: input_descriptors missing or empty", ErrMalformed)
	}
	if len(ids) > MaxDescriptors {
		return nil, fmt.Errorf("%w: more than %d input descriptors", ErrLimit, MaxDescriptors)
	}
	seen := map[string]bool{}
	for i, v := range ids {
		desc, err := parseDescriptor(v)
		if err != nil {
			return nil, fmt.Errorf("input descriptor %d: %w", i, err)
		}
		if seen[desc.ID] {
			return nil, fmt.Errorf("%w: duplicate input descriptor id %q", ErrMalformed, desc.ID)
		}
		seen[desc.ID] = true
		d.InputDescriptors = append(d.InputDescriptors, *desc)
	}
	if sr, ok := m["submission_requirements"]; ok {
		if d.SubmissionRequirements, err = parseRequirements(sr, 0); err != nil {
			return nil, err
		}
		for _, g := range groupsOf(d.SubmissionRequirements) {
			if !d.hasGroup(g) {
				return nil, fmt.Errorf("%w: submission requirement names unknown group %q", ErrMalformed, g)
			}
		}
	}
	return d, nil
}

func (d *Definition) hasGroup(g string) bool {
	for _, desc := range d.InputDescriptors {
		for _, dg := range desc.Group {
			if dg == g {
				return true
			}
		}
	}
	return false
}

func groupsOf(reqs []SubmissionRequirement) []string {
	var out []string
	for _, r := range reqs {
		if r.From != "" {
			out = append(out, r.From)
		}
		out = append(out, groupsOf(r.FromNested)...)
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

func formatKeys(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: format is not an object", ErrMalformed)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

func parseDescriptor(v any) (*InputDescriptor, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not an object", ErrMalformed)
	}
	d := &InputDescriptor{ID: str(m["id"]), Name: str(m["name"]), Purpose: str(m["purpose"])}
	if d.ID == "" {
		return nil, fmt.Errorf("%w: no id", ErrMalformed)
	}
	var err error
	if d.Formats, err = formatKeys(m["format"]); err != nil {
		return nil, err
	}
	if g, ok := m["group"]; ok {
		list, ok := g.([]any)
		if !ok {
			return nil, fmt.Errorf("%w: group is not an array", ErrMalformed)
		}
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: group entry is not a string", ErrMalformed)
			}
			d.Group = append(d.Group, s)
		}
	}
	c, _ := m["constraints"].(map[string]any)
	if c == nil {
		if _, present := m["constraints"]; present {
			return nil, fmt.Errorf("%w: constraints is not an object", ErrMalformed)
		}
		return d, nil
	}
	switch ld := c["limit_disclosure"]; ld {
	case nil:
	case "required", "preferred":
		d.LimitDisclosure = ld.(string)
	default:
		return nil, fmt.Errorf("%w: limit_disclosure %v", ErrMalformed, ld)
	}
	if fv, ok := c["fields"]; ok {
		fields, ok := fv.([]any)
		if !ok {
			return nil, fmt.Errorf("%w: fields is not an array", ErrMalformed)
		}
		if len(fields) > MaxFields {
			return nil, fmt.Errorf("%w: more than %d fields", ErrLimit, MaxFields)
		}
		for i, f := range fields {
			fld, err := parseField(f)
			if err != nil {
				return nil, fmt.Errorf("field %d: %w", i, err)
			}
			d.Fields = append(d.Fields, *fld)
		}
	}
	return d, nil
}

func parseField(v any) (*Field, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not an object", ErrMalformed)
	}
	f := &Field{ID: str(m["id"])}
	if o, ok := m["optional"]; ok {
		b, ok := o.(bool)
		if !ok {
			return nil, fmt.Errorf("%w: optional is not a boolean", ErrMalformed)
		}
		f.Optional = b
	}
	paths, ok := m["path"].([]any)
	if !ok || len(paths) == 0 {
		return nil, fmt.Errorf("%w: path missing or empty", ErrMalformed)
	}
	if len(paths) > MaxFields {
		return nil, fmt.Errorf("%w: more than %d paths", ErrLimit, MaxFields)
	}
	for _, p := range paths {
		s, ok := p.(string)
		if !ok {
			return nil, fmt.Errorf("%w: path entry is not a string", ErrMalformed)
		}
		cp, err := ParsePath(s)
		if err != nil {
			return nil, err
		}
		f.Paths = append(f.Paths, cp)
	}
	if fv, ok := m["filter"]; ok {
		flt, err := ParseFilter(fv)
		if err != nil {
			return nil, err
		}
		f.Filter = flt
	}
	if _, ok := m["predicate"]; ok {
		return nil, fmt.Errorf("%w: predicate", ErrUnsupported)
	}
	return f, nil
}

func parseRequirements(v any, depth int) ([]SubmissionRequirement, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%w: submission requirements nested deeper than 8", ErrLimit)
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%w: submission requirements must be a non-empty array", ErrMalformed)
	}
	if len(list) > MaxDescriptors {
		return nil, fmt.Errorf("%w: more than %d submission requirements", ErrLimit, MaxDescriptors)
	}
	var out []SubmissionRequirement
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: submission requirement is not an object", ErrMalformed)
		}
		r := SubmissionRequirement{Name: str(m["name"]), Rule: str(m["rule"]), Count: -1, Min: -1, Max: -1, From: str(m["from"])}
		if r.Rule != "all" && r.Rule != "pick" {
			return nil, fmt.Errorf("%w: rule %q", ErrMalformed, r.Rule)
		}
		for k, dst := range map[string]*int{"count": &r.Count, "min": &r.Min, "max": &r.Max} {
			if x, ok := m[k]; ok {
				n, err := intPtr(k, x)
				if err != nil {
					return nil, err
				}
				*dst = *n
			}
		}
		fn, hasNested := m["from_nested"]
		if (r.From == "") == !hasNested {
			return nil, fmt.Errorf("%w: submission requirement needs exactly one of from and from_nested", ErrMalformed)
		}
		if hasNested {
			nested, err := parseRequirements(fn, depth+1)
			if err != nil {
				return nil, err
			}
			r.FromNested = nested
		}
		out = append(out, r)
	}
	return out, nil
}

// Candidate is a credential that satisfies an input descriptor or a DCQL
// credential query.
type Candidate struct {
	CredentialID string   // Credential.ID
	Format       string   // Credential.Format
	Disclose     []string // paths of the matched claims, when disclosure is limited; nil = whole credential
}

// Selection is a descriptor and the candidate chosen for it.
type Selection struct {
	DescriptorID string
	Candidate
}

// Submission is a PE presentation_submission.
type Submission struct {
	ID            string              `json:"id"`
	DefinitionID  string              `json:"definition_id"`
	DescriptorMap []DescriptorMapping `json:"descriptor_map"`
}

// DescriptorMapping places one descriptor's credential in the presentation.
type DescriptorMapping struct {
	ID     string `json:"id"`
	Format string `json:"format"`
	Path   string `json:"path"`
}

// PEResult is the outcome of evaluating a definition.
type PEResult struct {
	// Candidates lists, per descriptor id, every credential that satisfies it.
	Candidates map[string][]Candidate
	// Selected is the chosen descriptor/credential pairs, in definition order.
	Selected []Selection
	// Credentials is the distinct chosen credential ids, in presentation
	// order; DescriptorMap paths index into it as $.verifiableCredential[i].
	Credentials []string
	// Submission is the presentation_submission for Selected.
	Submission Submission
}

// Evaluate matches creds against d and selects, for each required
// descriptor, the first candidate in creds order. When the definition cannot
// be satisfied it returns the partial result and an error wrapping ErrNoMatch.
func (d *Definition) Evaluate(creds []Credential) (*PEResult, error) {
	res := &PEResult{Candidates: map[string][]Candidate{}}
	for i := range d.InputDescriptors {
		desc := &d.InputDescriptors[i]
		for j := range creds {
			if c, ok := d.matchDescriptor(desc, &creds[j]); ok {
				res.Candidates[desc.ID] = append(res.Candidates[desc.ID], c)
			}
		}
	}
	var chosen map[string]bool
	var err error
	if len(d.SubmissionRequirements) == 0 {
		chosen = map[string]bool{}
		var missing []string
		for _, desc := range d.InputDescriptors {
			if len(res.Candidates[desc.ID]) == 0 {
				missing = append(missing, desc.ID)
			}
			chosen[desc.ID] = true
		}
		if len(missing) > 0 {
			err = fmt.Errorf("%w: no credential for input descriptors %q", ErrNoMatch, missing)
		}
	} else {
		chosen = map[string]bool{}
		var errs []error
		for _, r := range d.SubmissionRequirements {
			sel, ok := d.evalRequirement(&r, res.Candidates)
			if !ok {
				errs = append(errs, fmt.Errorf("%w: submission requirement %q", ErrNoMatch, r.Name))
				continue
			}
			for _, id := range sel {
				chosen[id] = true
			}
		}
		err = errors.Join(errs...)
	}
	if err != nil {
		return res, err
	}
	index := map[string]int{}
	res.Submission = Submission{ID: newUUID(), DefinitionID: d.ID, DescriptorMap: []DescriptorMapping{}}
	for _, desc := range d.InputDescriptors {
		if !chosen[desc.ID] || len(res.Candidates[desc.ID]) == 0 {
			continue
		}
		c := res.Candidates[desc.ID][0]
		res.Selected = append(res.Selected, Selection{DescriptorID: desc.ID, Candidate: c})
		i, ok := index[c.CredentialID]
		if !ok {
			i = len(res.Credentials)
			index[c.CredentialID] = i
			res.Credentials = append(res.Credentials, c.CredentialID)
		}
		res.Submission.DescriptorMap = append(res.Submission.DescriptorMap, DescriptorMapping{
			ID: desc.ID, Format: c.Format, Path: fmt.Sprintf("$.verifiableCredential[%d]", i),
		})
	}
	return res, nil
}

// evalRequirement returns the descriptor ids a requirement selects.
func (d *Definition) evalRequirement(r *SubmissionRequirement, cands map[string][]Candidate) ([]string, bool) {
	type unit struct {
		ids []string
		ok  bool
	}
	var units []unit
	if r.From != "" {
		for _, desc := range d.InputDescriptors {
			for _, g := range desc.Group {
				if g == r.From {
					units = append(units, unit{[]string{desc.ID}, len(cands[desc.ID]) > 0})
					break
				}
			}
		}
	} else {
		for i := range r.FromNested {
			ids, ok := d.evalRequirement(&r.FromNested[i], cands)
			units = append(units, unit{ids, ok})
		}
	}
	var sat []unit
	for _, u := range units {
		if u.ok {
			sat = append(sat, u)
		}
	}
	var picked []unit
	switch r.Rule {
	case "all":
		if len(sat) != len(units) {
			return nil, false
		}
		picked = units
	case "pick":
		need := 1
		switch {
		case r.Count >= 0:
			need = r.Count
		case r.Min >= 0:
			need = max(r.Min, 1)
		}
		if r.Max >= 0 && need > r.Max {
			need = r.Max
		}
		if r.Count >= 0 && len(sat) < r.Count || r.Min >= 0 && len(sat) < r.Min {
			return nil, false
		}
		if need > len(sat) {
			need = len(sat)
		}
		picked = sat[:need]
	}
	var ids []string
	for _, u := range picked {
		ids = append(ids, u.ids...)
	}
	return ids, true
}

// MetaMatch reports whether a credential of this format (and selective
// disclosure ability) could satisfy some input descriptor of d, before any
// field is looked at.
func (d *Definition) MetaMatch(format string, selective bool) bool {
	for i := range d.InputDescriptors {
		if d.metaMatch(&d.InputDescriptors[i], format, selective) {
			return true
		}
	}
	return false
}

func (d *Definition) metaMatch(desc *InputDescriptor, format string, selective bool) bool {
	formats := desc.Formats
	if len(formats) == 0 {
		formats = d.Formats
	}
	if len(formats) > 0 {
		ok := false
		for _, f := range formats {
			if SameFormat(f, format) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return desc.LimitDisclosure != "required" || selective
}

func (d *Definition) matchDescriptor(desc *InputDescriptor, c *Credential) (Candidate, bool) {
	if !d.metaMatch(desc, c.Format, c.Selective) {
		return Candidate{}, false
	}
	cand := Candidate{CredentialID: c.ID, Format: c.Format}
	for _, f := range desc.Fields {
		p, ok := f.match(c.Claims)
		if !ok {
			if f.Optional {
				continue
			}
			return Candidate{}, false
		}
		if desc.LimitDisclosure != "" {
			cand.Disclose = append(cand.Disclose, p)
		}
	}
	if desc.LimitDisclosure != "" && cand.Disclose == nil {
		cand.Disclose = []string{}
	}
	return cand, true
}

// match returns the first path that yields a value passing the filter.
func (f *Field) match(claims any) (string, bool) {
	for _, p := range f.Paths {
		for _, v := range p.Select(claims) {
			if f.Filter == nil || f.Filter.Match(v) {
				return p.String(), true
			}
		}
	}
	return "", false
}

// MarshalJSON encodes the submission with an empty descriptor_map as [].
func (s Submission) MarshalJSON() ([]byte, error) {
	type plain Submission
	if s.DescriptorMap == nil {
		s.DescriptorMap = []DescriptorMapping{}
	}
	return json.Marshal(plain(s))
}
