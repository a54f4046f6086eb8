package dataintegrity

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/internal/canon"
)

// TestJCSEditsMatchInputs: the verifier's copy-free JCS inputs (jcsEdits written by
// canon.AppendJCSObject) serialize exactly as the unsecured document and proof
// configuration of inputs do, for every proof of every signed vector, read as a JCS
// proof, with and without previous proofs and a proof @context.
func TestJCSEditsMatchInputs(t *testing.T) {
	var files []string
	for _, dir := range []string{eddsaDir, ecdsaDir} {
		for _, pattern := range []string{"*.json", "*/*.json", "*/*/*.json"} {
			names, err := filepath.Glob(filepath.Join(dir, pattern))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, names...)
		}
	}
	checked := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := decodeDocument(data)
		if err != nil {
			continue
		}
		proofs, err := proofList(doc)
		if err != nil || len(proofs) == 0 {
			continue
		}
		for i, p := range proofs {
			for _, previous := range [][]any{nil, {proofs[0]}} {
				for _, pctx := range []bool{false, true} {
					p := p
					if pctx {
						p = withoutMember(p, "")
						p["@context"] = doc["@context"]
					} else {
						p = withoutMember(p, "@context")
					}
					unsecured, config, err := suiteEdDSAJCS.inputs(doc, p, previous)
					docEdits, cfgEdits, eerr := suiteEdDSAJCS.jcsEdits(doc, p, previous)
					if (err == nil) != (eerr == nil) {
						t.Fatalf("%s proof %d: inputs: %v, jcsEdits: %v", name, i, err, eerr)
					}
					if err != nil {
						continue
					}
					for _, c := range []struct {
						what  string
						m     map[string]any
						edits []canon.Member
						base  map[string]any
					}{{"configuration", config, cfgEdits, p}, {"document", unsecured, docEdits, doc}} {
						want, err := canon.JCSValue(c.m)
						if err != nil {
							t.Fatal(err)
						}
						got, err := canon.AppendJCSObject([]byte("x"), c.base, c.edits...)
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(got[1:], want) {
							t.Fatalf("%s proof %d %s:\ngot  %s\nwant %s", name, i, c.what, got[1:], want)
						}
					}
					checked++
				}
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d proofs compared", checked)
	}
}
