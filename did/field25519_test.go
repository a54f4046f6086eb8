package did

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// Reference arithmetic with math/big, the straightforward and slow reading of
// RFC 8032 §5.1.3 and RFC 7748 §4.1 that the limb code in field25519.go must match.
var (
	refP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	refD = func() *big.Int { // d = -121665/121666 mod p
		n := new(big.Int).Neg(big.NewInt(121665))
		n.Mul(n, new(big.Int).ModInverse(big.NewInt(121666), refP))
		return n.Mod(n, refP)
	}()
)

// refLE reads a little-endian integer (all 256 bits).
func refLE(b []byte) *big.Int {
	be := slices.Clone(b)
	slices.Reverse(be)
	return new(big.Int).SetBytes(be)
}

// refBytes writes x (0 <= x < 2^256) as 32 little-endian bytes.
func refBytes(x *big.Int) []byte {
	out := make([]byte, 32)
	x.FillBytes(out)
	slices.Reverse(out)
	return out
}

// refDecode decodes an Ed25519 point with math/big: ok, and x when ok.
func refDecode(enc []byte) (x *big.Int, ok bool) {
	le := slices.Clone(enc)
	sign := uint(le[31] >> 7)
	le[31] &= 0x7f
	y := refLE(le)
	if y.Cmp(refP) >= 0 {
		return nil, false
	}
	y2 := new(big.Int).Mul(y, y)
	num := new(big.Int).Sub(y2, big.NewInt(1))
	num.Mod(num, refP)
	den := new(big.Int).Mul(refD, y2)
	den.Add(den, big.NewInt(1))
	den.Mod(den, refP)
	inv := new(big.Int).ModInverse(den, refP)
	if inv == nil {
		return nil, false
	}
	x2 := num.Mul(num, inv)
	x2.Mod(x2, refP)
	x = new(big.Int).ModSqrt(x2, refP)
	if x == nil {
		return nil, false
	}
	if x.Sign() == 0 && sign == 1 {
		return nil, false
	}
	if x.Bit(0) != sign {
		x.Sub(refP, x)
	}
	return x, true
}

// refMontgomery returns u = (1+y)/(1-y) for the y of enc, or ok = false for y = 1.
func refMontgomery(enc []byte) (u []byte, ok bool) {
	le := slices.Clone(enc)
	le[31] &= 0x7f
	y := refLE(le)
	den := new(big.Int).Sub(big.NewInt(1), y)
	den.Mod(den, refP)
	inv := new(big.Int).ModInverse(den, refP)
	if inv == nil {
		return nil, false
	}
	n := new(big.Int).Add(big.NewInt(1), y)
	n.Mul(n, inv)
	n.Mod(n, refP)
	return refBytes(n), true
}

// feValue returns the integer a field element's limbs stand for (not reduced).
func feValue(v *fieldElement) *big.Int {
	out := new(big.Int)
	for i := 4; i >= 0; i-- {
		out.Lsh(out, 51)
		out.Add(out, new(big.Int).SetUint64(v[i]))
	}
	return out
}

func refMod(x *big.Int) []byte { return refBytes(new(big.Int).Mod(x, refP)) }

func mustHex32(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad vector %q", s)
	}
	return b
}

// checkDecode compares edDecode and edwardsToMontgomery with the reference on enc.
func checkDecode(t testing.TB, enc []byte) bool {
	t.Helper()
	wantX, wantOK := refDecode(enc)
	x, _, ok := edDecode((*[32]byte)(enc))
	if (ok == 1) != wantOK {
		t.Fatalf("%x: edDecode ok = %d, reference %v", enc, ok, wantOK)
	}
	if wantOK {
		if got := x.bytes(); !bytes.Equal(got[:], refBytes(wantX)) {
			t.Fatalf("%x: x = %x, reference %x", enc, got, refBytes(wantX))
		}
		if !ed25519OnCurve(enc) {
			t.Fatalf("%x: ed25519OnCurve disagrees with edDecode", enc)
		}
		wantU, wantUOK := refMontgomery(enc)
		u, uok := edwardsToMontgomery((*[32]byte)(enc))
		if (uok == 1) != wantUOK || wantUOK && !bytes.Equal(u[:], wantU) {
			t.Fatalf("%x: u = %x (ok %d), reference %x (ok %v)", enc, u, uok, wantU, wantUOK)
		}
	} else if ed25519OnCurve(enc) {
		t.Fatalf("%x: ed25519OnCurve accepts a rejected point", enc)
	}
	return wantOK
}

