package jose

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
)

// unmarshalFields decodes into the struct v only the object members whose names are
// exactly v's json names. encoding/json alone matches names without regard to case
// and keeps the last match, so {"issuer":A,"ISSUER":B} would read as B here while
// every exact reader (the credential model, JSON-LD) sees A: a signer could then be
// checked against one issuer and reported as another.
func unmarshalFields(data []byte, v any, lim jsonx.Limits) error {
	var m map[string]json.RawMessage
	if err := jsonx.Unmarshal(data, &m, lim); err != nil {
		return err
	}
	if m == nil { // JSON null: leave v at its zero value, as encoding/json does
		return nil
	}
	rt := reflect.TypeOf(v).Elem()
	keep := make(map[string]json.RawMessage, rt.NumField())
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if raw, ok := m[name]; ok && name != "" && name != "-" {
			keep[name] = raw
		}
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// member returns the member of a JSON object named exactly name (nil when raw is
// not an object or has no such member).
func member(raw json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m[name]
}
