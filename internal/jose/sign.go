package jose

import (
	"crypto"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Sign produces a compact JWS of payload. The "alg" comes from key (see
// [SignRaw] for the accepted key types); h supplies typ, cty, kid, crit and
// any extra parameters in h.Params (an "alg" in h is ignored). The header
// is written with alg first and is subject to the same rules [Parse]
// enforces, so Sign never emits a token this package would refuse with
// default options apart from the listed extras.
func Sign(h Header, payload []byte, key any) (string, error) {
	alg, err := algOfSigner(key)
	if err != nil {
		return "", err
	}
	hj, err := headerJSON(alg, h)
	if err != nil {
		return "", err
	}
	input := EncodeSegment(hj) + "." + EncodeSegment(payload)
	gotAlg, sig, err := SignRaw(key, []byte(input))
	if err != nil {
		return "", err
	}
	if gotAlg != alg {
		return "", fmt.Errorf("%w: signer algorithm changed from %s to %s", ErrAlgMismatch, alg, gotAlg)
	}
	return input + "." + EncodeSegment(sig), nil
}

func algOfSigner(key any) (Alg, error) {
	if rs, ok := key.(RawSigner); ok {
		a := Alg(rs.Algorithm())
		if !a.Supported() {
			return "", fmt.Errorf("%w: %q", ErrUnsupportedAlg, a)
		}
		return a, nil
	}
	if s, ok := key.(crypto.Signer); ok {
		return AlgForKey(s.Public())
	}
	return AlgForKey(key)
}

var errDER = errors.New("jose: signer returned invalid DER signature")

func parseDERSig(der []byte) (r, s *big.Int, err error) {
	r, s = new(big.Int), new(big.Int)
	in := cryptobyte.String(der)
	var inner cryptobyte.String
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return nil, nil, errDER
	}
	return r, s, nil
}
