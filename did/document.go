package did

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/multi"
)

// Limits on documents accepted by [ParseDocument].
const (
	MaxDocumentBytes = 1 << 20 // JSON size
	MaxDocumentDepth = 32      // JSON nesting
	MaxDocumentItems = 1024    // entries in each list property
)

// Well-known JSON-LD contexts.
const (
	ContextDIDv1     = "https://www.w3.org/ns/did/v1"
	ContextMultikey  = "https://w3id.org/security/multikey/v1"
	ContextJWS2020   = "https://w3id.org/security/suites/jws-2020/v1"
	ContextEd2018    = "https://w3id.org/security/suites/ed25519-2018/v1"
	ContextX25519_19 = "https://w3id.org/security/suites/x25519-2019/v1"
)

// Relationship names a verification relationship (DID Core §5.3).
type Relationship string

// Verification relationships.
const (
	Authentication       Relationship = "authentication"
	AssertionMethod      Relationship = "assertionMethod"
	KeyAgreement         Relationship = "keyAgreement"
	CapabilityInvocation Relationship = "capabilityInvocation"
	CapabilityDelegation Relationship = "capabilityDelegation"
)

// Relationships lists the five verification relationships in document order.
func Relationships() []Relationship {
	return []Relationship{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation}
}

// Document is a DID document (DID Core §5) in its JSON or JSON-LD representation.
// Unknown properties are kept in Extra and written back by MarshalJSON, so a parsed
// document round-trips. Build documents with [ParseDocument] or by hand.
type Document struct {
	// Context is the @context: strings and objects. Nil means the plain JSON
	// representation (application/did+json) with no @context.
	Context              []any
	ID                   string
	AlsoKnownAs          []string
	Controller           []string
	VerificationMethod   []VerificationMethod
	Authentication       []MethodRef
	AssertionMethod      []MethodRef
	KeyAgreement         []MethodRef
	CapabilityInvocation []MethodRef
	CapabilityDelegation []MethodRef
	Service              []Service
	// Extra holds the properties this type does not model, as compact JSON.
	Extra map[string]json.RawMessage

	contextSingle    bool // @context was a single value, not an array
	controllerSingle bool // controller was a single string
}

// MethodRef is an entry of a verification relationship: either a reference (a DID URL or
// a relative "#fragment") or an embedded verification method.
type MethodRef struct {
	ID       string              // the reference when Embedded is nil
	Embedded *VerificationMethod // the embedded method, or nil
}

// Ref returns a reference entry.
func Ref(id string) MethodRef { return MethodRef{ID: id} }

// MethodID returns the referenced or embedded method's id, as written.
func (m MethodRef) MethodID() string {
	if m.Embedded != nil {
		return m.Embedded.ID
	}
	return m.ID
}

// MarshalJSON writes a string or an object.
func (m MethodRef) MarshalJSON() ([]byte, error) {
	if m.Embedded != nil {
		return m.Embedded.MarshalJSON()
	}
	return json.Marshal(m.ID)
}

// VerificationMethod is a verification method (DID Core §5.2). The key material is in
// exactly one of PublicKeyMultibase, PublicKeyJwk or (legacy) PublicKeyBase58; use
// [VerificationMethod.PublicKey] to read it.
type VerificationMethod struct {
	ID                 string
	Type               string
	Controller         string
	PublicKeyMultibase string
	PublicKeyJwk       json.RawMessage // compact JSON object, public members only
	PublicKeyBase58    string
	Extra              map[string]json.RawMessage
}

// Service is a service entry (DID Core §5.4). Type and ServiceEndpoint keep their JSON
// form: Type is a string or a set of strings, ServiceEndpoint a string, map or set.
type Service struct {
	ID              string
	Type            json.RawMessage
	ServiceEndpoint json.RawMessage
	Extra           map[string]json.RawMessage
}

