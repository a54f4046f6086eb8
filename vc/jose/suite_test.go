package jose

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

const suiteDir = "../../testdata/jose/vc-jose-cose-test-suite"

type vmFile struct {
	ID        string          `json:"id"`
	Public    json.RawMessage `json:"publicKeyJwk"`
	Secret    json.RawMessage `json:"secretKeyJwk"`
	PublicKid struct {
		Kid string `json:"kid"`
	}
}

func loadVM(t testing.TB, name string) (vm vmFile, pub, priv any, err error) {
	b, rerr := os.ReadFile(filepath.Join(suiteDir, "input", name))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(vm.Public, &vm.PublicKid)
	if pub, err = ijose.ParseJWK(vm.Public); err != nil {
		return vm, nil, nil, err
	}
	priv, err = ijose.ParseJWK(vm.Secret)
	return vm, pub, priv, err
}

// suiteKeys maps each key's JWK kid (its thumbprint, as the suite's tokens
// use) to the public key, for the keys this package supports.
func suiteKeys(t testing.TB) KeyFunc {
	keys := map[string]any{}
	for _, f := range []string{"vm-ed25519.json", "vm-p256.json", "vm-p384.json", "vm-p521.json"} {
		vm, pub, _, err := loadVM(t, f)
		if err == nil {
			keys[vm.PublicKid.Kid] = pub
		}
	}
	return func(_ context.Context, _, kid string) (any, error) {
		if k, ok := keys[kid]; ok {
			return k, nil
		}
		return nil, fmt.Errorf("no key %q", kid)
	}
}

// suiteDeviations lists the cases where this package's answer differs from
// the suite's expectation, with the reason.
var suiteDeviations = map[int]string{
	4: "P-521 / ES512 is outside the allow-list (EdDSA, ES256, ES384, ES256K)",
}

// TestVCJOSECOSESuite runs every JOSETestMapping case of
// w3c/vc-jose-cose-test-suite by its name.
func TestVCJOSECOSESuite(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(suiteDir, "test-mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mapping map[string]map[string]struct {
		Number   int    `json:"number"`
		Input    string `json:"input_file"`
		Key      string `json:"key_file"`
		Fn       string `json:"fn"`
		Feature  string `json:"feature"`
		Expected string `json:"expected_result"`
	}
	if err := json.Unmarshal(b, &mapping); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0)
	for n := range mapping["JOSETestMapping"] {
		names = append(names, n)
	}
	slices.Sort(names)
	now := time.Unix(1734311051, 0) // just after the presentations' iat
	for _, name := range names {
		tc := mapping["JOSETestMapping"][name]
		t.Run(name, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join(suiteDir, "input", tc.Input))
			if err != nil {
				t.Fatal(err)
			}
			vp := strings.HasPrefix(tc.Feature, "presentation")
			var got error
			switch tc.Fn {
			case "issue":
				vm, pub, priv, kerr := loadVM(t, tc.Key)
				if kerr != nil {
					got = fmt.Errorf("%w: %w", ErrUnsupportedAlg, kerr)
					break
				}
				var tok string
				if vp {
					tok, got = SignPresentation(input, priv, vm.ID, "", "")
				} else {
					tok, got = SignCredential(input, priv, vm.ID)
				}
				if got == nil {
					// The issued token verifies with the same key; the
					// suite's presentation inputs envelope placeholder
					// credentials, so only the outer JWS is checked.
					h, _ := Peek(tok)
					want := TypVC
					if vp {
						want = TypVP
					}
					if h.Typ != want {
						t.Fatalf("typ %q", h.Typ)
					}
					_, got = ijose.Verify(tok, pub, nil)
				}
			case "verify":
				tok := strings.TrimSpace(string(input))
				now := now
				if j, err := ijose.Parse(tok, nil); err == nil {
					var p struct{ Iat any }
					json.Unmarshal(j.Payload, &p)
					if f, ok := p.Iat.(float64); ok {
						now = time.Unix(int64(f)+1, 0)
					}
				}
				// Enveloped SD-JWT and COSE credentials belong to other
				// verifiers; here they are only recognised.
				other := func(_ context.Context, mt, data string) error {
					if mt == "application/vc+sd-jwt" || mt == "application/vc+cose" {
						return nil
					}
					return fmt.Errorf("%w: %s", ErrUnsupportedAlg, mt)
				}
				opts := &VerifyOptions{KeyFunc: suiteKeys(t), Now: func() time.Time { return now }, Enveloped: other}
				if vp {
					_, got = VerifyPresentation(context.Background(), tok, opts)
				} else {
					_, got = VerifyCredential(context.Background(), tok, opts)
				}
			}
			success := got == nil
			if reason, ok := suiteDeviations[tc.Number]; ok {
				t.Logf("deviation (%s): got %v", reason, got)
				if success == (tc.Expected == "success") {
					t.Fatalf("deviation no longer holds")
				}
				return
			}
			if success != (tc.Expected == "success") {
				t.Fatalf("%s %s: got err=%v, want %s", tc.Fn, tc.Input, got, tc.Expected)
			}
			if got != nil && vcerr.Find(got) == nil {
				t.Fatalf("untyped failure: %v", got)
			}
			t.Logf("%s: %v", tc.Expected, got)
		})
	}
}
