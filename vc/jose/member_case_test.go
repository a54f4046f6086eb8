package jose

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/polity-id/polity/did"
)

// A payload with "issuer" and a case variant of it must not have its signer
// checked against one member while the returned Document names the other (a
// caller reading the Document, as vc.ParseCredential does, would see a forged
// issuer): only exact member names count.
func TestIssuerCaseVariant(t *testing.T) {
	w := newWorld(t, did.KeyEd25519)
	// The holder signs a credential naming the issuer, with its own DID in a
	// case variant of "issuer" or of the issuer's "id".
	for name, payload := range map[string]string{
		"ISSUER": string(credJSON(issuerDID, `,"ISSUER":"did:example:holder"`)),
		"issuer.ID": `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],` +
			`"issuer":{"id":"` + issuerDID + `","ID":"did:example:holder"},"credentialSubject":{"id":"did:example:holder"}}`,
	} {
		tok := signRaw(t, w.holder, `{"alg":"EdDSA","typ":"vc+jwt","kid":"did:example:holder#key-1"}`, payload)
		v, err := VerifyCredential(context.Background(), tok, w.opts())
		if err != nil {
			continue
		}
		var m map[string]any
		json.Unmarshal(v.Document, &m)
		t.Errorf("%s: verified as signed by %q, document issuer %v", name, v.Subject, m["issuer"])
	}
}
