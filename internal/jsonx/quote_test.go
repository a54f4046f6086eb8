package jsonx

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestAppendString: strings are quoted byte for byte as encoding/json quotes them, with
// and without HTML escaping.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\ slash", "\x00\x01\x1f\t\n\r\b\f", "<a href=x>&amp;</a>",
		"é 日本 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "did:key:z6Mk#z6Mk"} {
		for _, html := range []bool{true, false} {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(html)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			if got := AppendString(nil, s, html); !bytes.Equal(got, want) {
				t.Errorf("AppendString(%q, %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}
