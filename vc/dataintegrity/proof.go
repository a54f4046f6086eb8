package dataintegrity

import (
	"fmt"
	"reflect"
	"time"

	"github.com/polity-id/polity/internal/canon"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/internal/vcerr"
)

// dateTimeLayout is how AddProof writes created and expires.
const dateTimeLayout = "2006-01-02T15:04:05Z"

// proof is a parsed proof object.
type proof struct {
	raw           map[string]any
	typ           string
	cryptosuite   string
	vm            string
	purpose       string
	created       time.Time
	expires       time.Time
	id            string
	challenge     string
	domains       []string
	previousProof []string
	value         string
}

// proofList returns the proofs of doc: none, one object or an array of objects.
func proofList(doc map[string]any) ([]map[string]any, error) {
	v, ok := doc["proof"]
	if !ok {
		return nil, nil
	}
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}, nil
	case []any:
		if len(v) > MaxProofs {
			return nil, fmt.Errorf("%w: more than %d proofs", vcerr.ErrMalformed, MaxProofs)
		}
		out := make([]map[string]any, len(v))
		for i, p := range v {
			m, ok := p.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: proof %d is not an object", vcerr.ErrMalformed, i)
			}
			out[i] = m
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: proof is not an object or array", vcerr.ErrMalformed)
}

func str(m map[string]any, name string, required bool) (string, error) {
	v, ok := m[name]
	if !ok {
		if required {
			return "", fmt.Errorf("%w: proof has no %s", vcerr.ErrMalformed, name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		return "", fmt.Errorf("%w: proof %s is not a non-empty string", vcerr.ErrMalformed, name)
	}
	return s, nil
}

// strings reads a member that is a string or an array of strings.
func strs(m map[string]any, name string, max int) ([]string, error) {
	v, ok := m[name]
	if !ok {
		return nil, nil
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		if len(v) > max {
			return nil, fmt.Errorf("%w: proof %s has more than %d entries", vcerr.ErrMalformed, name, max)
		}
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: proof %s entry is not a string", vcerr.ErrMalformed, name)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: proof %s is not a string or array of strings", vcerr.ErrMalformed, name)
}

func dateTime(m map[string]any, name string) (time.Time, error) {
	s, err := str(m, name, false)
	if err != nil || s == "" {
		if err == nil && m[name] != nil {
			err = fmt.Errorf("%w: proof %s is empty", vcerr.ErrMalformed, name)
		}
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: proof %s is not an XML Schema dateTimeStamp", vcerr.ErrMalformed, name)
	}
	return t, nil
}

// parseProof reads and type-checks the members of a proof object.
func parseProof(m map[string]any) (*proof, error) {
	p := &proof{raw: m}
	var err error
	if p.typ, err = str(m, "type", true); err != nil {
		return p, err
	}
	if p.cryptosuite, err = str(m, "cryptosuite", p.typ == TypeDataIntegrityProof); err != nil {
		return p, err
	}
	if p.vm, err = str(m, "verificationMethod", true); err != nil {
		return p, err
	}
	if p.purpose, err = str(m, "proofPurpose", true); err != nil {
		return p, err
	}
	if p.id, err = str(m, "id", false); err != nil {
		return p, err
	}
	if p.created, err = dateTime(m, "created"); err != nil {
		return p, err
	}
	if p.expires, err = dateTime(m, "expires"); err != nil {
		return p, err
	}
	if p.challenge, err = str(m, "challenge", false); err != nil {
		return p, err
	}
	if _, err = str(m, "nonce", false); err != nil {
		return p, err
	}
	if p.domains, err = strs(m, "domain", MaxPreviousProof); err != nil {
		return p, err
	}
	if p.previousProof, err = strs(m, "previousProof", MaxPreviousProof); err != nil {
		return p, err
	}
	if p.value, err = str(m, "proofValue", true); err != nil {
		return p, err
	}
	return p, nil
}

// signature decodes the multibase (base58btc) proofValue.
func (p *proof) signature() ([]byte, error) {
	if len(p.value) == 0 || p.value[0] != multi.Base58BTC {
		return nil, fmt.Errorf("%w: proofValue is not base58btc multibase", vcerr.ErrMalformed)
	}
	_, sig, err := multi.Decode(p.value, 256)
	if err != nil {
		return nil, fmt.Errorf("%w: proofValue: %w", vcerr.ErrMalformed, err)
	}
	return sig, nil
}

// withoutMember returns a shallow copy of m without member name.
func withoutMember(m map[string]any, name string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != name {
			out[k] = v
		}
	}
	return out
}

// contextList returns an @context value as a list.
func contextList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// hasContextPrefix reports whether the document's @context starts with every value
// of the proof's @context, in order.
func hasContextPrefix(doc, prefix any) bool {
	d, p := contextList(doc), contextList(prefix)
	if len(p) > len(d) {
		return false
	}
	for i := range p {
		if !reflect.DeepEqual(d[i], p[i]) {
			return false
		}
	}
	return true
}

// jcsEdits is inputs for a JCS suite, as edits of doc and of the proof p, for
// canon.AppendJCSObject: it gives the same unsecured document and proof configuration
// without copying either.
func (s *suite) jcsEdits(doc map[string]any, p map[string]any, previous []any) (docEdits, cfgEdits []canon.Member, err error) {
	docEdits = append(make([]canon.Member, 0, 2), canon.Member{Name: "proof", Omit: previous == nil, Value: previous})
	cfgEdits = append(make([]canon.Member, 0, 2), canon.Member{Name: "proofValue", Omit: true})
	if pctx, hasPctx := p["@context"]; hasPctx {
		if !hasContextPrefix(doc["@context"], pctx) {
			return nil, nil, fmt.Errorf("%w: document @context does not start with the proof's @context", vcerr.ErrInvalidSignature)
		}
		docEdits = append(docEdits, canon.Member{Name: "@context", Value: pctx})
	} else {
		dctx, ok := doc["@context"]
		cfgEdits = append(cfgEdits, canon.Member{Name: "@context", Value: dctx, Omit: !ok})
	}
	return docEdits, cfgEdits, nil
}

// inputs builds the unsecured document and proof configuration for proof p of
// secured document doc, following VC Data Integrity §4.3 and the cryptosuites:
// previous proofs of a chain stay in the document, the proof configuration takes
// the document's @context (JCS: the proof's own @context, which the document's must
// start with).
func (s *suite) inputs(doc map[string]any, p map[string]any, previous []any) (unsecured, config map[string]any, err error) {
	unsecured = withoutMember(doc, "proof")
	if previous != nil {
		unsecured["proof"] = previous
	}
	config = withoutMember(p, "proofValue")
	pctx, hasPctx := p["@context"]
	switch {
	case !s.rdfc && hasPctx:
		if !hasContextPrefix(doc["@context"], pctx) {
			return nil, nil, fmt.Errorf("%w: document @context does not start with the proof's @context", vcerr.ErrInvalidSignature)
		}
		unsecured["@context"] = pctx
	case s == suiteEd2020 && hasPctx:
		// The legacy suite signs with the proof's own context when it has one.
	default:
		if dctx, ok := doc["@context"]; ok {
			config["@context"] = dctx
		} else {
			delete(config, "@context")
		}
	}
	return unsecured, config, nil
}
