package sdjwt

import (
	"fmt"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
)

// FromJSON converts the flattened JWS JSON serialization of an SD-JWT
// (RFC 9901 section 8: "protected", "payload", "signature", with
// "disclosures" and optional "kb_jwt" in the unprotected "header") to the
// compact form that [Verify] and [Present] take. The general serialization
// (several signatures) is refused.
func FromJSON(data []byte) (string, error) {
	var v struct {
		Protected  string `json:"protected"`
		Payload    string `json:"payload"`
		Signature  string `json:"signature"`
		Signatures []any  `json:"signatures"`
		Header     struct {
			Disclosures []string `json:"disclosures"`
			KBJWT       string   `json:"kb_jwt"`
		} `json:"header"`
	}
	if err := jsonx.Unmarshal(data, &v, jsonx.Limits{MaxBytes: DefaultMaxBytes}); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if v.Signatures != nil {
		return "", fmt.Errorf("%w: general JSON serialization not supported", ErrMalformed)
	}
	if v.Protected == "" || v.Signature == "" {
		return "", fmt.Errorf("%w: missing protected or signature", ErrMalformed)
	}
	var b strings.Builder
	b.WriteString(v.Protected + "." + v.Payload + "." + v.Signature + "~")
	for _, d := range v.Header.Disclosures {
		if d == "" || strings.Contains(d, "~") {
			return "", fmt.Errorf("%w: bad disclosure", ErrMalformed)
		}
		b.WriteString(d + "~")
	}
	if strings.Contains(v.Header.KBJWT, "~") {
		return "", fmt.Errorf("%w: bad kb_jwt", ErrMalformed)
	}
	b.WriteString(v.Header.KBJWT)
	return b.String(), nil
}
