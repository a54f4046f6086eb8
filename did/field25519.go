package did

import (
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
)

// Arithmetic modulo p = 2^255 - 19 for Ed25519 point decoding and the Ed25519 -> X25519
// public key conversion. An element is five unsigned 51-bit limbs, little-endian:
// v = l[0] + l[1]·2^51 + l[2]·2^102 + l[3]·2^153 + l[4]·2^204. Every operation runs in
// time independent of the values (no branches or table look-ups on them); the outputs
// of add, sub, mul and square have limbs below 2^51 + 2^13, which every input accepts.

type fieldElement [5]uint64

const mask51 = 1<<51 - 1

var (
	feOne = fieldElement{1}
	// feD is the Edwards curve constant d = -121665/121666 mod p (RFC 8032 §5.1).
	feD = feMustHex("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3")
	// feSqrtM1 is 2^((p-1)/4) mod p, a square root of -1 (RFC 8032 §5.1.3).
	feSqrtM1 = feMustHex("2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0")
)

// feMustHex decodes a big-endian hex constant below p. It is only called on the
// constants above.
func feMustHex(s string) fieldElement {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		panic("did: bad field constant")
	}
	var le [32]byte
	for i := range b {
		le[31-i] = b[i]
	}
	var v fieldElement
	v.setBytes(&le)
	return v
}

// setBytes sets v to the little-endian 255-bit value of b, ignoring the top bit of
// b[31] (the sign bit of an encoded point). The value may be >= p; see canonicalBytes.
func (v *fieldElement) setBytes(b *[32]byte) *fieldElement {
	v[0] = binary.LittleEndian.Uint64(b[0:8]) & mask51
	v[1] = binary.LittleEndian.Uint64(b[6:14]) >> 3 & mask51
	v[2] = binary.LittleEndian.Uint64(b[12:20]) >> 6 & mask51
	v[3] = binary.LittleEndian.Uint64(b[19:27]) >> 1 & mask51
	v[4] = binary.LittleEndian.Uint64(b[24:32]) >> 12 & mask51
	return v
}

// bytes returns the canonical (fully reduced, < p) little-endian encoding of v.
func (v *fieldElement) bytes() [32]byte {
	t := *v
	t.carry()
	// t < 2^255 + 2^13·19 < 2p, so subtracting p at most once reduces it. q is 1
	// exactly when t + 19 overflows 2^255, that is when t >= p.
	q := (t[0] + 19) >> 51
	q = (t[1] + q) >> 51
	q = (t[2] + q) >> 51
	q = (t[3] + q) >> 51
	q = (t[4] + q) >> 51
	t[0] += 19 * q // add 19 and drop 2^255: subtracts p when q is 1
	t[1] += t[0] >> 51
	t[0] &= mask51
	t[2] += t[1] >> 51
	t[1] &= mask51
	t[3] += t[2] >> 51
	t[2] &= mask51
	t[4] += t[3] >> 51
	t[3] &= mask51
	t[4] &= mask51
	var out [32]byte
	binary.LittleEndian.PutUint64(out[0:8], t[0]|t[1]<<51)
	binary.LittleEndian.PutUint64(out[8:16], t[1]>>13|t[2]<<38)
	binary.LittleEndian.PutUint64(out[16:24], t[2]>>26|t[3]<<25)
	binary.LittleEndian.PutUint64(out[24:32], t[3]>>39|t[4]<<12)
	return out
}

// carry brings every limb below 2^51 (limb 0 below 2^51 + 19·2^13), folding the carry
// out of limb 4 back into limb 0 with 2^255 = 19 mod p. Limbs must be below 2^64 - 2^13.
func (v *fieldElement) carry() {
	c0, c1, c2, c3, c4 := v[0]>>51, v[1]>>51, v[2]>>51, v[3]>>51, v[4]>>51
	v[0] = v[0]&mask51 + 19*c4
	v[1] = v[1]&mask51 + c0
	v[2] = v[2]&mask51 + c1
	v[3] = v[3]&mask51 + c2
	v[4] = v[4]&mask51 + c3
}

