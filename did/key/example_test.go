package key_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// Create a did:key from a key and resolve it back to a document and key.
func Example() {
	seed, _ := hex.DecodeString("0000000000000000000000000000000000000000000000000000000000000000")
	priv, err := did.NewPrivateKey(did.KeyEd25519, seed) // or did.GenerateKey(did.KeyEd25519)
	if err != nil {
		panic(err)
	}
	id := key.New(priv.Public())
	fmt.Println(id)

	r := did.NewMultiResolver(nil)
	r.Register(key.Method, key.Resolver{})
	vm, pub, err := did.ResolveVerificationMethod(context.Background(), r, id+"#"+id[len("did:key:"):], did.AssertionMethod)
	if err != nil {
		panic(err)
	}
	fmt.Println(vm.Type, pub.Equal(priv.Public()))
	doc, _ := r.Resolve(context.Background(), id)
	fmt.Println(len(doc.VerificationMethod), doc.KeyAgreement[0].ID[len(id):])
	// Output:
	// did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// Multikey true
	// 2 #z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW
}

func BenchmarkResolve(b *testing.B) {
	for _, typ := range did.KeyTypes() {
		priv, _ := did.GenerateKey(typ)
		id := key.New(priv.Public())
		b.Run(string(typ), func(b *testing.B) {
			for b.Loop() {
				if _, err := key.Resolve(id, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
