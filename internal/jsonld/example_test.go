package jsonld_test

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/rdf"
)

// ExampleProcessor_ToRDF turns a credential into its RDF dataset. A verifier builds the
// Processor once and reuses it.
func ExampleProcessor_ToRDF() {
	p, err := jsonld.NewProcessor(nil) // embedded contexts only, safe mode
	if err != nil {
		panic(err)
	}
	credential := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
	  "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
	  "type": ["VerifiableCredential", "MembershipCredential"],
	  "issuer": "did:example:club",
	  "validFrom": "2024-01-01T00:00:00Z",
	  "credentialSubject": {"id": "did:example:member", "memberOf": "Example Club"}
	}`)
	quads, err := p.ToRDF(context.Background(), credential)
	if err != nil {
		panic(err)
	}
	lines := make([]string, len(quads))
	for i, q := range quads {
		lines[i] = string(rdf.AppendQuad(nil, q))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Print(l)
	}
	// Output:
	// <did:example:member> <https://www.w3.org/ns/credentials/examples#memberOf> "Example Club" .
	// <urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
	// <urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/credentials/examples#MembershipCredential> .
	// <urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#credentialSubject> <did:example:member> .
	// <urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#issuer> <did:example:club> .
	// <urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://www.w3.org/2018/credentials#validFrom> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
}

// ExampleProcessor_ToRDF_safeMode shows safe mode rejecting a term that no context
// defines, which JSON-LD would otherwise drop from the signed data.
func ExampleProcessor_ToRDF_safeMode() {
	credential := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "type": ["VerifiableCredential"],
	  "issuer": "did:example:club",
	  "credentialSubject": {"id": "did:example:member", "memberOf": "Example Club"}
	}`)
	_, err := jsonld.DefaultProcessor().ToRDF(context.Background(), credential)
	fmt.Println(err)
	fmt.Println(errors.Is(err, jsonld.ErrUndefinedTerm))
	// Output:
	// jsonld: term dropped during expansion: property "memberOf" is not defined by the active context
	// true
}
