package dataintegrity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/vcerr"
)

// FuzzVerify: Verify never panics, and every error carries a vcerr kind. Seeds: every
// signed vector.
func FuzzVerify(f *testing.F) {
	for _, v := range signedVectors {
		f.Add(readVector(f, v.path))
	}
	f.Add([]byte(`{"proof":{}}`))
	f.Add([]byte(`{"proof":[{"type":"DataIntegrityProof","previousProof":["a","a"]}]}`))
	env := &Env{Now: func() time.Time { return testNow }}
	f.Fuzz(func(t *testing.T, doc []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rep, err := Verify(ctx, doc, env, VerifyOptions{ProofOnly: true})
		if err == nil {
			if !rep.OK() {
				t.Fatal("nil error but report not OK")
			}
			return
		}
		if vcerr.Find(err) == nil && ctx.Err() == nil {
			t.Fatalf("error without kind: %v", err)
		}
		if rep != nil && rep.OK() {
			t.Fatal("error but report OK")
		}
	})
}

// FuzzDecodeDocument: the document decoder agrees with jsonx.Decode (encoding/json)
// on every input jsonx accepts.
func FuzzDecodeDocument(f *testing.F) {
	for _, v := range signedVectors {
		f.Add(readVector(f, v.path))
	}
	f.Add([]byte(`{"a":"\ud800\u0041","b":"\ud83d\ude00","c":[1.5e3,-0,true,false,null,{}],"d":"\\\/\b\f\n\r\t\""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeDocument(data)
		want, werr := jsonx.Decode(data, jsonx.Limits{MaxBytes: MaxDocumentBytes, MaxDepth: MaxDocumentDepth})
		if werr != nil {
			if err == nil {
				t.Fatalf("accepted input jsonx rejects: %v", werr)
			}
			return
		}
		if _, isObj := want.(map[string]any); !isObj {
			if !errors.Is(err, vcerr.ErrMalformed) {
				t.Fatalf("non-object: err = %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected valid input: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(want)
			if !bytes.Equal(a, b) {
				t.Fatalf("decoded differently:\n got %s\nwant %s", a, b)
			}
		}
	})
}