// rfc8032Keys are the Ed25519 key pairs of RFC 8032 §7.1 (TEST 1, 2, 3, 1024,
// SHA(abc)): seed and public key.
var rfc8032Keys = []struct{ name, seed, pub string }{
	{"RFC8032/TEST1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
	{"RFC8032/TEST2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"},
	{"RFC8032/TEST3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"},
	{"RFC8032/TEST1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5", "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e"},
	{"RFC8032/TEST-SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42", "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"},
}

func TestEd25519DecodeRFC8032Keys(t *testing.T) {
	for _, v := range rfc8032Keys {
		t.Run(v.name, func(t *testing.T) {
			pub := mustHex32(t, v.pub)
			if got := ed25519.NewKeyFromSeed(mustHex32(t, v.seed)).Public().(ed25519.PublicKey); !bytes.Equal(got, pub) {
				t.Fatalf("vector typo: seed gives %x", got)
			}
			if !checkDecode(t, pub) {
				t.Fatal("RFC 8032 public key rejected")
			}
			// The other sign bit gives -x, also a curve point.
			flipped := slices.Clone(pub)
			flipped[31] ^= 0x80
			if !checkDecode(t, flipped) {
				t.Fatal("negated RFC 8032 public key rejected")
			}
		})
	}
}

// leHex returns the little-endian encoding of the big-endian hex value s, with the
// sign bit set when sign is 1.
func leHex(t testing.TB, s string, sign byte) []byte {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	b := refBytes(n)
	b[31] |= sign << 7
	return b
}

func TestEd25519DecodeEdgeCases(t *testing.T) {
	p := "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed"
	tests := []struct {
		name string
		enc  []byte
		ok   bool
	}{
		// The eight small-order points (identity, order 2, 4 and 8): curve points.
		{"small-order/identity y=1", leHex(t, "1", 0), true},
		{"small-order/order-2 y=p-1", leHex(t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec", 0), true},
		{"small-order/order-4 y=0", leHex(t, "0", 0), true},
		{"small-order/order-4 y=0 sign", leHex(t, "0", 1), true},
		{"small-order/order-8 a", mustHex32(t, "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), true},
		{"small-order/order-8 b", mustHex32(t, "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"), true},
		{"small-order/order-8 c", mustHex32(t, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), true},
		{"small-order/order-8 d", mustHex32(t, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"), true},
		// x = 0 with the sign bit set (RFC 8032 §5.1.3 step 4).
		{"x=0 sign/y=1", leHex(t, "1", 1), false},
		{"x=0 sign/y=p-1", leHex(t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec", 1), false},
		// Non-canonical y >= p (step 1), including encodings of small-order points.
		{"non-canonical/y=p", leHex(t, p, 0), false},
		{"non-canonical/y=p sign", leHex(t, p, 1), false},
		{"non-canonical/y=p+1", leHex(t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee", 0), false},
		{"non-canonical/y=p+1 sign", leHex(t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee", 1), false},
		{"non-canonical/y=2^255-1", leHex(t, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0), false},
		{"non-canonical/all-ones", mustHex32(t, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), false},
		// Not on the curve: y = 2 has no x.
		{"off-curve/y=2", leHex(t, "2", 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDecode(t, tt.enc); got != tt.ok {
				t.Fatalf("ok = %v, want %v", got, tt.ok)
			}
		})
	}
	// Every y near 0 and p, both signs.
	for i := range int64(40) {
		for _, base := range []*big.Int{big.NewInt(0), new(big.Int).Sub(refP, big.NewInt(20))} {
			y := new(big.Int).Add(base, big.NewInt(i))
			for sign := range byte(2) {
				enc := refBytes(y)
				enc[31] |= sign << 7
				checkDecode(t, enc)
			}
		}
	}
}

func TestEd25519DecodeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for range 2000 {
		var enc [32]byte
		for i := range enc {
			enc[i] = byte(rng.Uint32())
		}
		if checkDecode(t, enc[:]) {
			valid++
		}
	}
	if valid < 600 || valid > 1400 { // about half of all y have a square x²
		t.Fatalf("%d of 2000 random encodings decode", valid)
	}
	for range 200 {
		pub, _, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !checkDecode(t, pub) {
			t.Fatalf("generated key %x rejected", pub)
		}
	}
}

// TestX25519MatchesPrivateConversion checks the public conversion against the scalar
// multiplication crypto/ecdh does for the converted private key.
func TestX25519MatchesPrivateConversion(t *testing.T) {
	for range 50 {
		priv, err := GenerateKey(KeyEd25519)
		if err != nil {
			t.Fatal(err)
		}
		xpub, err := priv.Public().X25519()
		if err != nil {
			t.Fatal(err)
		}
		xpriv, err := priv.X25519()
		if err != nil {
			t.Fatal(err)
		}
		if !xpub.Equal(xpriv.Public()) {
			t.Fatalf("X25519(pub) = %x, pub(X25519(priv)) = %x", xpub.Bytes(), xpriv.Public().Bytes())
		}
	}
}

// randFE returns a field element with random limbs up to the bound every operation
// accepts (2^51 + 2^13), to reach the carry edges.
func randFE(rng *rand.Rand) fieldElement {
	var v fieldElement
	for i := range v {
		switch rng.IntN(4) {
		case 0:
			v[i] = 1<<51 + 1<<13 - 1 - rng.Uint64N(4)
		case 1:
			v[i] = rng.Uint64N(4)
		default:
			v[i] = rng.Uint64N(1<<51 + 1<<13)
		}
	}
	return v
}

func TestFieldArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(op string, got *fieldElement, want *big.Int) {
		t.Helper()
		for i, l := range got {
			if l >= 1<<51+1<<13 {
				t.Fatalf("%s: limb %d = %#x over the bound", op, i, l)
			}
		}
		if g := got.bytes(); !bytes.Equal(g[:], refMod(want)) {
			t.Fatalf("%s: got %x, want %x", op, g, refMod(want))
		}
	}
	for range 2000 {
		a, b := randFE(rng), randFE(rng)
		A, B := feValue(&a), feValue(&b)
		var v fieldElement
		check("mul", v.mul(&a, &b), new(big.Int).Mul(A, B))
		check("square", v.square(&a), new(big.Int).Mul(A, A))
		check("add", v.add(&a, &b), new(big.Int).Add(A, B))
		check("sub", v.sub(&a, &b), new(big.Int).Sub(A, B))
		check("neg", v.neg(&a), new(big.Int).Neg(A))
		inv := new(big.Int).ModInverse(new(big.Int).Mod(A, refP), refP)
		if inv == nil {
			inv = new(big.Int)
		}
		check("invert", v.invert(&a), inv)
		e := new(big.Int).Rsh(new(big.Int).Sub(refP, big.NewInt(5)), 3)
		check("pow22523", v.pow22523(&a), new(big.Int).Exp(new(big.Int).Mod(A, refP), e, refP))
		if got, want := a.isZero() == 1, new(big.Int).Mod(A, refP).Sign() == 0; got != want {
			t.Fatalf("isZero(%x) = %v", refMod(A), got)
		}
	}
	var c fieldElement
	check("constant d", &feD, refD)
	check("sqrt(-1)^2", c.square(&feSqrtM1), new(big.Int).Sub(refP, big.NewInt(1)))
	// Values at and above p reduce.
	for _, s := range []string{"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed", "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"} {
		enc := leHex(t, s, 0)
		var v fieldElement
		v.setBytes((*[32]byte)(enc))
		check("reduce "+s, &v, refLE(enc))
	}
}

// FuzzEd25519Decode compares the limb decoder and Montgomery conversion with the
// math/big reference on arbitrary 32-byte strings.
func FuzzEd25519Decode(f *testing.F) {
	for _, v := range rfc8032Keys {
		f.Add(mustHex32(f, v.pub))
	}
	f.Add(leHex(f, "1", 1))
	f.Add(leHex(f, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed", 0))
	f.Add(leHex(f, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec", 0))
	f.Add(mustHex32(f, "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var enc [32]byte
		copy(enc[:], data)
		checkDecode(t, enc[:])
	})
}

func BenchmarkFieldSquare(b *testing.B) {
	v := feD
	for b.Loop() {
		v.square(&v)
	}
}

func BenchmarkFieldMul(b *testing.B) {
	v := feD
	for b.Loop() {
		v.mul(&v, &feSqrtM1)
	}
}
