package jose

import (
	"errors"
	"testing"
)

func FuzzParseCompactJWS(f *testing.F) {
	for _, file := range []string{"curve25519/jws.json", "jws/4_3.ecdsa_signature.json", "rfc7797/hmac-sha2_b64_false.json"} {
		f.Add(loadCookbook(f, file).Output.Compact)
	}
	f.Add(seg(`{"alg":"EdDSA","crit":["b64"],"b64":false}`) + ".." + seg("sig"))
	f.Add("eyJhbGciOiJFUzI1NiJ9..")
	f.Fuzz(func(t *testing.T, token string) {
		j, err := Parse(token, nil)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedAlg) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// Exact round trip: strict base64url means one encoding per byte string.
		re := EncodeSegment(j.RawHeader) + "." + EncodeSegment(j.Payload)
		if re != j.SigningInput || re+"."+EncodeSegment(j.Signature) != token {
			t.Fatalf("round trip differs: %q", token)
		}
		if !Alg(j.Header.Alg).Supported() {
			t.Fatalf("accepted alg %q", j.Header.Alg)
		}
	})
}
