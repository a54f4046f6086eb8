package didkey

import (
	"context"
	"errors"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/vcerr"
)

func TestResolve(t *testing.T) {
	k, _ := did.GenerateKey(did.KeyEd25519)
	other, _ := did.GenerateKey(did.KeyEd25519)
	r := did.NewMultiResolver(nil)
	r.Register("key", key.Resolver{})
	id := key.New(k.Public())
	frag := "#" + methodID(id)
	ctx := context.Background()
	for _, tc := range []struct {
		name, subject, kid string
		rel                did.Relationship
		want               error
	}{
		{"absolute", id, id + frag, did.AssertionMethod, nil},
		{"relative", id, frag, did.AssertionMethod, nil},
		{"no signer named", "", id + frag, did.Authentication, nil},
		{"no kid", id, "", did.AssertionMethod, vcerr.ErrUnresolvableDID},
		{"relative without signer", "", frag, did.AssertionMethod, vcerr.ErrUnresolvableDID},
		{"bad DID URL", id, "not a did", did.AssertionMethod, vcerr.ErrUnresolvableDID},
		{"another DID's key", key.New(other.Public()), id + frag, did.AssertionMethod, vcerr.ErrKeyNotAuthorized},
		{"outside the relationship", id, id + frag, did.KeyAgreement, vcerr.ErrKeyNotAuthorized},
		{"unknown method", id, id + "#nope", did.AssertionMethod, vcerr.ErrUnresolvableDID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := Resolve(ctx, r, tc.subject, tc.kid, tc.rel)
			if tc.want == nil {
				if err != nil || !pk.Equal(k.Public()) {
					t.Fatalf("got %v, %v", pk, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// methodID returns the method-specific id of a did:key, its key fragment.
func methodID(id string) string { return id[len("did:key:"):] }
