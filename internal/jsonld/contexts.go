package jsonld

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/polity-id/polity/internal/jsonx"
)

// The embedded context documents, byte for byte as published (see contexts/SOURCE.txt and
// contexts/CONTEXT-MAP.md for their origin and licences).
//
//go:embed contexts/*.jsonld contexts/*.json
var contextFS embed.FS

// pinnedContext maps a context URL to an embedded file and that file's SHA-256.
type pinnedContext struct {
	URL    string
	File   string
	SHA256 string // lowercase hex; "" only for a file that is not yet pinned
}

// pinnedContexts is the table of embedded contexts. A row whose file is not in the
// embedded directory is skipped, so a context can be added by dropping its file in
// contexts/ (and pinning its hash here).
var pinnedContexts = []pinnedContext{
	{"https://www.w3.org/2018/credentials/v1", "credentials-v1.jsonld", "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"},
	{"https://www.w3.org/2018/credentials/examples/v1", "credentials-examples-v1.jsonld", "2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104"},
	{"https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"},
	{"https://www.w3.org/ns/credentials/examples/v2", "credentials-examples-v2.jsonld", "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"},
	{"https://www.w3.org/ns/credentials/undefined-terms/v2", "credentials-undefined-terms-v2.jsonld", "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581"},
	{"https://www.w3.org/ns/did/v1", "did-v1.jsonld", "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad"},
	{"https://w3id.org/security/v1", "security-v1.jsonld", "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47"},
	{"https://w3id.org/security/v2", "security-v2.jsonld", "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b"},
	{"https://w3id.org/security/data-integrity/v1", "data-integrity-v1.jsonld", "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"},
	{"https://w3id.org/security/data-integrity/v2", "data-integrity-v2.jsonld", "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"},
	{"https://w3id.org/security/multikey/v1", "multikey-v1.jsonld", "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"},
	{"https://w3id.org/security/jwk/v1", "jwk-v1.jsonld", "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"},
	{"https://w3id.org/security/suites/jws-2020/v1", "jws-2020-v1.jsonld", "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e"},
	{"https://w3id.org/security/suites/ed25519-2020/v1", "ed25519-2020-v1.jsonld", "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"},
	{"https://w3id.org/security/suites/ed25519-2018/v1", "ed25519-2018-v1.jsonld", "166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809"},
	{"https://w3id.org/security/suites/x25519-2020/v1", "x25519-2020-v1.jsonld", "b234f84fe7cebb0efef37cad82667eeacb6d414f6c51ac37f5dc803a4a0c728a"},
	{"https://w3id.org/vc/status-list/2021/v1", "status-list-2021-v1.jsonld", "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4"},
	{"https://www.w3.org/ns/credentials/status/v1", "bitstring-status-list-v1.jsonld", "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"},
	{"https://w3id.org/citizenship/v1", "citizenship-v1.jsonld", "9ffdc9e92801959e8f7416744aca720d06e0a4702dd83043c02c74700c161d93"},
	{"https://w3id.org/citizenship/v2", "citizenship-v2.jsonld", "4b50a8580f99ddb2df2ad94e93eee1725f6c185a34306e1c98f4d631b160a9fc"},
	{"https://w3id.org/citizenship/v3", "citizenship-v3.jsonld", "b8fa8872d5af1686f13c1d17a663a78334a93becba1407c41548f10b515ad7fa"},
	{"https://w3id.org/citizenship/v4rc1", "citizenship-v4rc1.jsonld", "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e"},
	{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"},
	{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "ob-v3p0-context-3.0.2.json", "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"},
	{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", "ob-v3p0-context-3.0.1.json", "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"},
	{"https://purl.imsglobal.org/spec/ob/v3p0/context.json", "ob-v3p0-context.json", "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"},
	{"https://w3id.org/vdl/v1", "vdl-v1.jsonld", "5e61aa138bc6a1bf92299edd01408df52f20c24057b9dbea72ccaeef5b792010"},
	{"https://w3id.org/vdl/aamva/v1", "vdl-aamva-v1.jsonld", "8394e1f448f15c12b173b264a6f6006f85b343a81548f8e5f1a532bc258894e6"},
	{"https://w3id.org/security/suites/bls12381-2020/v1", "bls12381-2020-v1.jsonld", "65f03b15242ee97861039faec7a73297da4dd6880257fe4fd18edf1fc363a58d"},
	{"https://w3id.org/security/bbs/v1", "bls12381-2020-v1.jsonld", "65f03b15242ee97861039faec7a73297da4dd6880257fe4fd18edf1fc363a58d"},
	// Polity's own vocabulary. Served once its file is in contexts/; pin its hash here
	// when the vocabulary is frozen.
	{"https://polity.id/ns/v1", "polity-v1.jsonld", "291c00f26ae9054b784acbe9e900b34112f8152cc1715ca729f39a989a305e65"},
}

// PolityContextURL is the URL of Polity's own vocabulary context.
const PolityContextURL = "https://polity.id/ns/v1"

// Context is a context document the caller registers with a Processor, served for URL
// exactly (no normalisation).
type Context struct {
	URL      string
	Document []byte // the JSON document; must have a top-level "@context" member
	// SHA256, if not empty, is the expected lowercase hex SHA-256 of Document; a mismatch
	// makes NewProcessor fail.
	SHA256 string
}

// Loader resolves a context URL that is neither embedded nor registered. It returns the
// document's bytes, or an error (wrap ErrUnknownContext for URLs it does not serve). The
// processor never caches what a Loader returns, and documents that use such contexts are
// always processed on the slower general path. A Loader must be safe for concurrent use.
type Loader func(ctx context.Context, url string) ([]byte, error)

// loadedContext is one parsed, immutable context document.
type loadedContext struct {
	url    string
	doc    map[string]any // the parsed document (numbers as float64); never mutated
	pinned bool           // embedded or registered, so results may be cached
	// scopedContainers are the terms this document defines with a @container and a scoped
	// @context that may redefine the term itself (see scopedContainerTerms).
	scopedContainers []string
}

var (
	embeddedOnce sync.Once
	embedded     map[string]*loadedContext
	embeddedErr  error
)

// embeddedContexts parses the embedded contexts once, checking each file against its pin.
func embeddedContexts() (map[string]*loadedContext, error) {
	embeddedOnce.Do(func() {
		embedded = make(map[string]*loadedContext, len(pinnedContexts))
		for _, pc := range pinnedContexts {
			data, err := contextFS.ReadFile("contexts/" + pc.File)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // not (yet) shipped
				}
				embeddedErr = err
				return
			}
			lc, err := parseContextDoc(pc.URL, data, pc.SHA256)
			if err != nil {
				if pc.SHA256 == "" {
					continue // an unpinned file that does not parse is not served (see the tests)
				}
				embeddedErr = err
				return
			}
			lc.pinned = true
			embedded[pc.URL] = lc
		}
	})
	return embedded, embeddedErr
}

