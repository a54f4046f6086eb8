package did_test

import (
	"fmt"

	"github.com/polity-id/polity/did"
)

func ExampleGenerateKey() {
	priv, err := did.GenerateKey(did.KeyP256)
	if err != nil {
		panic(err)
	}
	msg := []byte("door 7 opened")
	sig, err := priv.Sign(msg)
	if err != nil {
		panic(err)
	}
	pub := priv.Public()
	fmt.Println(pub.Type(), pub.Algorithm(), len(sig))
	fmt.Println(pub.Verify(msg, sig))
	// Output:
	// P-256 ES256 64
	// <nil>
}

func ExampleParseMultikey() {
	pub, err := did.ParseMultikey("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	if err != nil {
		panic(err)
	}
	fmt.Println(pub.Type(), pub.JWK())
	// Output:
	// Ed25519 {"crv":"Ed25519","kty":"OKP","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}
}
