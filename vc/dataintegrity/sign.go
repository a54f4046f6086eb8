package dataintegrity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/internal/vcerr"
)

// AddProof signs doc with key and returns it with the new proof added. A document
// without a proof gets a single proof object; one with a proof (object or array) gets
// an array with the new proof appended (a proof set). With Options.PreviousProof the
// referenced proofs are signed along with the document (a proof chain).
//
// Claims are never altered: top-level members keep their order and values, only
// "proof" changes (and, for Ed25519Signature2020 documents whose @context lacks it,
// the ed25519-2020 context is appended to @context). The result is compact JSON.
//
// key is secret; it is never included in errors. Its type must fit the cryptosuite
// (ErrKeyType). Bad options give ErrOptions (and vcerr.ErrUnsupportedSuite for an
// unknown cryptosuite); a document that is not strict JSON, or whose @context or terms
// cannot be processed in safe mode, gives vcerr.ErrMalformed or
// vcerr.ErrUnknownContext; a previousProof naming no proof gives ErrPreviousProof.
// AddProof does not check that the verification method exists or belongs to key.
func AddProof(ctx context.Context, doc []byte, key *did.PrivateKey, opts Options, env *Env) ([]byte, error) {
	env = env.env()
	if key == nil {
		return nil, fmt.Errorf("%w: %w: nil key", ErrOptions, vcerr.ErrMalformed)
	}
	kt := key.Type()
	name := opts.Cryptosuite
	if name == "" {
		name = EdDSARDFC2022
		if kt == did.KeyP256 || kt == did.KeyP384 {
			name = ECDSARDFC2019
		}
	}
	s := suiteByName(name)
	if s == nil {
		return nil, fmt.Errorf("%w: %w: cryptosuite %q", ErrOptions, vcerr.ErrUnsupportedSuite, clip(name))
	}
	if !s.fits(kt) {
		return nil, fmt.Errorf("%w: %s key for %s", ErrKeyType, kt, s.name)
	}
	if opts.VerificationMethod == "" {
		return nil, fmt.Errorf("%w: %w: no verification method", ErrOptions, vcerr.ErrMalformed)
	}
	purpose := opts.ProofPurpose
	if purpose == "" {
		purpose = PurposeAssertionMethod
	}
	created := opts.Created
	if created.IsZero() {
		created = env.now()
	}
	created = created.UTC().Truncate(1e9)
	if !opts.Expires.IsZero() && !opts.Expires.After(created) {
		return nil, fmt.Errorf("%w: %w: expires is not after created", ErrOptions, vcerr.ErrMalformed)
	}
	if len(opts.PreviousProof) > MaxPreviousProof {
		return nil, fmt.Errorf("%w: %w: more than %d previous proofs", ErrOptions, vcerr.ErrMalformed, MaxPreviousProof)
	}

	m, err := decodeDocument(doc)
	if err != nil {
		return nil, err
	}
	existing, err := proofList(m)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxProofs {
		return nil, fmt.Errorf("%w: document already has %d proofs", vcerr.ErrMalformed, len(existing))
	}
	var previous []any
	if len(opts.PreviousProof) > 0 {
		previous = make([]any, 0, len(opts.PreviousProof))
		for _, id := range opts.PreviousProof {
			var found map[string]any
			for _, p := range existing {
				if pid, _ := p["id"].(string); pid == id && id != "" {
					found = p
				}
			}
			if found == nil {
				return nil, fmt.Errorf("%w: %q", ErrPreviousProof, clip(id))
			}
			previous = append(previous, found)
		}
	}

	// The legacy suite needs its context in the document.
	var newContext []any
	if s == suiteEd2020 {
		cl := contextList(m["@context"])
		if !slices.ContainsFunc(cl, func(v any) bool { return v == ContextEd25519Signature2020 }) {
			newContext = append(slices.Clip(cl), ContextEd25519Signature2020)
			m["@context"] = newContext
		}
	}

	// The proof, members in the order they are written.
	var members []member
	add := func(k string, v any) { members = append(members, member{k, v}) }
	add("type", s.proofType)
	if s.proofType == TypeDataIntegrityProof {
		add("cryptosuite", s.name)
	}
	if opts.ID != "" {
		add("id", opts.ID)
	}
	add("created", created.Format(dateTimeLayout))
	if !opts.Expires.IsZero() {
		add("expires", opts.Expires.UTC().Truncate(1e9).Format(dateTimeLayout))
	}
	add("verificationMethod", opts.VerificationMethod)
	add("proofPurpose", purpose)
	if opts.Challenge != "" {
		add("challenge", opts.Challenge)
	}
	if opts.Domain != "" {
		add("domain", opts.Domain)
	}
	if opts.Nonce != "" {
		add("nonce", opts.Nonce)
	}
	switch len(opts.PreviousProof) {
	case 0:
	case 1:
		add("previousProof", opts.PreviousProof[0])
	default:
		pp := make([]any, len(opts.PreviousProof))
		for i, id := range opts.PreviousProof {
			pp[i] = id
		}
		add("previousProof", pp)
	}
	if !s.rdfc {
		if c, ok := m["@context"]; ok {
			add("@context", c)
		}
	}
	pm := make(map[string]any, len(members)+1)
	for _, mb := range members {
		pm[mb.k] = mb.v
	}

	unsecured, config, err := s.inputs(m, pm, previous)
	if err != nil {
		return nil, err
	}
	data, err := s.hashData(ctx, env.processor(), kt, config, unsecured, false)
	if err != nil {
		return nil, err
	}
	sig, err := key.Sign(data)
	if err != nil {
		return nil, fmt.Errorf("%w: signing: %w", ErrKeyType, err)
	}
	add("proofValue", multi.EncodeBase58(sig))

	proofJSON, err := marshalMembers(members)
	if err != nil {
		return nil, err
	}
	var proofValue json.RawMessage = proofJSON
	if len(existing) > 0 {
		buf := []byte{'['}
		switch old := m["proof"].(type) {
		case []any:
			for _, p := range old {
				b, err := json.Marshal(p)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
				}
				buf = append(append(buf, b...), ',')
			}
		default:
			b, err := json.Marshal(old)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
			}
			buf = append(append(buf, b...), ',')
		}
		proofValue = append(append(buf, proofJSON...), ']')
	}
	repl := map[string]json.RawMessage{"proof": proofValue}
	if newContext != nil {
		b, err := json.Marshal(newContext)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
		repl["@context"] = b
	}
	return replaceMembers(doc, repl)
}