// Types returns the service types.
func (s *Service) Types() []string {
	var one string
	if json.Unmarshal(s.Type, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(s.Type, &many)
	return many
}

// NewVerificationMethod returns a verification method for key with the given id and
// controller. typ is "Multikey" (publicKeyMultibase) or "JsonWebKey"/"JsonWebKey2020"
// (publicKeyJwk); other types give [ErrUnsupportedKeyType].
func NewVerificationMethod(id, controller, typ string, key *PublicKey) (VerificationMethod, error) {
	vm := VerificationMethod{ID: id, Type: typ, Controller: controller}
	switch typ {
	case "Multikey":
		vm.PublicKeyMultibase = key.Multikey()
	case "JsonWebKey", "JsonWebKey2020":
		b, err := json.Marshal(key.JWK())
		if err != nil {
			return vm, err
		}
		vm.PublicKeyJwk = b
	default:
		return vm, fmt.Errorf("%w: cannot express a key as %q", ErrUnsupportedKeyType, truncate(typ, 40))
	}
	return vm, nil
}

// PublicKey reads the key material of the method. It understands Multikey,
// JsonWebKey, JsonWebKey2020, Ed25519VerificationKey2020/2018, X25519KeyAgreementKey2020/
// 2019, EcdsaSecp256k1VerificationKey2019 and, for other types, publicKeyJwk or
// publicKeyMultibase. A key that does not fit the method type gives [ErrInvalidKey].
func (vm *VerificationMethod) PublicKey() (*PublicKey, error) {
	var want KeyType
	switch vm.Type {
	case "Ed25519VerificationKey2018", "Ed25519VerificationKey2020":
		want = KeyEd25519
	case "X25519KeyAgreementKey2019", "X25519KeyAgreementKey2020":
		want = KeyX25519
	case "EcdsaSecp256k1VerificationKey2019":
		want = KeySecp256k1
	case "P256Key2021":
		want = KeyP256
	case "P384Key2021":
		want = KeyP384
	case "Bls12381G1Key2020", "Bls12381G2Key2020", "RsaVerificationKey2018":
		return nil, fmt.Errorf("%w: method %q has type %s", ErrUnsupportedKeyType, truncate(vm.ID, 200), vm.Type)
	}
	n := 0
	for _, present := range []bool{vm.PublicKeyMultibase != "", len(vm.PublicKeyJwk) > 0, vm.PublicKeyBase58 != ""} {
		if present {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("%w: method %q must have exactly one of publicKeyMultibase, publicKeyJwk, publicKeyBase58", ErrInvalidKey, truncate(vm.ID, 200))
	}
	var (
		k   *PublicKey
		err error
	)
	switch {
	case vm.PublicKeyMultibase != "":
		k, err = ParseMultikey(vm.PublicKeyMultibase)
	case len(vm.PublicKeyJwk) > 0:
		k, err = ParsePublicJWK(vm.PublicKeyJwk)
	default:
		if want == "" {
			return nil, fmt.Errorf("%w: publicKeyBase58 with method type %q", ErrUnsupportedKeyType, truncate(vm.Type, 60))
		}
		if k = cachedKey(encBase58, want, vm.PublicKeyBase58, ""); k != nil {
			break
		}
		var raw []byte
		raw, err = multi.DecodeRawBase58(vm.PublicKeyBase58, 256)
		if err != nil {
			return nil, fmt.Errorf("%w: publicKeyBase58: %v", ErrInvalidKey, err)
		}
		k, err = newPublicKey(want, raw)
		if err == nil {
			cacheKey(keyCacheKey{enc: encBase58, typ: want, a: vm.PublicKeyBase58}, k)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("method %q: %w", truncate(vm.ID, 200), err)
	}
	if want != "" && k.Type() != want {
		return nil, fmt.Errorf("%w: method type %s holds a %s key", ErrInvalidKey, vm.Type, k.Type())
	}
	return k, nil
}

// Clone returns a deep copy of vm.
func (vm *VerificationMethod) Clone() *VerificationMethod {
	c := *vm
	c.PublicKeyJwk = bytes.Clone(vm.PublicKeyJwk)
	c.Extra = cloneExtra(vm.Extra)
	return &c
}

func cloneExtra(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return nil
	}
	c := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		c[k] = bytes.Clone(v)
	}
	return c
}

// Clone returns a deep copy of d, so cached documents can be handed out safely.
func (d *Document) Clone() *Document {
	c := *d
	c.Context = slices.Clone(d.Context) // elements are strings or immutable decoded maps
	c.AlsoKnownAs = slices.Clone(d.AlsoKnownAs)
	c.Controller = slices.Clone(d.Controller)
	c.VerificationMethod = make([]VerificationMethod, len(d.VerificationMethod))
	for i := range d.VerificationMethod {
		c.VerificationMethod[i] = *d.VerificationMethod[i].Clone()
	}
	if d.VerificationMethod == nil {
		c.VerificationMethod = nil
	}
	for _, rel := range Relationships() {
		src := d.Relationship(rel)
		if src == nil {
			continue
		}
		dst := make([]MethodRef, len(src))
		for i, m := range src {
			dst[i] = m
			if m.Embedded != nil {
				dst[i].Embedded = m.Embedded.Clone()
			}
		}
		*c.relPtr(rel) = dst
	}
	if d.Service != nil {
		c.Service = make([]Service, len(d.Service))
		for i, s := range d.Service {
			c.Service[i] = Service{ID: s.ID, Type: bytes.Clone(s.Type), ServiceEndpoint: bytes.Clone(s.ServiceEndpoint), Extra: cloneExtra(s.Extra)}
		}
	}
	c.Extra = cloneExtra(d.Extra)
	return &c
}

func (d *Document) relPtr(rel Relationship) *[]MethodRef {
	switch rel {
	case Authentication:
		return &d.Authentication
	case AssertionMethod:
		return &d.AssertionMethod
	case KeyAgreement:
		return &d.KeyAgreement
	case CapabilityInvocation:
		return &d.CapabilityInvocation
	case CapabilityDelegation:
		return &d.CapabilityDelegation
	}
	return nil
}

// Relationship returns the entries of rel, or nil for an unknown relationship.
func (d *Document) Relationship(rel Relationship) []MethodRef {
	if p := d.relPtr(rel); p != nil {
		return *p
	}
	return nil
}

// AddReference appends a reference to method id to each relationship in rels.
func (d *Document) AddReference(id string, rels ...Relationship) {
	for _, rel := range rels {
		if p := d.relPtr(rel); p != nil {
			*p = append(*p, Ref(id))
		}
	}
}

// SetContext sets @context to the given URLs (as an array).
func (d *Document) SetContext(urls ...string) {
	d.Context = make([]any, len(urls))
	for i, u := range urls {
		d.Context[i] = u
	}
	d.contextSingle = false
}

// ContextURLs returns the string entries of @context.
func (d *Document) ContextURLs() []string {
	var out []string
	for _, c := range d.Context {
		if s, ok := c.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// AbsoluteID resolves a method id or reference against the document id: "#frag"
// becomes ID+"#frag"; absolute DID URLs are returned unchanged.
func (d *Document) AbsoluteID(ref string) string {
	if strings.HasPrefix(ref, "#") {
		return d.ID + ref
	}
	return ref
}

// Method returns the verification method with the given id (absolute DID URL or
// relative "#fragment"), whether listed in verificationMethod or embedded in a
// relationship. A missing method gives [ErrNotFound].
func (d *Document) Method(id string) (*VerificationMethod, error) {
	want := d.AbsoluteID(id)
	for i := range d.VerificationMethod {
		if d.AbsoluteID(d.VerificationMethod[i].ID) == want {
			return &d.VerificationMethod[i], nil
		}
	}
	for _, rel := range Relationships() {
		for _, m := range d.Relationship(rel) {
			if m.Embedded != nil && d.AbsoluteID(m.Embedded.ID) == want {
				return m.Embedded, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: verification method %q in %s", ErrNotFound, truncate(id, 200), truncate(d.ID, 200))
}

// MethodFor returns the verification method id if it is in relationship rel (referenced
// or embedded there). A method that exists but is not in rel gives [ErrNotAuthorized];
// one that does not exist gives [ErrNotFound].
func (d *Document) MethodFor(id string, rel Relationship) (*VerificationMethod, error) {
	p := d.relPtr(rel)
	if p == nil {
		return nil, fmt.Errorf("%w: unknown verification relationship %q", ErrNotAuthorized, truncate(string(rel), 40))
	}
	want := d.AbsoluteID(id)
	for _, m := range *p {
		if d.AbsoluteID(m.MethodID()) != want {
			continue
		}
		if m.Embedded != nil {
			return m.Embedded, nil
		}
		return d.Method(want)
	}
	if _, err := d.Method(id); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %q is not in %s of %s", ErrNotAuthorized, truncate(id, 200), rel, truncate(d.ID, 200))
}

// ---- JSON ----

// MarshalJSON writes the document with @context (if any) first, then the DID Core
// properties, then Extra in sorted order.
func (d *Document) MarshalJSON() ([]byte, error) {
	var w objWriter
	if d.Context != nil {
		if d.contextSingle && len(d.Context) == 1 {
			w.field("@context", d.Context[0])
		} else {
			w.field("@context", d.Context)
		}
	}
	w.field("id", d.ID)
	if d.AlsoKnownAs != nil {
		w.field("alsoKnownAs", d.AlsoKnownAs)
	}
	if d.Controller != nil {
		if d.controllerSingle && len(d.Controller) == 1 {
			w.field("controller", d.Controller[0])
		} else {
			w.field("controller", d.Controller)
		}
	}
	if d.VerificationMethod != nil {
		w.field("verificationMethod", d.VerificationMethod)
	}
	for _, rel := range Relationships() {
		if v := d.Relationship(rel); v != nil {
			w.field(string(rel), v)
		}
	}
	if d.Service != nil {
		w.field("service", d.Service)
	}
	w.extra(d.Extra)
	return w.finish()
}

// MarshalJSON writes the method's properties, then Extra in sorted order.
func (vm VerificationMethod) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("id", vm.ID)
	w.field("type", vm.Type)
	w.field("controller", vm.Controller)
	if vm.PublicKeyMultibase != "" {
		w.field("publicKeyMultibase", vm.PublicKeyMultibase)
	}
	if len(vm.PublicKeyJwk) > 0 {
		w.field("publicKeyJwk", vm.PublicKeyJwk)
	}
	if vm.PublicKeyBase58 != "" {
		w.field("publicKeyBase58", vm.PublicKeyBase58)
	}
	w.extra(vm.Extra)
	return w.finish()
}

// MarshalJSON writes the service's properties, then Extra in sorted order.
func (s Service) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.field("id", s.ID)
	if len(s.Type) > 0 {
		w.field("type", s.Type)
	}
	if len(s.ServiceEndpoint) > 0 {
		w.field("serviceEndpoint", s.ServiceEndpoint)
	}
	w.extra(s.Extra)
	return w.finish()
}

type objWriter struct {
	buf bytes.Buffer
	err error
}

func (w *objWriter) field(name string, v any) {
	if w.err != nil {
		return
	}
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	k, _ := json.Marshal(name)
	w.buf.Write(k)
	w.buf.WriteByte(':')
	b, err := json.Marshal(v)
	if err != nil {
		w.err = err
		return
	}
	w.buf.Write(b)
}

func (w *objWriter) extra(m map[string]json.RawMessage) {
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		w.field(k, m[k])
	}
}

func (w *objWriter) finish() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

// UnmarshalJSON parses data with the rules of [ParseDocument].
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := ParseDocument(data)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// ParseDocument parses a DID document in the JSON or JSON-LD representation. Input must be
// strict JSON (no duplicate member names) of at most [MaxDocumentBytes] and
// [MaxDocumentDepth]. Property values must have the types DID Core requires: id a DID,
// controller a DID or set of DIDs, verification methods with id, type and controller and at
// most one kind of key material (no private keys), relationships of references or embedded
// methods, services with id, type and serviceEndpoint. Method ids must be unique.
// Key material itself is checked lazily by [VerificationMethod.PublicKey].
// Errors wrap [ErrInvalidDocument] (and [ErrTooLarge] for oversize input).
func ParseDocument(data []byte) (*Document, error) {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: MaxDocumentBytes, MaxDepth: MaxDocumentDepth}); err != nil {
		if errorsIsTooLarge(err) {
			return nil, fmt.Errorf("%w: %w: %w", ErrInvalidDocument, ErrTooLarge, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	obj, err := object(data, "document")
	if err != nil {
		return nil, err
	}
	d := &Document{}
	p := &docParser{ids: map[string]bool{}}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		raw := obj[name]
		switch name {
		case "@context":
			err = p.context(d, raw)
		case "id":
			d.ID, err = str(raw, "id")
			if err == nil {
				if _, perr := Parse(d.ID); perr != nil {
					err = fmt.Errorf("%w: id: %w", ErrInvalidDocument, perr)
				}
			}
		case "alsoKnownAs":
			d.AlsoKnownAs, _, err = strSet(raw, "alsoKnownAs", false)
			for _, a := range d.AlsoKnownAs {
				if err == nil && !strings.Contains(a, ":") {
					err = fmt.Errorf("%w: alsoKnownAs entry %q is not a URI", ErrInvalidDocument, truncate(a, 80))
				}
			}
		case "controller":
			d.Controller, d.controllerSingle, err = strSet(raw, "controller", true)
			for _, c := range d.Controller {
				if err == nil {
					if _, perr := Parse(c); perr != nil {
						err = fmt.Errorf("%w: controller: %w", ErrInvalidDocument, perr)
					}
				}
			}
		case "verificationMethod":
			d.VerificationMethod, err = p.methods(raw)
		case "authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation":
			var refs []MethodRef
			refs, err = p.relationship(raw, name)
			*d.relPtr(Relationship(name)) = refs
		case "service":
			d.Service, err = p.services(raw)
		default:
			if d.Extra == nil {
				d.Extra = map[string]json.RawMessage{}
			}
			d.Extra[name] = compact(raw)
		}
		if err != nil {
			return nil, err
		}
	}
	if d.ID == "" {
		return nil, fmt.Errorf("%w: missing id", ErrInvalidDocument)
	}
	for _, vm := range p.all {
		if vm.Controller != "" {
			if _, err := Parse(vm.Controller); err != nil {
				return nil, fmt.Errorf("%w: method %q controller: %w", ErrInvalidDocument, truncate(vm.ID, 200), err)
			}
		}
		abs := d.AbsoluteID(vm.ID)
		if p.ids[abs] {
			return nil, fmt.Errorf("%w: duplicate verification method id %q", ErrInvalidDocument, truncate(vm.ID, 200))
		}
		p.ids[abs] = true
	}
	return d, nil
}

func errorsIsTooLarge(err error) bool {
	return jsonxIs(err, jsonx.ErrTooLarge)
}

type docParser struct {
	all []*VerificationMethod
	ids map[string]bool
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return bytes.Clone(raw)
	}
	return b.Bytes()
}

func object(raw json.RawMessage, what string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' && !startsWithSpaceThen(raw, '{') {
		return nil, fmt.Errorf("%w: %s is not a JSON object", ErrInvalidDocument, what)
	}
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object", ErrInvalidDocument, what)
	}
	return m, nil
}

func startsWithSpaceThen(raw []byte, c byte) bool {
	t := bytes.TrimLeft(raw, " \t\r\n")
	return len(t) > 0 && t[0] == c
}

func str(raw json.RawMessage, what string) (string, error) {
	var s string
	if !startsWithSpaceThen(raw, '"') || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%w: %s is not a string", ErrInvalidDocument, what)
	}
	return s, nil
}