// add sets v = a + b.
func (v *fieldElement) add(a, b *fieldElement) *fieldElement {
	v[0], v[1], v[2], v[3], v[4] = a[0]+b[0], a[1]+b[1], a[2]+b[2], a[3]+b[3], a[4]+b[4]
	v.carry()
	return v
}

// sub sets v = a - b, adding 2p first so no limb underflows.
func (v *fieldElement) sub(a, b *fieldElement) *fieldElement {
	v[0] = a[0] + (1<<52 - 38) - b[0]
	v[1] = a[1] + (1<<52 - 2) - b[1]
	v[2] = a[2] + (1<<52 - 2) - b[2]
	v[3] = a[3] + (1<<52 - 2) - b[3]
	v[4] = a[4] + (1<<52 - 2) - b[4]
	v.carry()
	return v
}

// neg sets v = -a.
func (v *fieldElement) neg(a *fieldElement) *fieldElement {
	var zero fieldElement
	return v.sub(&zero, a)
}

// u128 is an unsigned 128-bit accumulator.
type u128 struct{ lo, hi uint64 }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{lo, hi}
}

func mulAdd64(acc u128, a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	lo, c := bits.Add64(lo, acc.lo, 0)
	hi, _ = bits.Add64(hi, acc.hi, c)
	return u128{lo, hi}
}

// shr51 returns acc >> 51; acc must be below 2^115.
func shr51(acc u128) uint64 { return acc.hi<<13 | acc.lo>>51 }

// mul and square below sum the limb products of each weight into five 128-bit
// columns, then carry. With input limbs below 2^51 + 2^13, a column is at most 77
// products, below 2^109, so each carry is below 2^58 and 19 times the top carry fits in
// 64 bits; after the second carry pass the limbs are below 2^51 + 2^13 again.

// mul sets v = a · b.
func (v *fieldElement) mul(a, b *fieldElement) *fieldElement {
	a0, a1, a2, a3, a4 := a[0], a[1], a[2], a[3], a[4]
	b0, b1, b2, b3, b4 := b[0], b[1], b[2], b[3], b[4]
	// Limb products of weight 2^255 and above come back multiplied by 19.
	a1x19, a2x19, a3x19, a4x19 := 19*a1, 19*a2, 19*a3, 19*a4

	r0 := mul64(a0, b0)
	r0 = mulAdd64(r0, a1x19, b4)
	r0 = mulAdd64(r0, a2x19, b3)
	r0 = mulAdd64(r0, a3x19, b2)
	r0 = mulAdd64(r0, a4x19, b1)

	r1 := mul64(a0, b1)
	r1 = mulAdd64(r1, a1, b0)
	r1 = mulAdd64(r1, a2x19, b4)
	r1 = mulAdd64(r1, a3x19, b3)
	r1 = mulAdd64(r1, a4x19, b2)

	r2 := mul64(a0, b2)
	r2 = mulAdd64(r2, a1, b1)
	r2 = mulAdd64(r2, a2, b0)
	r2 = mulAdd64(r2, a3x19, b4)
	r2 = mulAdd64(r2, a4x19, b3)

	r3 := mul64(a0, b3)
	r3 = mulAdd64(r3, a1, b2)
	r3 = mulAdd64(r3, a2, b1)
	r3 = mulAdd64(r3, a3, b0)
	r3 = mulAdd64(r3, a4x19, b4)

	r4 := mul64(a0, b4)
	r4 = mulAdd64(r4, a1, b3)
	r4 = mulAdd64(r4, a2, b2)
	r4 = mulAdd64(r4, a3, b1)
	r4 = mulAdd64(r4, a4, b0)

	// Carry: each column to 51 bits, the top carry folded into limb 0 times 19, then
	// once more to bring the limbs below 2^51 + 2^13.
	l0 := r0.lo&mask51 + 19*shr51(r4)
	l1 := r1.lo&mask51 + shr51(r0)
	l2 := r2.lo&mask51 + shr51(r1)
	l3 := r3.lo&mask51 + shr51(r2)
	l4 := r4.lo&mask51 + shr51(r3)
	v[0] = l0&mask51 + 19*(l4>>51)
	v[1] = l1&mask51 + l0>>51
	v[2] = l2&mask51 + l1>>51
	v[3] = l3&mask51 + l2>>51
	v[4] = l4&mask51 + l3>>51
	return v
}

