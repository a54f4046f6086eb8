package dataintegrity

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/internal/vcerr"
)

// Vectors: w3c/vc-di-eddsa and w3c/vc-di-ecdsa TestVectors, copied into
// testdata/di-eddsa and testdata/di-ecdsa (see SOURCE.txt there).
const (
	eddsaDir = "../../testdata/di-eddsa"
	ecdsaDir = "../../testdata/di-ecdsa"
)

func readVector(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSON(t testing.TB, parts ...string) map[string]any {
	t.Helper()
	m, err := decodeDocument(readVector(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readHex(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimSpace(string(readVector(t, parts...))))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keyPair reads a vector key pair file (publicKeyMultibase with privateKeyMultibase or
// secretKeyMultibase).
func keyPair(t testing.TB, parts ...string) *did.PrivateKey {
	t.Helper()
	var kp map[string]string
	if err := json.Unmarshal(readVector(t, parts...), &kp); err != nil {
		t.Fatal(err)
	}
	return keyPairFrom(t, kp)
}

func keyPairFrom(t testing.TB, kp map[string]string) *did.PrivateKey {
	t.Helper()
	sk := kp["privateKeyMultibase"]
	if sk == "" {
		sk = kp["secretKeyMultibase"]
	}
	priv, err := did.ParsePrivateMultikey(sk)
	if err != nil {
		t.Fatal(err)
	}
	if got := priv.Public().Multikey(); got != kp["publicKeyMultibase"] {
		t.Fatalf("key pair mismatch: %s", got)
	}
	return priv
}

// stageVector names the files of one "every stage" vector.
type stageVector struct {
	name      string
	dir       string
	unsigned  string // relative to the set dir
	keyFile   string // relative to the set dir
	suite     *suite
	config    string
	proofC    string // canonical proof configuration
	docC      string // canonical document
	proofHash string
	docHash   string
	combined  string
	sigHex    string // "" when absent
}

func stageVectors() []stageVector {
	e, c := eddsaDir, ecdsaDir
	std := func(name, set, dir, unsigned, key string, s *suite, suffix string, sig bool) stageVector {
		v := stageVector{name: name, dir: filepath.Join(set, dir), unsigned: filepath.Join(set, unsigned), keyFile: filepath.Join(set, key), suite: s,
			config: "proofConfig" + suffix + ".json", proofC: "proofCanon" + suffix + ".txt", docC: "canonDoc" + suffix + ".txt",
			proofHash: "proofHash" + suffix + ".txt", docHash: "docHash" + suffix + ".txt", combined: "combinedHash" + suffix + ".txt"}
		if sig {
			v.sigHex = "sigHex" + suffix + ".txt"
		}
		return v
	}
	vs := []stageVector{
		std("eddsa-rdfc-2022/alumni", e, "eddsa-rdfc-2022", "unsigned.json", "keyPair.json", suiteEdDSARDFC, "DataInt", true),
		std("eddsa-rdfc-2022/employ", e, "eddsa-rdfc-2022/employ", "employmentAuth.json", "keyPair.json", suiteEdDSARDFC, "DataInt", false),
		std("eddsa-jcs-2022/alumni", e, "eddsa-jcs-2022", "unsigned.json", "keyPair.json", suiteEdDSAJCS, "JCS", true),
		std("Ed25519Signature2020/alumni", e, "Ed25519Signature2020", "unsigned.json", "keyPair.json", suiteEd2020, "EdSig", false),
		std("ecdsa-rdfc-2019-p256/alumni", c, "ecdsa-rdfc-2019-p256", "unsigned.json", "p256KeyPair.json", suiteECDSARDFC, "ECDSAP256", true),
		std("ecdsa-rdfc-2019-p256/employ", c, "ecdsa-rdfc-2019-p256/employ", "employmentAuth.json", "p256KeyPair.json", suiteECDSARDFC, "ECDSAP256", false),
		std("ecdsa-rdfc-2019-p384/alumni", c, "ecdsa-rdfc-2019-p384", "unsigned.json", "p384KeyPair.json", suiteECDSARDFC, "ECDSAP384", true),
		std("ecdsa-rdfc-2019-p384/employ", c, "ecdsa-rdfc-2019-p384/employ", "employmentAuth.json", "p384KeyPair.json", suiteECDSARDFC, "ECDSAP384", false),
		std("ecdsa-jcs-2019-p256/alumni", c, "ecdsa-jcs-2019-p256", "unsigned.json", "p256KeyPair.json", suiteECDSAJCS, "JCSECDSAP256", true),
		std("ecdsa-jcs-2019-p384/alumni", c, "ecdsa-jcs-2019-p384", "unsigned.json", "p384KeyPair.json", suiteECDSAJCS, "JCSECDSAP384", false),
	}
	return vs
}

// TestVectorStages reproduces every intermediate value of the vectors: canonical
// proof configuration and document, their hashes, the combined hash, and the
// signature (Ed25519: byte for byte; ECDSA: verified).
func TestVectorStages(t *testing.T) {
	ctx := context.Background()
	p := jsonld.DefaultProcessor()
	for _, v := range stageVectors() {
		t.Run(v.name, func(t *testing.T) {
			key := keyPair(t, v.keyFile)
			kt := key.Type()
			doc := readJSON(t, v.unsigned)
			config := readJSON(t, v.dir, v.config)
			if v.suite == suiteEd2020 {
				// The legacy suite adds its context to the document.
				doc["@context"] = config["@context"]
			}
			pc, err := v.suite.canonical(ctx, p, kt, config, false)
			if err != nil {
				t.Fatalf("proof config: %v", err)
			}
			if want := readVector(t, v.dir, v.proofC); !bytes.Equal(pc, bytes.TrimRight(want, "\n")) && !bytes.Equal(pc, want) {
				t.Errorf("canonical proof config:\n got %s\nwant %s", pc, want)
			}
			dc, err := v.suite.canonical(ctx, p, kt, doc, false)
			if err != nil {
				t.Fatalf("document: %v", err)
			}
			// P-384 vectors label blank nodes with SHA-384 (ecdsa-rdfc-2019-p384/employ
			// has blank nodes, so it tells the two hashes apart).
			if want := readVector(t, v.dir, v.docC); !bytes.Equal(dc, want) && !bytes.Equal(dc, bytes.TrimRight(want, "\n")) {
				t.Errorf("canonical document:\n got %s\nwant %s", dc, want)
			}
			ph, dh := appendHash(nil, kt, pc), appendHash(nil, kt, dc)
			if want := readHex(t, v.dir, v.proofHash); !bytes.Equal(ph, want) {
				t.Errorf("proof hash %x, want %x", ph, want)
			}
			if want := readHex(t, v.dir, v.docHash); !bytes.Equal(dh, want) {
				t.Errorf("document hash %x, want %x", dh, want)
			}
			combined := append(ph, dh...)
			wantCombined := readHex(t, v.dir, v.combined)
			if !bytes.Equal(combined, wantCombined) {
				t.Errorf("combined hash %x, want %x", combined, wantCombined)
			}
			if v.sigHex == "" {
				return
			}
			wantSig := readHex(t, v.dir, v.sigHex)
			if kt == did.KeyEd25519 {
				sig, err := key.Sign(combined)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(sig, wantSig) {
					t.Errorf("signature %x, want %x", sig, wantSig)
				}
			} else if err := key.Public().Verify(wantCombined, wantSig); err != nil {
				t.Errorf("vector signature does not verify: %v", err)
			}
		})
	}
}

// signedVectors lists every signed document of the vectors.
var signedVectors = []struct{ name, path string }{
	{"eddsa-rdfc-2022/signedDataInt", eddsaDir + "/eddsa-rdfc-2022/signedDataInt.json"},
	{"eddsa-jcs-2022/signedJCS", eddsaDir + "/eddsa-jcs-2022/signedJCS.json"},
	{"proof-set-chain/signedProofSet1", eddsaDir + "/proof-set-chain/signedProofSet1.json"},
	{"proof-set-chain/signedProofSet2", eddsaDir + "/proof-set-chain/signedProofSet2.json"},
	{"proof-set-chain/signedProofChain1", eddsaDir + "/proof-set-chain/signedProofChain1.json"},
	{"proof-set-chain/signedProofChain2", eddsaDir + "/proof-set-chain/signedProofChain2.json"},
	{"ecdsa-rdfc-2019-p256/signedECDSAP256", ecdsaDir + "/ecdsa-rdfc-2019-p256/signedECDSAP256.json"},
	{"ecdsa-rdfc-2019-p384/signedECDSAP384", ecdsaDir + "/ecdsa-rdfc-2019-p384/signedECDSAP384.json"},
	{"ecdsa-jcs-2019-p256/signedJCSECDSAP256", ecdsaDir + "/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"},
}

// TestVerifySignedVectors: a proof-only check accepts every proof of every signed
// vector; full verification rejects them with KEY_NOT_AUTHORIZED, because their
// issuer (https://vc.example/issuers/5678) does not control the did:key signers.
func TestVerifySignedVectors(t *testing.T) {
	ctx := context.Background()
	env := &Env{}
	for _, v := range signedVectors {
		t.Run(v.name, func(t *testing.T) {
			doc := readVector(t, v.path)
			rep, err := Verify(ctx, doc, env, VerifyOptions{ProofOnly: true})
			if err != nil {
				t.Fatalf("proof-only: %v", err)
			}
			if !rep.OK() || rep.ControllerChecked {
				t.Fatalf("proof-only report: %+v", rep)
			}
			for _, r := range rep.Proofs {
				if r.Key == nil || r.Created.IsZero() || r.VerificationMethod == "" {
					t.Errorf("proof %d: incomplete result %+v", r.Index, r)
				}
			}
			rep, err = Verify(ctx, doc, env, VerifyOptions{})
			if !errors.Is(err, vcerr.ErrKeyNotAuthorized) || vcerr.Code(err) != vcerr.CodeKeyNotAuthorized {
				t.Fatalf("full verification: err = %v, want KEY_NOT_AUTHORIZED", err)
			}
			if rep == nil || rep.OK() || rep.Controller != "https://vc.example/issuers/5678" {
				t.Fatalf("full verification report: %+v", rep)
			}
			// Tampered claim.
			tampered := bytes.Replace(doc, []byte("The School of Examples"), []byte("The School of Exampler"), 1)
			if _, err := Verify(ctx, tampered, env, VerifyOptions{ProofOnly: true}); !errors.Is(err, vcerr.ErrInvalidSignature) {
				t.Fatalf("tampered: err = %v, want INVALID_SIGNATURE", err)
			}
		})
	}
}

// TestAddProofVectors reproduces the signed Ed25519 vectors with AddProof (same JSON
// value) and checks that ECDSA proofs made by AddProof verify.
func TestAddProofVectors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, unsigned, key, config, signed string
	}{
		{"eddsa-rdfc-2022/signedDataInt", eddsaDir + "/unsigned.json", eddsaDir + "/keyPair.json", eddsaDir + "/eddsa-rdfc-2022/proofConfigDataInt.json", eddsaDir + "/eddsa-rdfc-2022/signedDataInt.json"},
		{"eddsa-jcs-2022/signedJCS", eddsaDir + "/unsigned.json", eddsaDir + "/keyPair.json", eddsaDir + "/eddsa-jcs-2022/proofConfigJCS.json", eddsaDir + "/eddsa-jcs-2022/signedJCS.json"},
		{"ecdsa-rdfc-2019-p256/signedECDSAP256", ecdsaDir + "/unsigned.json", ecdsaDir + "/p256KeyPair.json", ecdsaDir + "/ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json", ecdsaDir + "/ecdsa-rdfc-2019-p256/signedECDSAP256.json"},
		{"ecdsa-rdfc-2019-p384/signedECDSAP384", ecdsaDir + "/unsigned.json", ecdsaDir + "/p384KeyPair.json", ecdsaDir + "/ecdsa-rdfc-2019-p384/proofConfigECDSAP384.json", ecdsaDir + "/ecdsa-rdfc-2019-p384/signedECDSAP384.json"},
		{"ecdsa-jcs-2019-p256/signedJCSECDSAP256", ecdsaDir + "/unsigned.json", ecdsaDir + "/p256KeyPair.json", ecdsaDir + "/ecdsa-jcs-2019-p256/proofConfigJCSECDSAP256.json", ecdsaDir + "/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"},
		{"ecdsa-jcs-2019-p384/proofConfigJCSECDSAP384", ecdsaDir + "/unsigned.json", ecdsaDir + "/p384KeyPair.json", ecdsaDir + "/ecdsa-jcs-2019-p384/proofConfigJCSECDSAP384.json", ""},
		{"Ed25519Signature2020/proofConfigEdSig", eddsaDir + "/unsigned.json", eddsaDir + "/keyPair.json", eddsaDir + "/Ed25519Signature2020/proofConfigEdSig.json", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := keyPair(t, c.key)
			opts := optionsFrom(t, readJSON(t, c.config))
			out, err := AddProof(ctx, readVector(t, c.unsigned), key, opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := mustDecode(t, out)
			if c.signed != "" {
				want := readJSON(t, c.signed)
				if key.Type() == did.KeyEd25519 {
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("signed document differs:\n got %s\nwant %s", out, readVector(t, c.signed))
					}
				} else {
					// Randomized signatures: equal up to proofValue.
					delete(got["proof"].(map[string]any), "proofValue")
					delete(want["proof"].(map[string]any), "proofValue")
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("signed document differs:\n got %s\nwant %s", out, readVector(t, c.signed))
					}
				}
			}
			if _, err := Verify(ctx, out, nil, VerifyOptions{ProofOnly: true}); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if c.signed == "" && key.Type() == did.KeyEd25519 {
				// Ed25519Signature2020: the proofValue is the signature of the vector's
				// combined hash.
				sig, _ := key.Sign(readHex(t, eddsaDir, "Ed25519Signature2020", "combinedHashEdSig.txt"))
				if pv := got["proof"].(map[string]any)["proofValue"]; pv != multi.EncodeBase58(sig) {
					t.Fatalf("proofValue %v, want signature of combinedHashEdSig", pv)
				}
			}
		})
	}
}

// TestProofSetChainVectors rebuilds the proof set and proof chain vectors step by
// step with AddProof and compares each signed document.
func TestProofSetChainVectors(t *testing.T) {
	ctx := context.Background()
	dir := eddsaDir + "/proof-set-chain"
	var kps map[string]map[string]string
	if err := json.Unmarshal(readVector(t, dir, "multiKeyPairs.json"), &kps); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ key, config, signed string }{
		{"keyPair1", "proofSetConfig1.json", "signedProofSet1.json"},
		{"keyPair2", "proofSetConfig2.json", "signedProofSet2.json"},
		{"keyPair3", "proofChainConfig1.json", "signedProofChain1.json"},
		{"keyPair4", "proofChainConfig2.json", "signedProofChain2.json"},
	}
	doc := readVector(t, dir, "unsigned.json")
	for _, s := range steps {
		key := keyPairFrom(t, kps[s.key])
		out, err := AddProof(ctx, doc, key, optionsFrom(t, readJSON(t, dir, s.config)), nil)
		if err != nil {
			t.Fatalf("%s: %v", s.signed, err)
		}
		if got, want := mustDecode(t, out), readJSON(t, dir, s.signed); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s differs:\n got %s", s.signed, out)
		}
		doc = out
	}
}

// optionsFrom turns a vector's proof configuration into Options.
func optionsFrom(t testing.TB, c map[string]any) Options {
	t.Helper()
	s := func(k string) string { v, _ := c[k].(string); return v }
	created, err := time.Parse(time.RFC3339, s("created"))
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Cryptosuite: s("cryptosuite"), VerificationMethod: s("verificationMethod"), ProofPurpose: s("proofPurpose"), Created: created, ID: s("id")}
	if c["type"] == Ed25519Signature2020 {
		o.Cryptosuite = Ed25519Signature2020
	}
	switch pp := c["previousProof"].(type) {
	case string:
		o.PreviousProof = []string{pp}
	case []any:
		for _, p := range pp {
			o.PreviousProof = append(o.PreviousProof, p.(string))
		}
	}
	return o
}

func mustDecode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	m, err := decodeDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