// strSet reads a string or (if single is allowed) an array of strings.
func strSet(raw json.RawMessage, what string, single bool) ([]string, bool, error) {
	if single && startsWithSpaceThen(raw, '"') {
		s, err := str(raw, what)
		return []string{s}, true, err
	}
	var arr []json.RawMessage
	if !startsWithSpaceThen(raw, '[') || json.Unmarshal(raw, &arr) != nil {
		return nil, false, fmt.Errorf("%w: %s is not a set of strings", ErrInvalidDocument, what)
	}
	if len(arr) > MaxDocumentItems {
		return nil, false, fmt.Errorf("%w: %w: %s has more than %d entries", ErrInvalidDocument, ErrTooLarge, what, MaxDocumentItems)
	}
	out := make([]string, 0, len(arr))
	seen := map[string]bool{}
	for _, r := range arr {
		s, err := str(r, what+" entry")
		if err != nil {
			return nil, false, err
		}
		if seen[s] {
			return nil, false, fmt.Errorf("%w: %s has duplicate entry %q", ErrInvalidDocument, what, truncate(s, 80))
		}
		seen[s] = true
		out = append(out, s)
	}
	return out, false, nil
}

func array(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	var arr []json.RawMessage
	if !startsWithSpaceThen(raw, '[') || json.Unmarshal(raw, &arr) != nil {
		return nil, fmt.Errorf("%w: %s is not an array", ErrInvalidDocument, what)
	}
	if len(arr) > MaxDocumentItems {
		return nil, fmt.Errorf("%w: %w: %s has more than %d entries", ErrInvalidDocument, ErrTooLarge, what, MaxDocumentItems)
	}
	return arr, nil
}

