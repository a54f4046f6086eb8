package jose

import "github.com/polity-id/polity/internal/jsonx"

// decodeJSON decodes strict JSON (no duplicate names, no trailing data,
// bounded size and depth), numbers as json.Number.
func decodeJSON(raw []byte, maxBytes, maxDepth int) (any, error) {
	return jsonx.Decode(raw, jsonx.Limits{MaxBytes: maxBytes, MaxDepth: maxDepth})
}
