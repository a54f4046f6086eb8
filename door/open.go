package door

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vc/status"
)

// Files and folders of a door directory.
const (
	FilePolicy    = "policy.json" // the policy, required ([policy.Parse])
	FileRegistry  = "registry"    // registry.json or registry.jwt: a trust registry, optional
	FileScores    = "scores.txt"  // "id score" lines, optional ([ReadScores])
	DirDIDs       = "dids"        // pinned DID documents, *.json
	DirStatus     = "status"      // cached status list credentials, *.json or *.jwt
	MaxFileBytes  = 8 << 20       // largest file read from a door directory
	MaxStatusDocs = 4096          // status list files read
)

// Open loads a door from a directory:
//
//	policy.json          the policy (required)
//	registry.json|.jwt   a trust registry added to the policy's issuers (optional)
//	dids/*.json          pinned DID documents of issuers and holders
//	status/*.json|*.jwt  cached status list credentials, matched by id
//	scores.txt           Sybil scores, "id score" a line (optional)
//
// did:key and did:jwk DIDs resolve without pinning; nothing is fetched. Status
// lists are verified when loaded: vc+jwt tokens (or JSON EnvelopedVerifiable-
// Credentials holding one) against the pinned DIDs, Data Integrity credentials
// with cfg.CredentialVerifier. Errors wrap ErrConfig.
func Open(ctx context.Context, dir, id string, cfg *Config) (*Door, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	data, err := readFile(filepath.Join(dir, FilePolicy))
	if err != nil {
		return nil, err
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, FilePolicy, err)
	}

	res := did.NewMultiResolver(&did.CacheConfig{Size: 1024})
	res.Register(key.Method, key.Resolver{})
	res.Register(jwk.Method, jwk.Resolver{})
	if st, err := os.Stat(filepath.Join(dir, DirDIDs)); err == nil && st.IsDir() {
		if _, err := res.PinDir(filepath.Join(dir, DirDIDs)); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, DirDIDs, err)
		}
	}
	cv := &credentialVerifier{resolver: res, di: cfg.CredentialVerifier, now: cfg.Now}
	if cv.di == nil {
		cv.di = vc.NewVerifier(vc.VerifierConfig{Resolver: res, Now: cfg.Now, IgnoreStatus: true})
	}

	for _, name := range []string{FileRegistry + ".json", FileRegistry + ".jwt"} {
		data, err := readFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r, err := policy.LoadRegistry(ctx, data, cfg.RegistryPublisher, cv)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, name, err)
		}
		p.Trust(r)
	}

	lists, err := loadStatusDir(ctx, filepath.Join(dir, DirStatus), cv)
	if err != nil {
		return nil, err
	}
	sl, err := NewStatusLists(lists...)
	if err != nil {
		return nil, err
	}

	var scores map[string]float64
	if data, err := readFile(filepath.Join(dir, FileScores)); err == nil {
		if scores, err = ReadScores(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("%s: %w", FileScores, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return New(id, Setup{Policy: p, Resolver: res, Status: sl, Scores: scores}, cfg)
}

// readFile reads at most MaxFileBytes; a missing file keeps fs.ErrNotExist.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: %w: %s", ErrConfig, ErrTooLarge, filepath.Base(path))
	}
	return data, nil
}

// loadStatusDir verifies and parses the status list credentials in dir.
func loadStatusDir(ctx context.Context, dir string, cv *credentialVerifier) ([]*status.ListCredential, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".jwt")) {
			names = append(names, e.Name())
		}
	}
	if len(names) > MaxStatusDocs {
		return nil, fmt.Errorf("%w: %w: more than %d status lists", ErrConfig, ErrTooLarge, MaxStatusDocs)
	}
	sort.Strings(names)
	var out []*status.ListCredential
	for _, name := range names {
		data, err := readFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		r, err := cv.Verify(ctx, data)
		if errors.Is(err, vc.ErrExpired) {
			// A stale list is left out: the credentials it covers get their
			// status check skipped, which a policy with requireStatus denies.
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s/%s: %w", ErrConfig, DirStatus, name, err)
		}
		l, err := status.ParseListCredential(r.Credential.Raw(), status.Limits{})
		if err != nil {
			return nil, fmt.Errorf("%w: %s/%s: %w", ErrConfig, DirStatus, name, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// credentialVerifier verifies the credentials a door directory holds: vc+jwt
// tokens (bare or in an EnvelopedVerifiableCredential) with package vc/jose,
// and Data Integrity credentials with di.
type credentialVerifier struct {
	resolver did.Resolver
	di       policy.CredentialVerifier
	now      func() time.Time
}

// Verify implements policy.CredentialVerifier.
func (v *credentialVerifier) Verify(ctx context.Context, raw []byte) (*vc.Result, error) {
	raw = bytes.TrimSpace(raw)
	token := string(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var probe struct {
			ID    string          `json:"id"`
			Type  json.RawMessage `json:"type"`
			Proof json.RawMessage `json:"proof"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
		}
		if probe.Proof != nil {
			if v.di == nil {
				return nil, fmt.Errorf("%w: no Data Integrity verifier configured", ErrUnsupported)
			}
			return v.di.Verify(ctx, raw)
		}
		e := vc.Envelope{ID: probe.ID}
		mt, data, err := e.Data()
		if err != nil || mt != jose.MediaTypeVC {
			return nil, fmt.Errorf("%w: neither a Data Integrity credential nor an enveloped vc+jwt", vc.ErrMalformed)
		}
		token = string(data)
	}
	jv, err := jose.VerifyCredential(ctx, token, &jose.VerifyOptions{Resolver: v.resolver, Now: v.now})
	if err != nil {
		return nil, err
	}
	c, err := vc.ParseCredential(jv.Document)
	if err != nil {
		return nil, err
	}
	r := &vc.Result{Format: vc.FormatJOSE, Credential: c}
	r.Record(vc.CheckNameStructure, nil)
	r.Record(vc.CheckNameProof, nil)
	return r, r.Finish()
}