func (p *docParser) context(d *Document, raw json.RawMessage) error {
	v, err := jsonx.Decode(raw, jsonx.Limits{MaxBytes: MaxDocumentBytes, MaxDepth: MaxDocumentDepth})
	if err != nil {
		return fmt.Errorf("%w: @context: %w", ErrInvalidDocument, err)
	}
	switch c := v.(type) {
	case string, map[string]any:
		d.Context, d.contextSingle = []any{c}, true
	case []any:
		for _, e := range c {
			switch e.(type) {
			case string, map[string]any:
			default:
				return fmt.Errorf("%w: @context entries must be strings or objects", ErrInvalidDocument)
			}
		}
		d.Context = c
	default:
		return fmt.Errorf("%w: @context must be a string, object or array", ErrInvalidDocument)
	}
	return nil
}

func (p *docParser) methods(raw json.RawMessage) ([]VerificationMethod, error) {
	arr, err := array(raw, "verificationMethod")
	if err != nil {
		return nil, err
	}
	out := make([]VerificationMethod, len(arr))
	for i, r := range arr {
		if err := parseMethod(r, &out[i]); err != nil {
			return nil, err
		}
	}
	for i := range out {
		p.all = append(p.all, &out[i])
	}
	return out, nil
}

func (p *docParser) relationship(raw json.RawMessage, name string) ([]MethodRef, error) {
	arr, err := array(raw, name)
	if err != nil {
		return nil, err
	}
	out := make([]MethodRef, len(arr))
	for i, r := range arr {
		if startsWithSpaceThen(r, '"') {
			s, _ := str(r, name)
			if err := checkMethodID(s); err != nil {
				return nil, fmt.Errorf("%w: %s entry: %w", ErrInvalidDocument, name, err)
			}
			out[i].ID = s
			continue
		}
		vm := &VerificationMethod{}
		if err := parseMethod(r, vm); err != nil {
			return nil, err
		}
		out[i].Embedded = vm
		p.all = append(p.all, vm)
	}
	return out, nil
}

