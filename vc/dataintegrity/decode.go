package dataintegrity

import (
	"fmt"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/vcerr"
)

// Document is a secured (or unsecured) document parsed for [VerifyDocument]: strict
// JSON (no duplicate member names, valid UTF-8, within [DocumentLimits]) whose top
// level is an object. Parse one with [ParseDocument] when the bytes are also needed
// elsewhere, so that they are decoded once; [Verify] does both steps. A Document is
// never modified by this package and is safe for concurrent use.
type Document struct {
	m map[string]any
}

// DocumentLimits bounds the documents ParseDocument accepts. A zero field, or one
// above the package maximum, means the maximum: MaxDocumentBytes, MaxDocumentDepth.
type DocumentLimits struct {
	MaxBytes int // JSON size in bytes
	MaxDepth int // nesting of objects and arrays
}

func (l DocumentLimits) jsonx() jsonx.Limits {
	if l.MaxBytes <= 0 || l.MaxBytes > MaxDocumentBytes {
		l.MaxBytes = MaxDocumentBytes
	}
	if l.MaxDepth <= 0 || l.MaxDepth > MaxDocumentDepth {
		l.MaxDepth = MaxDocumentDepth
	}
	return jsonx.Limits{MaxBytes: l.MaxBytes, MaxDepth: l.MaxDepth}
}

// ParseDocument parses data in one strict pass (internal/jsonx: duplicate member
// names, invalid UTF-8, lone surrogates, size and depth beyond lim are errors). Every
// error wraps vcerr.ErrMalformed and the jsonx kind. Numbers keep their text
// (json.Number), so that canonical forms see them exactly as written.
func ParseDocument(data []byte, lim DocumentLimits) (*Document, error) {
	m, err := decodeDocumentLimits(data, lim.jsonx())
	if err != nil {
		return nil, err
	}
	return &Document{m: m}, nil
}

// Members returns the document's top-level object as decoded (json.Number numbers),
// so that callers read it rather than decode the bytes again. It is shared: the
// caller must not modify it or anything it holds.
func (d *Document) Members() map[string]any {
	if d == nil {
		return nil
	}
	return d.m
}

// decodeDocument parses a document with the default limits.
func decodeDocument(data []byte) (map[string]any, error) {
	return decodeDocumentLimits(data, DocumentLimits{}.jsonx())
}

func decodeDocumentLimits(data []byte, lim jsonx.Limits) (map[string]any, error) {
	v, err := jsonx.Decode(data, lim)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: document is not a JSON object", vcerr.ErrMalformed)
	}
	return m, nil
}
