package did

import (
	"fmt"
	"math/big"
	"slices"
)

// Field arithmetic for Ed25519 point checks and the Ed25519 -> X25519 public key
// conversion. Only public values pass through here, so math/big is fine.
var (
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	edD = func() *big.Int { // d = -121665/121666 mod p
		n := new(big.Int).Neg(big.NewInt(121665))
		inv := new(big.Int).ModInverse(big.NewInt(121666), edP)
		n.Mul(n, inv)
		return n.Mod(n, edP)
	}()
)

// edY decodes the y coordinate and sign bit of an encoded Ed25519 point; ok is false when
// y is not canonical (y >= p).
func edY(raw []byte) (y *big.Int, sign uint, ok bool) {
	le := slices.Clone(raw)
	sign = uint(le[31] >> 7)
	le[31] &= 0x7f
	slices.Reverse(le)
	y = new(big.Int).SetBytes(le)
	return y, sign, y.Cmp(edP) < 0
}

// ed25519OnCurve reports whether raw (32 bytes) encodes a point of the Ed25519 curve.
func ed25519OnCurve(raw []byte) bool {
	y, sign, ok := edY(raw)
	if !ok {
		return false
	}
	y2 := new(big.Int).Mul(y, y)
	y2.Mod(y2, edP)
	num := new(big.Int).Sub(y2, big.NewInt(1)) // y^2 - 1
	num.Mod(num, edP)
	den := new(big.Int).Mul(edD, y2) // d y^2 + 1
	den.Add(den, big.NewInt(1))
	den.Mod(den, edP)
	inv := new(big.Int).ModInverse(den, edP)
	if inv == nil {
		return false
	}
	x2 := num.Mul(num, inv)
	x2.Mod(x2, edP)
	if x2.Sign() == 0 {
		return sign == 0
	}
	return big.Jacobi(x2, edP) == 1
}

// X25519 converts an Ed25519 public key to the X25519 key agreement key of the same key
// pair (birational map u = (1+y)/(1-y), RFC 7748 §4.1), as did:key does for its derived
// keyAgreement method. Other key types give [ErrUnsupportedKeyType].
func (k *PublicKey) X25519() (*PublicKey, error) {
	if k.typ != KeyEd25519 {
		return nil, fmt.Errorf("%w: only Ed25519 keys convert to X25519", ErrUnsupportedKeyType)
	}
	y, _, _ := edY(k.raw)
	one := big.NewInt(1)
	den := new(big.Int).Sub(one, y)
	den.Mod(den, edP)
	inv := new(big.Int).ModInverse(den, edP)
	if inv == nil {
		return nil, fmt.Errorf("%w: Ed25519 identity point has no X25519 form", ErrInvalidKey)
	}
	u := new(big.Int).Add(one, y)
	u.Mul(u, inv)
	u.Mod(u, edP)
	out := make([]byte, 32)
	u.FillBytes(out)
	slices.Reverse(out)
	return NewPublicKey(KeyX25519, out)
}
