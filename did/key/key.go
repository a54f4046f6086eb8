// Package key implements the did:key method: a DID that is a public key, resolved
// without any network by expanding the key into a DID document.
//
// [New] makes the DID of a key and [Resolve] (or [Resolver]) expands a DID into the
// document the current did:key specification (https://w3c-ccg.github.io/did-key-spec/)
// describes: one Multikey verification method, with contexts
// https://www.w3.org/ns/did/v1 and https://w3id.org/security/multikey/v1, referenced from
// authentication, assertionMethod, capabilityInvocation and capabilityDelegation. Ed25519
// keys also get a derived X25519 keyAgreement method (the specification's
// enableEncryptionKeyDerivation option); X25519 keys appear in keyAgreement only.
// [Options.Format] selects the 2021 representations of the did:key test vectors instead
// ([FormatLegacy], [FormatJsonWebKey2020]).
//
// Supported key types are those of [did.KeyType]; others (RSA, P-521, BLS12-381) give
// [did.ErrUnsupportedKeyType].
package key

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/multi"
)

// Method is the DID method name.
const Method = "key"

// Format selects how verification methods are expressed.
type Format uint8

// Document formats.
const (
	// FormatMultikey is the current did:key form: Multikey methods with
	// publicKeyMultibase and the multikey/v1 context.
	FormatMultikey Format = iota
	// FormatLegacy is the 2021 form of the did:key test vectors:
	// Ed25519VerificationKey2018 and X25519KeyAgreementKey2019 with publicKeyBase58 for
	// Ed25519 and X25519 keys, JsonWebKey2020 for EC keys.
	FormatLegacy
	// FormatJsonWebKey2020 expresses every method as JsonWebKey2020 with publicKeyJwk
	// and the jws-2020/v1 context.
	FormatJsonWebKey2020
)

// Options select the document representation. The zero value gives the current
// Multikey form with X25519 key agreement derived from Ed25519 keys.
type Options struct {
	Format Format
	// NoKeyAgreementDerivation leaves out the X25519 keyAgreement method derived from
	// an Ed25519 key.
	NoKeyAgreementDerivation bool
}

// New returns the did:key DID of pub.
func New(pub *did.PublicKey) string {
	return "did:key:" + pub.Multikey()
}

// PublicKey returns the key a did:key DID (or DID URL) encodes. Malformed DIDs give
// [did.ErrInvalidDID]; other methods [did.ErrMethodNotSupported]; bad keys
// [did.ErrInvalidKey] or [did.ErrUnsupportedKeyType].
func PublicKey(s string) (*did.PublicKey, error) {
	u, err := did.ParseURL(s)
	if err != nil {
		if d, perr := did.Parse(s); perr == nil {
			u = &did.URL{DID: d}
		} else {
			return nil, perr
		}
	}
	if u.Method != Method {
		return nil, fmt.Errorf("%w: did:%s is not did:key", did.ErrMethodNotSupported, u.Method)
	}
	id := u.ID
	if i := strings.LastIndexByte(id, ':'); i >= 0 { // did:key:<version>:<key>
		if id[:i] != "1" {
			return nil, fmt.Errorf("%w: did:key version %q", did.ErrInvalidDID, id[:i])
		}
		id = id[i+1:]
	}
	if !strings.HasPrefix(id, "z") {
		return nil, fmt.Errorf("%w: did:key id must be base58btc multibase ('z')", did.ErrInvalidDID)
	}
	return did.ParseMultikey(id)
}

// Resolve expands a did:key DID into its DID document (see the package comment).
// opts may be nil.
func Resolve(s string, opts *Options) (*did.Document, error) {
	d, err := did.Parse(s)
	if err != nil {
		return nil, err
	}
	pub, err := PublicKey(s)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", truncateDID(s), err)
	}
	if opts == nil {
		opts = &Options{}
	}
	return document(d.String(), pub, opts)
}

// Document returns the DID document of pub's did:key DID. opts may be nil.
func Document(pub *did.PublicKey, opts *Options) (*did.Document, error) {
	if opts == nil {
		opts = &Options{}
	}
	return document(New(pub), pub, opts)
}

func truncateDID(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

var signing = []did.Relationship{did.Authentication, did.AssertionMethod, did.CapabilityInvocation, did.CapabilityDelegation}

func document(id string, pub *did.PublicKey, opts *Options) (*did.Document, error) {
	doc := &did.Document{ID: id}
	fragment := strings.TrimPrefix(id, "did:key:")
	if i := strings.LastIndexByte(fragment, ':'); i >= 0 {
		fragment = fragment[i+1:]
	}
	vmID := id + "#" + fragment
	var contexts []string
	add := func(id string, k *did.PublicKey, rels ...did.Relationship) error {
		var vm did.VerificationMethod
		var ctx string
		switch {
		case opts.Format == FormatMultikey:
			ctx = did.ContextMultikey
			vm = did.VerificationMethod{ID: id, Type: "Multikey", Controller: doc.ID, PublicKeyMultibase: k.Multikey()}
		case opts.Format == FormatLegacy && k.Type() == did.KeyEd25519:
			ctx = did.ContextEd2018
			vm = did.VerificationMethod{ID: id, Type: "Ed25519VerificationKey2018", Controller: doc.ID, PublicKeyBase58: multi.EncodeRawBase58(k.Bytes())}
		case opts.Format == FormatLegacy && k.Type() == did.KeyX25519:
			ctx = did.ContextX25519_19
			vm = did.VerificationMethod{ID: id, Type: "X25519KeyAgreementKey2019", Controller: doc.ID, PublicKeyBase58: multi.EncodeRawBase58(k.Bytes())}
		case opts.Format == FormatLegacy || opts.Format == FormatJsonWebKey2020:
			ctx = did.ContextJWS2020
			var err error
			if vm, err = did.NewVerificationMethod(id, doc.ID, "JsonWebKey2020", k); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: unknown did:key format %d", did.ErrResolution, opts.Format)
		}
		if !slices.Contains(contexts, ctx) {
			contexts = append(contexts, ctx)
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AddReference(id, rels...)
		return nil
	}
	var err error
	switch pub.Type() {
	case did.KeyX25519:
		err = add(vmID, pub, did.KeyAgreement)
	case did.KeyEd25519:
		err = add(vmID, pub, signing...)
		if err == nil && !opts.NoKeyAgreementDerivation {
			var x *did.PublicKey
			if x, err = pub.X25519(); err == nil {
				err = add(id+"#"+x.Multikey(), x, did.KeyAgreement)
			}
		}
	default:
		rels := signing
		if opts.Format != FormatMultikey {
			// The 2021 vectors list EC keys under keyAgreement too (ECDH).
			rels = append(slices.Clone(signing), did.KeyAgreement)
		}
		err = add(vmID, pub, rels...)
	}
	if err != nil {
		return nil, err
	}
	doc.SetContext(append([]string{did.ContextDIDv1}, contexts...)...)
	return doc, nil
}

// Resolver resolves did:key DIDs with the given options; the zero value gives the
// current Multikey representation. It never touches the network.
type Resolver struct {
	Options Options
}

// Resolve implements [did.Resolver].
func (r Resolver) Resolve(ctx context.Context, s string) (*did.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", did.ErrResolution, err)
	}
	opts := r.Options
	return Resolve(s, &opts)
}
