package dataintegrity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/vcerr"
)

// defaultEnv serves calls with a nil *Env.
var defaultEnv Env

func (e *Env) env() *Env {
	if e == nil {
		return &defaultEnv
	}
	return e
}

func (e *Env) processor() *jsonld.Processor {
	if e.JSONLD != nil {
		return e.JSONLD
	}
	return jsonld.DefaultProcessor()
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// maxCacheEntries bounds each cache of an Env; a full cache is emptied.
const maxCacheEntries = 512

// keyCache holds pure results: did:key documents (a function of the DID) and
// parsed public keys (a function of the key material).
type keyCache struct {
	mu   sync.Mutex
	docs map[string]*did.Document
	keys map[string]*did.PublicKey
	vms  map[string]string // verification method URL -> its DID, for valid URLs
}

func (c *keyCache) vmDID(vmURL string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.vms[vmURL]
	return id, ok
}

func (c *keyCache) putVMDID(vmURL, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vms == nil || len(c.vms) >= maxCacheEntries {
		c.vms = make(map[string]string)
	}
	c.vms[vmURL] = id
}

func (c *keyCache) doc(id string) *did.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs[id]
}

func (c *keyCache) putDoc(id string, d *did.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil || len(c.docs) >= maxCacheEntries {
		c.docs = make(map[string]*did.Document)
	}
	c.docs[id] = d
}

func (c *keyCache) key(material string) *did.PublicKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[material]
}

func (c *keyCache) putKey(material string, k *did.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil || len(c.keys) >= maxCacheEntries {
		c.keys = make(map[string]*did.PublicKey)
	}
	c.keys[material] = k
}

// resolve returns the DID document of id. Documents from the built-in did:key
// resolver are shared and must not be modified.
func (e *Env) resolve(ctx context.Context, id string) (*did.Document, error) {
	if e.Resolver != nil {
		d, err := e.Resolver.Resolve(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrUnresolvableDID, err)
		}
		if d == nil || d.ID != id {
			return nil, fmt.Errorf("%w: %w: document id does not match the DID", vcerr.ErrUnresolvableDID, did.ErrInvalidDocument)
		}
		return d, nil
	}
	if !strings.HasPrefix(id, "did:key:") {
		return nil, fmt.Errorf("%w: %w: no resolver for this DID method", vcerr.ErrUnresolvableDID, did.ErrMethodNotSupported)
	}
	if d := e.cache.doc(id); d != nil {
		return d, nil
	}
	d, err := key.Resolve(id, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vcerr.ErrUnresolvableDID, err)
	}
	e.cache.putDoc(id, d)
	return d, nil
}

// methodKey resolves verification method vmURL, checks that it is listed under
// relationship rel of its own DID document and controlled by that DID, and returns
// its public key.
func (e *Env) methodKey(ctx context.Context, vmURL string, rel did.Relationship) (*did.PublicKey, string, error) {
	id, ok := e.cache.vmDID(vmURL) // parsing is pure: cache the DID of valid URLs
	if !ok {
		u, err := did.ParseURL(vmURL)
		if err != nil {
			return nil, "", fmt.Errorf("%w: verificationMethod: %w", vcerr.ErrMalformed, err)
		}
		if u.Path != "" || u.HasQuery || u.Fragment == "" {
			return nil, "", fmt.Errorf("%w: verificationMethod is not a DID URL with a fragment", vcerr.ErrMalformed)
		}
		id = u.DID.String()
		e.cache.putVMDID(vmURL, id)
	}
	doc, err := e.resolve(ctx, id)
	if err != nil {
		return nil, "", err
	}
	vm, err := doc.MethodFor(vmURL, rel)
	switch {
	case errors.Is(err, did.ErrNotAuthorized):
		return nil, "", fmt.Errorf("%w: method not listed under %s: %w", vcerr.ErrKeyNotAuthorized, rel, err)
	case err != nil:
		return nil, "", fmt.Errorf("%w: verification method not in its DID document: %w", vcerr.ErrUnresolvableDID, err)
	}
	if vm.Controller != doc.ID {
		return nil, "", fmt.Errorf("%w: verification method is controlled by another DID", vcerr.ErrKeyNotAuthorized)
	}
	material := vm.Type + "\x00" + vm.PublicKeyMultibase + "\x00" + string(vm.PublicKeyJwk) + "\x00" + vm.PublicKeyBase58
	if k := e.cache.key(material); k != nil {
		return k, id, nil
	}
	k, err := vm.PublicKey()
	if err != nil {
		return nil, "", fmt.Errorf("%w: verification method key: %w", vcerr.ErrUnresolvableDID, err)
	}
	e.cache.putKey(material, k)
	return k, id, nil
}

// authorized checks that the verification method vmURL of DID vmDID may sign for
// controller under relationship rel: either it is the controller's own method (checked
// by methodKey) or the controller's document lists it under rel.
func (e *Env) authorized(ctx context.Context, controller, vmDID, vmURL string, rel did.Relationship) error {
	cu, err := did.ParseURL(controller)
	if err != nil || !cu.IsPlainDID() {
		return fmt.Errorf("%w: controller is not a DID", vcerr.ErrKeyNotAuthorized)
	}
	cid := cu.DID.String()
	if cid == vmDID {
		return nil
	}
	doc, err := e.resolve(ctx, cid)
	if err != nil {
		return err
	}
	for _, ref := range doc.Relationship(rel) {
		if doc.AbsoluteID(ref.MethodID()) == vmURL {
			return nil
		}
	}
	return fmt.Errorf("%w: verification method not listed under %s of the controller", vcerr.ErrKeyNotAuthorized, rel)
}

func relationship(purpose string) (did.Relationship, bool) {
	switch purpose {
	case PurposeAssertionMethod:
		return did.AssertionMethod, true
	case PurposeAuthentication:
		return did.Authentication, true
	case PurposeCapabilityInvocation:
		return did.CapabilityInvocation, true
	case PurposeCapabilityDelegation:
		return did.CapabilityDelegation, true
	case PurposeKeyAgreement:
		return did.KeyAgreement, true
	}
	return "", false
}