// square sets v = a².
func (v *fieldElement) square(a *fieldElement) *fieldElement { return v.squareN(a, 1) }

// squareN sets v = a^(2^n), n >= 1, keeping the limbs in locals between squarings.
func (v *fieldElement) squareN(a *fieldElement, n int) *fieldElement {
	a0, a1, a2, a3, a4 := a[0], a[1], a[2], a[3], a[4]
	for range n {
		a0x2, a1x2, a2x2, a3x2 := 2*a0, 2*a1, 2*a2, 2*a3
		a3x19, a4x19 := 19*a3, 19*a4

		r0 := mul64(a0, a0)
		r0 = mulAdd64(r0, a1x2, a4x19)
		r0 = mulAdd64(r0, a2x2, a3x19)

		r1 := mul64(a0x2, a1)
		r1 = mulAdd64(r1, a2x2, a4x19)
		r1 = mulAdd64(r1, a3, a3x19)

		r2 := mul64(a0x2, a2)
		r2 = mulAdd64(r2, a1, a1)
		r2 = mulAdd64(r2, a3x2, a4x19)

		r3 := mul64(a0x2, a3)
		r3 = mulAdd64(r3, a1x2, a2)
		r3 = mulAdd64(r3, a4, a4x19)

		r4 := mul64(a0x2, a4)
		r4 = mulAdd64(r4, a1x2, a3)
		r4 = mulAdd64(r4, a2, a2)

		// Carry as in mul.
		l0 := r0.lo&mask51 + 19*shr51(r4)
		l1 := r1.lo&mask51 + shr51(r0)
		l2 := r2.lo&mask51 + shr51(r1)
		l3 := r3.lo&mask51 + shr51(r2)
		l4 := r4.lo&mask51 + shr51(r3)
		a0 = l0&mask51 + 19*(l4>>51)
		a1 = l1&mask51 + l0>>51
		a2 = l2&mask51 + l1>>51
		a3 = l3&mask51 + l2>>51
		a4 = l4&mask51 + l3>>51
	}
	v[0], v[1], v[2], v[3], v[4] = a0, a1, a2, a3, a4
	return v
}

// pow2250 returns z^(2^250 - 1) and z^11, the common prefix of the inversion and
// square-root exponents.
func pow2250(z *fieldElement) (z2250m1, z11 fieldElement) {
	var z2, z9, t, a, b, c fieldElement
	z2.square(z)        // 2
	t.squareN(&z2, 2)   // 8
	z9.mul(&t, z)       // 9
	z11.mul(&z9, &z2)   // 11
	t.square(&z11)      // 22
	a.mul(&t, &z9)      // 31 = 2^5 - 1
	t.squareN(&a, 5)    //
	a.mul(&t, &a)       // 2^10 - 1
	t.squareN(&a, 10)   //
	b.mul(&t, &a)       // 2^20 - 1
	t.squareN(&b, 20)   //
	t.mul(&t, &b)       // 2^40 - 1
	t.squareN(&t, 10)   //
	b.mul(&t, &a)       // 2^50 - 1
	t.squareN(&b, 50)   //
	c.mul(&t, &b)       // 2^100 - 1
	t.squareN(&c, 100)  //
	t.mul(&t, &c)       // 2^200 - 1
	t.squareN(&t, 50)   //
	z2250m1.mul(&t, &b) // 2^250 - 1
	return z2250m1, z11
}

// invert sets v = 1/z = z^(p-2) (0 for z = 0).
func (v *fieldElement) invert(z *fieldElement) *fieldElement {
	t, z11 := pow2250(z)
	t.squareN(&t, 5)       // 2^255 - 32
	return v.mul(&t, &z11) // 2^255 - 21 = p - 2
}

// pow22523 sets v = z^((p-5)/8) = z^(2^252 - 3).
func (v *fieldElement) pow22523(z *fieldElement) *fieldElement {
	t, _ := pow2250(z)
	t.squareN(&t, 2)    // 2^252 - 4
	return v.mul(&t, z) // 2^252 - 3
}

