package jsonld

import (
	"github.com/polity-id/polity/internal/jsonx"
)

// decodeJSON parses data strictly with jsonx.DecodeFloat, the one strict parser (one
// value, valid UTF-8, no duplicate member names, size and depth caps), into generic
// values: map[string]any, []any, string, float64, bool and nil, the form both
// processing paths use. Errors are *jsonx.SyntaxError, matching jsonx.ErrMalformed.
func decodeJSON(data []byte, lim jsonx.Limits) (any, error) {
	return jsonx.DecodeFloat(data, lim)
}