type member struct {
	k string
	v any
}

func marshalMembers(ms []member) ([]byte, error) {
	buf := make([]byte, 0, 512)
	buf = append(buf, '{')
	for i, mb := range ms {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = jsonx.AppendString(buf, mb.k, true)
		buf = append(buf, ':')
		var err error
		if buf, err = appendJSONValue(buf, mb.v); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

// appendJSONValue appends v as encoding/json marshals it, writing strings and arrays
// of strings directly.
func appendJSONValue(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return jsonx.AppendString(dst, v, true), nil
	case []any:
		mark := len(dst)
		dst = append(dst, '[')
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return appendMarshaled(dst[:mark], v)
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonx.AppendString(dst, s, true)
		}
		return append(dst, ']'), nil
	}
	return appendMarshaled(dst, v)
}

func appendMarshaled(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	return append(dst, b...), nil
}

// replaceMembers rewrites the top-level object data (already checked to be strict
// JSON) compactly, keeping member order, names and values, replacing the members named
// in repl and appending those it lacks.
func replaceMembers(data []byte, repl map[string]json.RawMessage) ([]byte, error) {
	size := len(data) + 2
	for _, r := range repl {
		size += len(r) + 16
	}
	out := make([]byte, 0, size)
	out = append(out, '{')
	done := make(map[string]bool, len(repl))
	n := 0
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: document is not a JSON object", vcerr.ErrMalformed)
	}
	i = skipWS(data, i+1)
	for i < len(data) && data[i] != '}' {
		kend, ok := scanJSON(data, i)
		if !ok || data[i] != '"' {
			return nil, fmt.Errorf("%w: unexpected JSON", vcerr.ErrMalformed)
		}
		rawKey := data[i:kend]
		var k string
		if bytes.IndexByte(rawKey, '\\') < 0 {
			k = string(rawKey[1 : len(rawKey)-1])
		} else if err := json.Unmarshal(rawKey, &k); err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
		i = skipWS(data, kend)
		if i >= len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: unexpected JSON", vcerr.ErrMalformed)
		}
		i = skipWS(data, i+1)
		vend, ok := scanJSON(data, i)
		if !ok {
			return nil, fmt.Errorf("%w: unexpected JSON", vcerr.ErrMalformed)
		}
		v := data[i:vend]
		if r, ok := repl[k]; ok {
			v = r
			done[k] = true
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		out = append(out, rawKey...)
		out = append(out, ':')
		out = appendCompact(out, v)
		i = skipWS(data, vend)
		if i < len(data) && data[i] == ',' {
			i = skipWS(data, i+1)
		}
	}
	for _, k := range []string{"@context", "proof"} {
		if r, ok := repl[k]; ok && !done[k] {
			if n > 0 {
				out = append(out, ',')
			}
			n++
			out = jsonx.AppendString(out, k, true)
			out = append(out, ':')
			out = appendCompact(out, r)
		}
	}
	return append(out, '}'), nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanJSON returns the end of the valid JSON value starting at b[i].
func scanJSON(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			j++
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(b) {
				return 0, false
			}
			if depth == 0 {
				return j + 1, true
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 { // the end of the enclosing object or array
				return j, j > i
			}
			depth--
			if depth == 0 {
				return j + 1, true
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return j, j > i
			}
		}
	}
	if depth == 0 {
		return len(b), len(b) > i
	}
	return 0, false
}

// appendCompact appends the valid JSON v without insignificant whitespace.
func appendCompact(dst, v []byte) []byte {
	for j := 0; j < len(v); j++ {
		switch c := v[j]; c {
		case ' ', '\t', '\n', '\r':
		case '"':
			k := j + 1
			for k < len(v) && v[k] != '"' {
				if v[k] == '\\' {
					k++
				}
				k++
			}
			dst = append(dst, v[j:min(k+1, len(v))]...)
			j = k
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
