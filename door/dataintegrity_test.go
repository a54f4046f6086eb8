package door

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
)

func TestDataIntegrity(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, nil)
	ctx := context.Background()
	good := w.defaults(w.aliceDID)
	revoked := good
	revoked.index = revokedIdx
	other := good
	other.community = otherDID

	o, _ := d.Check(ctx, w.presentDI(t, w.alice, w.aliceDID, doorID, "di-1", good))
	if !o.Allow || o.Holder != w.aliceDID || o.Format != FormatDataIntegrity {
		t.Fatalf("allow: %+v", o)
	}
	tests := []struct {
		name string
		raw  []byte
		want []policy.Code
		is   error
	}{
		{"replayed", w.presentDI(t, w.alice, w.aliceDID, doorID, "di-1", good), []policy.Code{policy.CodeReplayed}, ErrReplay},
		{"revoked", w.presentDI(t, w.alice, w.aliceDID, doorID, "di-2", revoked), []policy.Code{policy.CodeRevoked}, vc.ErrRevoked},
		{"wrong community", w.presentDI(t, w.alice, w.aliceDID, doorID, "di-3", other), []policy.Code{policy.CodeClaimMismatch}, policy.ErrClaimMismatch},
		{"other door", w.presentDI(t, w.alice, w.aliceDID, "did:web:elsewhere.example", "di-4", good), []policy.Code{policy.CodeReplayed}, policy.ErrNotVerified},
		{"signed by someone else", w.wrapDI(t, w.bob, w.aliceDID, doorID, "di-5", w.issueDI(t, w.aliceDID, good)), []policy.Code{policy.CodeHolderBinding}, vc.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _ := d.Check(ctx, tt.raw)
			if o.Allow || !reflect.DeepEqual(reasonCodes(o), tt.want) || !errors.Is(o.Err(), tt.is) {
				t.Fatalf("reasons %v, want %v (%v)\nchecks %v", o.Reasons, tt.want, tt.is, o.Checks)
			}
		})
	}
}
