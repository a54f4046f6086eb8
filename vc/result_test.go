package vc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/polity-id/polity/internal/vcerr"
)

func TestCode(t *testing.T) {
	sentinels := []struct {
		err  error
		code string
	}{
		{ErrMalformed, "MALFORMED"},
		{ErrUnknownContext, "UNKNOWN_CONTEXT"},
		{ErrUnsupportedSuite, "UNSUPPORTED_SUITE"},
		{ErrInvalidSignature, "INVALID_SIGNATURE"},
		{ErrUnresolvableDID, "UNRESOLVABLE_DID"},
		{ErrKeyNotAuthorized, "KEY_NOT_AUTHORIZED"},
		{ErrExpired, "EXPIRED"},
		{ErrNotYetValid, "NOT_YET_VALID"},
		{ErrRevoked, "REVOKED"},
		{ErrSuspended, "SUSPENDED"},
		{ErrUntrustedIssuer, "UNTRUSTED_ISSUER"},
		{ErrStatusUnknown, "STATUS_UNAVAILABLE"},
	}
	if len(sentinels) != len(vcerr.Kinds()) {
		t.Fatalf("%d sentinels tested, %d defined", len(sentinels), len(vcerr.Kinds()))
	}
	for _, s := range sentinels {
		t.Run(s.code, func(t *testing.T) {
			wrapped := fmt.Errorf("proof 0: %w", fmt.Errorf("%w: detail", s.err))
			if got := Code(wrapped); got != s.code {
				t.Errorf("Code = %q, want %q", got, s.code)
			}
			if !errors.Is(wrapped, s.err) {
				t.Error("errors.Is fails through wrapping")
			}
		})
	}
	if Code(nil) != "" || Code(context.Canceled) != "ERROR" {
		t.Errorf("Code(nil) = %q, Code(other) = %q", Code(nil), Code(context.Canceled))
	}
	joined := errors.Join(errors.New("plain"), fmt.Errorf("x: %w", ErrRevoked), ErrExpired)
	if Code(joined) != "REVOKED" {
		t.Errorf("Code(joined) = %q, want the first kind", Code(joined))
	}
}

func TestResult(t *testing.T) {
	var r Result
	r.Format = FormatDataIntegrity
	r.Record(CheckNameStructure, nil)
	r.Record(CheckNameContexts, nil)
	r.Record(CheckNameProof, nil)
	r.Record(CheckNameValidity, nil)
	r.Skip(CheckNameStatus, nil)
	r.Skip(CheckNameIssuer, nil)
	if err := r.Finish(); err != nil || !r.Verified {
		t.Fatalf("Finish = %v, Verified = %v", err, r.Verified)
	}
	out, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"verified":true,"checks":[{"name":"structure","status":"passed"},{"name":"contexts","status":"passed"},{"name":"proof","status":"passed"},{"name":"validity","status":"passed"},{"name":"status","status":"skipped"},{"name":"issuer","status":"skipped"}]}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestResultFailures(t *testing.T) {
	var r Result
	r.Record(CheckNameStructure, nil)
	r.Record(CheckNameContexts, nil)
	r.Record(CheckNameProof, fmt.Errorf("%w: proof 0", ErrInvalidSignature))
	r.Record(CheckNameValidity, &ValidityError{Field: "validUntil", Err: ErrExpired})
	r.Record(CheckNameStatus, fmt.Errorf("%w: index 94567", ErrRevoked))
	r.Verified = true // Finish must correct it
	err := r.Finish()
	if r.Verified || err == nil {
		t.Fatalf("Verified = %v, err = %v", r.Verified, err)
	}
	for _, kind := range []error{ErrInvalidSignature, ErrExpired, ErrRevoked} {
		if !errors.Is(err, kind) {
			t.Errorf("errors.Is(err, %v) = false", kind)
		}
	}
	if errors.Is(err, ErrSuspended) {
		t.Error("matches a kind that did not fail")
	}
	var ve *VerificationError
	if !errors.As(err, &ve) || len(ve.Failed) != 3 || Code(err) != "INVALID_SIGNATURE" {
		t.Fatalf("got %v (code %s)", err, Code(err))
	}
	var vd *ValidityError
	if !errors.As(err, &vd) || vd.Field != "validUntil" {
		t.Fatalf("errors.As ValidityError: %v", err)
	}

	var got struct {
		Verified bool `json:"verified"`
		Checks   []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
			Error  *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"checks"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	out, _ := json.Marshal(&r)
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Verified || got.Error == nil || got.Error.Code != "INVALID_SIGNATURE" || got.Error.Message == "" {
		t.Fatalf("got %s", out)
	}
	if c := got.Checks[4]; c.Name != "status" || c.Status != "failed" || c.Error == nil || c.Error.Code != "REVOKED" {
		t.Fatalf("status check: %s", out)
	}
	if got.Checks[0].Error != nil {
		t.Fatalf("passed check with an error: %s", out)
	}
}

func TestResultEmpty(t *testing.T) {
	var r Result
	if err := r.Finish(); err != nil || r.Verified {
		t.Fatalf("a result without a proof check must not be verified: %v %v", err, r.Verified)
	}
	out, _ := json.Marshal(&r)
	if string(out) != `{"verified":false,"checks":[]}` {
		t.Fatalf("got %s", out)
	}
}

func TestCheckStatusText(t *testing.T) {
	for _, s := range []CheckStatusKind{Skipped, Passed, Failed} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back CheckStatusKind
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Fatalf("%s: got %v, %v", b, back, err)
		}
	}
	if _, err := CheckStatusKind(9).MarshalText(); err == nil {
		t.Fatal("invalid status encoded")
	}
}
