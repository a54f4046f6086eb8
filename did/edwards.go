package did

import "fmt"

// X25519 converts an Ed25519 public key to the X25519 key agreement key of the same key
// pair (birational map u = (1+y)/(1-y), RFC 7748 §4.1), as did:key does for its derived
// keyAgreement method. Other key types give [ErrUnsupportedKeyType].
func (k *PublicKey) X25519() (*PublicKey, error) {
	if k.typ != KeyEd25519 {
		return nil, fmt.Errorf("%w: only Ed25519 keys convert to X25519", ErrUnsupportedKeyType)
	}
	if x := cachedKeyBytes(encX25519Of, "", k.raw); x != nil {
		return x, nil
	}
	u, ok := edwardsToMontgomery((*[32]byte)(k.raw))
	if ok != 1 {
		return nil, fmt.Errorf("%w: Ed25519 identity point has no X25519 form", ErrInvalidKey)
	}
	x, err := newPublicKey(KeyX25519, u[:])
	if err == nil {
		cacheKey(keyCacheKey{enc: encX25519Of, a: string(k.raw)}, x)
	}
	return x, err
}
