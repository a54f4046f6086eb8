package jose_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/jose"
)

func ExampleVerify() {
	// RFC 8037 appendix A key; Ed25519 signatures are deterministic.
	priv, _ := jose.ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519",
		"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
		"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`))
	tok, _ := jose.Sign(jose.Header{Typ: "JWT"}, []byte(`{"sub":"alice"}`), priv)

	pub := priv.(ed25519.PrivateKey).Public()
	j, err := jose.Verify(tok, pub, nil)
	fmt.Println(j.Header.Alg, j.Header.Typ, string(j.Payload), err)

	// The header cannot choose the algorithm.
	forged := jose.EncodeSegment([]byte(`{"alg":"none"}`)) + "." + jose.EncodeSegment([]byte(`{"sub":"mallory"}`)) + ".AA"
	_, err = jose.Verify(forged, pub, nil)
	fmt.Println(errors.Is(err, jose.ErrUnsupportedAlg))
	// Output:
	// EdDSA JWT {"sub":"alice"} <nil>
	// true
}