// EmbeddedContextURLs lists the URLs the processor serves from its embedded contexts.
func EmbeddedContextURLs() []string {
	m, _ := embeddedContexts()
	out := make([]string, 0, len(m))
	for _, pc := range pinnedContexts {
		if _, ok := m[pc.URL]; ok {
			out = append(out, pc.URL)
		}
	}
	return out
}

// parseContextDoc checks data against its expected hash and parses it strictly.
func parseContextDoc(url string, data []byte, wantSHA256 string) (*loadedContext, error) {
	if wantSHA256 != "" {
		sum := sha256.Sum256(data)
		want, err := hex.DecodeString(wantSHA256)
		if err != nil || subtle.ConstantTimeCompare(sum[:], want) != 1 {
			return nil, &ProcessingError{Kind: ErrInvalidContext, Msg: fmt.Sprintf("context %q does not match its pinned SHA-256", truncate(url))}
		}
	}
	v, err := decodeJSON(data, jsonx.Limits{})
	if err != nil {
		return nil, &ProcessingError{Kind: ErrInvalidContext, Msg: fmt.Sprintf("context %q", truncate(url)), Cause: err}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &ProcessingError{Kind: ErrInvalidContext, Code: "invalid remote context", Msg: fmt.Sprintf("context %q is not a JSON object", truncate(url))}
	}
	if _, ok := m["@context"]; !ok {
		return nil, &ProcessingError{Kind: ErrInvalidContext, Code: "invalid remote context", Msg: fmt.Sprintf("context %q has no @context member", truncate(url))}
	}
	return &loadedContext{url: url, doc: m, scopedContainers: scopedContainerTerms(nil, m["@context"])}, nil
}