// checkMethodID accepts an absolute DID URL or a relative "#fragment" reference.
func checkMethodID(s string) error {
	if strings.HasPrefix(s, "#") {
		_, err := ParseURL("did:x:y" + s)
		return err
	}
	_, err := ParseURL(s)
	return err
}

func parseMethod(raw json.RawMessage, vm *VerificationMethod) error {
	obj, err := object(raw, "verification method")
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		r := obj[name]
		switch name {
		case "id":
			vm.ID, err = str(r, "verification method id")
			if err == nil {
				if cerr := checkMethodID(vm.ID); cerr != nil {
					err = fmt.Errorf("%w: verification method id: %w", ErrInvalidDocument, cerr)
				}
			}
		case "type":
			vm.Type, err = str(r, "verification method type")
		case "controller":
			vm.Controller, err = str(r, "verification method controller")
		case "publicKeyMultibase":
			vm.PublicKeyMultibase, err = str(r, "publicKeyMultibase")
		case "publicKeyBase58":
			vm.PublicKeyBase58, err = str(r, "publicKeyBase58")
		case "publicKeyJwk":
			var jwk map[string]json.RawMessage
			jwk, err = object(r, "publicKeyJwk")
			if err == nil {
				for _, priv := range append([]string{"d"}, privateJWKMembers...) {
					if _, ok := jwk[priv]; ok {
						err = fmt.Errorf("%w: publicKeyJwk has private member %q", ErrInvalidDocument, priv)
					}
				}
			}
			vm.PublicKeyJwk = compact(r)
		default:
			if vm.Extra == nil {
				vm.Extra = map[string]json.RawMessage{}
			}
			vm.Extra[name] = compact(r)
		}
		if err != nil {
			return err
		}
	}
	switch {
	case vm.ID == "":
		return fmt.Errorf("%w: verification method without id", ErrInvalidDocument)
	case vm.Type == "":
		return fmt.Errorf("%w: verification method %q without type", ErrInvalidDocument, truncate(vm.ID, 200))
	case vm.Controller == "":
		return fmt.Errorf("%w: verification method %q without controller", ErrInvalidDocument, truncate(vm.ID, 200))
	}
	n := 0
	for _, present := range []bool{vm.PublicKeyMultibase != "", len(vm.PublicKeyJwk) > 0, vm.PublicKeyBase58 != ""} {
		if present {
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%w: verification method %q has more than one kind of key material", ErrInvalidDocument, truncate(vm.ID, 200))
	}
	return nil
}

