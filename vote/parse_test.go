package vote

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func readVector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vote", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseVectors parses the example files of testdata/vote.
func TestParseVectors(t *testing.T) {
	for _, name := range []string{"proposal-routine.json", "proposal-quadratic.json"} {
		t.Run(name, func(t *testing.T) {
			p, err := ParseProposal(readVector(t, name))
			if err != nil {
				t.Fatal(err)
			}
			roundTripProposal(t, p)
		})
	}
	t.Run("governance.json", func(t *testing.T) {
		c, err := ParseConfig(readVector(t, "governance.json"))
		if err != nil {
			t.Fatal(err)
		}
		k := c.Classes["critical"]
		if k.QuorumFraction != (Fraction{1, 2}) || k.Threshold() != (Fraction{2, 3}) || k.StewardsRequired != 2 {
			t.Errorf("critical = %+v", k)
		}
		if c.Classes["routine"].Eligibility == nil {
			t.Error("routine class lost its eligibility policy")
		}
		roundTripConfig(t, c)
	})
}

// TestParseErrors checks that bad files give ErrMalformed, one row per rule.
func TestParseErrors(t *testing.T) {
	proposals := map[string]string{
		"duplicate-member":   `{"id":"p","id":"q","community":"did:example:c","options":["a","b"]}`,
		"unknown-member":     `{"id":"p","community":"did:example:c","options":["a","b"],"quorum":1}`,
		"missing-id":         `{"community":"did:example:c","options":["a","b"]}`,
		"one-option":         `{"id":"p","community":"did:example:c","options":["a"]}`,
		"duplicate-option":   `{"id":"p","community":"did:example:c","options":["a","a"]}`,
		"abstain-not-option": `{"id":"p","community":"did:example:c","options":["a","b"],"abstain":"c"}`,
		"bad-method":         `{"id":"p","community":"did:example:c","options":["a","b"],"method":"ranked"}`,
		"credits-not-qv":     `{"id":"p","community":"did:example:c","options":["a","b"],"credits":5}`,
		"closes-before":      `{"id":"p","community":"did:example:c","options":["a","b"],"opens":"2025-01-02T00:00:00Z","closes":"2025-01-01T00:00:00Z"}`,
		"no-time-zone":       `{"id":"p","community":"did:example:c","options":["a","b"],"opens":"2025-01-02T00:00:00"}`,
		"bad-policy":         `{"id":"p","community":"did:example:c","options":["a","b"],"eligibility":{"rules":[]}}`,
		"community-not-url":  `{"id":"p","community":"hall","options":["a","b"]}`,
	}
	for name, doc := range proposals {
		t.Run("proposal/"+name, func(t *testing.T) {
			if _, err := ParseProposal([]byte(doc)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
	configs := map[string]string{
		"no-classes":          `{"community":"did:example:c"}`,
		"bad-approval":        `{"classes":{"a":{"approval":"most"}}}`,
		"fraction-too-low":    `{"classes":{"a":{"approval":"supermajority","fraction":"1/2"}}}`,
		"fraction-majority":   `{"classes":{"a":{"fraction":"2/3"}}}`,
		"fraction-above-one":  `{"classes":{"a":{"quorumFraction":1.5}}}`,
		"fraction-exponent":   `{"classes":{"a":{"quorumFraction":1e-1}}}`,
		"m-above-n":           `{"classes":{"a":{"stewards":["did:example:a"],"stewardsRequired":2}}}`,
		"steward-not-did":     `{"classes":{"a":{"stewards":["https://a.example"],"stewardsRequired":1}}}`,
		"duplicate-steward":   `{"classes":{"a":{"stewards":["did:example:a","did:example:a"]}}}`,
		"negative-quorum":     `{"classes":{"a":{"quorum":-1}}}`,
		"class-not-object":    `{"classes":{"a":null}}`,
		"control-in-name":     "{\"classes\":{\"a\\u0007\":{}}}",
		"duplicate-class-key": `{"classes":{"a":{},"a":{}}}`,
	}
	for name, doc := range configs {
		t.Run("config/"+name, func(t *testing.T) {
			if _, err := ParseConfig([]byte(doc)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func roundTripProposal(t *testing.T, p *Proposal) {
	t.Helper()
	b1, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := ParseProposal(b1)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, b1)
	}
	b2, err := p2.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("round trip changed the proposal:\n%s\n%s", b1, b2)
	}
}

func roundTripConfig(t *testing.T, c *Config) {
	t.Helper()
	b1, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := ParseConfig(b1)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, b1)
	}
	b2, err := c2.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("round trip changed the config:\n%s\n%s", b1, b2)
	}
}

// FuzzParseProposal checks that ParseProposal never panics, fails only with
// ErrMalformed, and round-trips what it accepts.
func FuzzParseProposal(f *testing.F) {
	f.Add(readVector(f, "proposal-routine.json"))
	f.Add(readVector(f, "proposal-quadratic.json"))
	f.Add([]byte(`{"id":"p","community":"did:example:c","options":["a","b"],"closes":"2025-01-01T00:00:00-14:00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProposal(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		roundTripProposal(t, p)
	})
}

// FuzzParseConfig checks that ParseConfig never panics, fails only with ErrMalformed,
// and round-trips what it accepts.
func FuzzParseConfig(f *testing.F) {
	f.Add(readVector(f, "governance.json"))
	f.Add([]byte(`{"classes":{"a":{"quorumFraction":"0.25","electorate":8}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		roundTripConfig(t, c)
	})
}

// FuzzParseBallot checks that the ballot member parser never panics, fails only with
// ErrMalformed, and round-trips what it accepts.
func FuzzParseBallot(f *testing.F) {
	f.Add([]byte(`{"proposal":"p","choice":"yes","cast":"2025-03-01T10:00:00Z"}`))
	f.Add([]byte(`{"proposal":"p","votes":{"a":3,"b":-2},"cast":"2025-03-01T10:00:00+02:00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBallot(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		out, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		b2, err := parseBallot(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, _ := b2.MarshalJSON()
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the ballot:\n%s\n%s", out, out2)
		}
	})
}
