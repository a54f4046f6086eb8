package dataintegrity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/polity-id/polity/did"
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
	buf := []byte{'{'}
	for i, mb := range ms {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(mb.k)
		v, err := json.Marshal(mb.v)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// replaceMembers rewrites the top-level object data (already checked to be strict
// JSON) compactly, keeping member order and values, replacing the members named in
// repl and appending those it lacks.
func replaceMembers(data []byte, repl map[string]json.RawMessage) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	var out bytes.Buffer
	out.Grow(len(data) + 256)
	out.WriteByte('{')
	done := make(map[string]bool, len(repl))
	n := 0
	write := func(k string, v []byte) error {
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		return json.Compact(&out, v)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
		if r, ok := repl[k]; ok {
			v = r
			done[k] = true
		}
		if err := write(k, v); err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
		}
	}
	for _, k := range []string{"@context", "proof"} {
		if r, ok := repl[k]; ok && !done[k] {
			if err := write(k, r); err != nil {
				return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
			}
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