func (p *docParser) services(raw json.RawMessage) ([]Service, error) {
	arr, err := array(raw, "service")
	if err != nil {
		return nil, err
	}
	out := make([]Service, len(arr))
	seen := map[string]bool{}
	for i, r := range arr {
		obj, err := object(r, "service")
		if err != nil {
			return nil, err
		}
		s := &out[i]
		for _, name := range slices.Sorted(maps.Keys(obj)) {
			v := obj[name]
			switch name {
			case "id":
				s.ID, err = str(v, "service id")
				if err == nil && !strings.Contains(s.ID, ":") && !strings.HasPrefix(s.ID, "#") {
					err = fmt.Errorf("%w: service id %q is not a URI", ErrInvalidDocument, truncate(s.ID, 80))
				}
			case "type":
				_, _, err = strSet(v, "service type", true)
				s.Type = compact(v)
			case "serviceEndpoint":
				t := bytes.TrimLeft(v, " \t\r\n")
				if len(t) == 0 || (t[0] != '"' && t[0] != '{' && t[0] != '[') {
					err = fmt.Errorf("%w: serviceEndpoint must be a string, map or set", ErrInvalidDocument)
				}
				s.ServiceEndpoint = compact(v)
			default:
				if s.Extra == nil {
					s.Extra = map[string]json.RawMessage{}
				}
				s.Extra[name] = compact(v)
			}
			if err != nil {
				return nil, err
			}
		}
		if s.ID == "" || len(s.Type) == 0 || len(s.ServiceEndpoint) == 0 {
			return nil, fmt.Errorf("%w: service needs id, type and serviceEndpoint", ErrInvalidDocument)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("%w: duplicate service id %q", ErrInvalidDocument, truncate(s.ID, 80))
		}
		seen[s.ID] = true
	}
	return out, nil
}
