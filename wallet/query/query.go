// Package query matches credentials against verifier requests: DIF
// Presentation Exchange v2 definitions ([ParseDefinition]) and OpenID4VP DCQL
// queries ([ParseDCQL]). It works on decoded JSON ([Credential]) and knows
// nothing of storage; the wallet package feeds it.
//
// # Sections
//
//   - Paths: [Path], a safe JSONPath subset.
//   - Filters: [Filter], a JSON Schema subset.
//   - Presentation Exchange: [Definition], [Definition.Evaluate], [Submission].
//   - DCQL: [DCQL], [DCQL.Evaluate].
//
// Matching is a selection aid for the holder; it checks no signatures and the
// verifier must still verify what it receives.
package query

import (
	"crypto/rand"
	"fmt"

	"github.com/polity-id/polity/internal/jsonx"
)

// Limits on requests.
const (
	MaxRequestBytes = 256 << 10 // one definition or DCQL query
	MaxDescriptors  = 256       // input descriptors or credential queries
	MaxFields       = 256       // fields or claims per descriptor or query
)

// Credential is one candidate: an opaque id chosen by the caller, its format
// identifier (e.g. "ldp_vc", "jwt_vc_json", "dc+sd-jwt"), its type values (VC
// types, or vct for SD-JWT VC), and its claims as decoded JSON. For an
// SD-JWT, Claims is the payload with every disclosure applied.
type Credential struct {
	ID        string
	Format    string
	Types     []string
	Claims    any
	Selective bool // the format can disclose a subset of claims
}

// formatFamily maps format identifiers to a family, so that aliases match.
var formatFamily = map[string]string{
	"ldp_vc": "ldp", "ldp": "ldp", "di_vc": "ldp", "di": "ldp",
	"jwt_vc_json": "jwt", "jwt_vc": "jwt", "jwt": "jwt", "vc+jwt": "jwt",
	"dc+sd-jwt": "sd-jwt", "vc+sd-jwt": "sd-jwt",
	"mso_mdoc": "mdoc",
}

// SameFormat reports whether two format identifiers name the same encoding
// (for example "vc+sd-jwt" and "dc+sd-jwt").
func SameFormat(a, b string) bool {
	if a == b {
		return true
	}
	fa, fb := formatFamily[a], formatFamily[b]
	return fa != "" && fa == fb
}

func decodeRequest(data []byte) (map[string]any, error) {
	v, err := jsonx.Decode(data, jsonx.Limits{MaxBytes: MaxRequestBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: request is not a JSON object", ErrMalformed)
	}
	return m, nil
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