// equal returns 1 if v and u are the same field element, 0 otherwise.
func (v *fieldElement) equal(u *fieldElement) int {
	a, b := v.bytes(), u.bytes()
	return subtle.ConstantTimeCompare(a[:], b[:])
}

// isZero returns 1 if v = 0 mod p, 0 otherwise.
func (v *fieldElement) isZero() int {
	var zero fieldElement
	return v.equal(&zero)
}

// isNegative returns the low bit of the canonical encoding of v ("negative" in
// RFC 8032 terms).
func (v *fieldElement) isNegative() int {
	b := v.bytes()
	return int(b[0] & 1)
}

// choose sets v = a if cond is 1, b if cond is 0.
func (v *fieldElement) choose(a, b *fieldElement, cond int) *fieldElement {
	m := -uint64(cond & 1)
	for i := range v {
		v[i] = b[i] ^ (m & (a[i] ^ b[i]))
	}
	return v
}

// edDecode decodes an encoded Ed25519 point as RFC 8032 §5.1.3 says. ok is 1 when enc
// is a canonical encoding (y < p) of a point on the curve, with x = 0 only when the
// sign bit is 0; x and y are then the affine coordinates. Small-order points are
// accepted: they are curve points, and ruling them out is the verifier's business.
func edDecode(enc *[32]byte) (x, y fieldElement, ok int) {
	sign := int(enc[31] >> 7)
	y.setBytes(enc)
	// 1. y must be canonical: its reduced encoding equals the input without the sign bit.
	yb := y.bytes()
	in := *enc
	in[31] &= 0x7f
	ok = subtle.ConstantTimeCompare(yb[:], in[:])

	// 2. x² = u/v with u = y² - 1, v = d·y² + 1; candidate x = u·v³·(u·v⁷)^((p-5)/8).
	var y2, u, v, v3, v7, t fieldElement
	y2.square(&y)
	u.sub(&y2, &feOne)
	v.mul(&y2, &feD)
	v.add(&v, &feOne)
	v3.square(&v)
	v3.mul(&v3, &v)
	v7.square(&v3)
	v7.mul(&v7, &v)
	t.mul(&u, &v7)
	t.pow22523(&t)
	x.mul(&u, &v3)
	x.mul(&x, &t)

	// 3. v·x² = u: x is a root; v·x² = -u: x·sqrt(-1) is; otherwise no square root.
	var vx2, negU, xi fieldElement
	vx2.square(&x)
	vx2.mul(&vx2, &v)
	negU.neg(&u)
	isRoot := vx2.equal(&u)
	isFlipped := vx2.equal(&negU)
	xi.mul(&x, &feSqrtM1)
	x.choose(&xi, &x, isFlipped)
	ok &= isRoot | isFlipped

	// 4. x = 0 with sign bit 1 is invalid; otherwise pick the root with the sign bit.
	ok &= 1 ^ (x.isZero() & sign)
	var negX fieldElement
	negX.neg(&x)
	x.choose(&negX, &x, x.isNegative()^sign)
	return x, y, ok
}

// ed25519OnCurve reports whether raw (32 bytes) is a canonical encoding of an
// Ed25519 curve point.
func ed25519OnCurve(raw []byte) bool {
	if len(raw) != 32 {
		return false
	}
	_, _, ok := edDecode((*[32]byte)(raw))
	return ok == 1
}

// edwardsToMontgomery returns the X25519 u coordinate u = (1+y)/(1-y) of the Ed25519
// point with y coordinate encoded in raw (sign bit ignored), and ok = 0 for y = 1 (the
// identity), which has no Montgomery form.
func edwardsToMontgomery(raw *[32]byte) (u [32]byte, ok int) {
	var y, num, den fieldElement
	y.setBytes(raw)
	num.add(&feOne, &y)
	den.sub(&feOne, &y)
	ok = 1 ^ den.isZero()
	den.invert(&den)
	num.mul(&num, &den)
	return num.bytes(), ok
}
