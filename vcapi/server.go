// Package vcapi serves the W3C VC-API issuer and verifier endpoints over HTTP:
// POST /credentials/issue, /credentials/verify, /presentations/verify and /challenges.
//
// Start with New and Server.Serve (or Server.ListenAndServe): the server signs with
// one issuer key, behind a bearer token compared in constant time, and verifies with a
// vc.Verifier. Requests are capped in size and time, the HTTP server has read, write
// and idle timeouts, it shuts down gracefully when its context ends, and it logs each
// request with log/slog, never the body, keys or tokens.
//
// # Endpoints
//
//   - POST /credentials/issue {credential, options} → 201 {verifiableCredential}; needs
//     "Authorization: Bearer TOKEN" (401 otherwise).
//   - POST /credentials/verify {verifiableCredential, options} → 200 {verified, checks,
//     warnings, errors} when it verifies, 400 with the errors when not. The credential
//     is a JSON object (Data Integrity), an EnvelopedVerifiableCredential, or a
//     vc+jwt / SD-JWT string.
//   - POST /presentations/verify {verifiablePresentation, options {challenge, domain}}
//     → 200 or 400 like /credentials/verify, plus credentialResults. The
//     presentation is a JSON object (Data Integrity), an
//     EnvelopedVerifiablePresentation, or a vp+jwt / SD-JWT string; the holder's
//     proof must carry options.challenge (and options.domain when given). The
//     challenge is either one this server issued (POST /challenges), used up by the
//     first request whose holder proof verifies and refused afterwards or once
//     expired, or one the caller chose and gave the holder (VC-API leaves the
//     challenge to the party that requests the proof), checked against the proof;
//     the Verifier's replay check (vc.VerifierConfig.NonceStore) refuses a
//     presentation it accepted before, and the caller answers for the challenge's
//     freshness.
//   - POST /challenges → 200 {challenge}: a single-use challenge valid for
//     Config.ChallengeTTL. Challenges carry a tag under a key drawn when the server
//     starts, so the server tells its own from the caller's without a lookup.
//     After a restart, earlier challenges are refused with INVALID_CHALLENGE, as is
//     any caller's challenge of the same form (54 base64url characters).
//
// Error entries are {"code", "message"} with the codes of vc.Code and this
// package's Code constants. Unknown request options are reported as warnings and
// ignored.
package vcapi

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
)

// Defaults of Config's zero fields.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxDepth          = 64
	DefaultRequestTimeout    = 10 * time.Second
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultChallengeTTL      = 5 * time.Minute
	DefaultMaxChallenges     = 100_000
	DefaultMaxHeaderBytes    = 16 << 10

	// MinTokenBytes is the shortest bearer token New accepts.
	MinTokenBytes = 16
)

// Config configures a Server. The zero value verifies only (no issuing), with the
// defaults above and a vc.Verifier for did:key and did:jwk issuers.
type Config struct {
	// Key is the issuer's private key; nil disables /credentials/issue. It is secret
	// and never logged.
	Key *did.PrivateKey
	// IssuerDID and VerificationMethod name the issuer and its key; empty means the
	// key's did:key DID and method (see vc.IssueOptions).
	IssuerDID, VerificationMethod string
	// Suite is the proof suite of issued credentials; empty means the key type's default.
	Suite string
	// Token is the bearer token /credentials/issue requires; required with Key, at least
	// MinTokenBytes long. It is secret: compared in constant time and never logged.
	Token []byte

	// Verifier verifies credentials and presentations; nil means
	// vc.NewVerifier(vc.VerifierConfig{Contexts: Contexts}).
	Verifier *vc.Verifier
	// Contexts are extra JSON-LD contexts for issuing (and verifying with the default
	// Verifier).
	Contexts []vc.Context

	// Logger receives one record per request; nil means slog.Default().
	Logger *slog.Logger

	// MaxBodyBytes caps request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds the work on one request; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout configure the
	// http.Server of Serve; 0 means the defaults above.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// ChallengeTTL is how long a challenge stays valid; 0 means DefaultChallengeTTL.
	ChallengeTTL time.Duration
	// MaxChallenges caps outstanding challenges; 0 means DefaultMaxChallenges.
	MaxChallenges int
	// Now is the clock of challenges; nil means time.Now.
	Now func() time.Time
}

// Server is a VC-API server. Create one with New; it is safe for concurrent use.
type Server struct {
	cfg       Config
	tokenHash [32]byte
	verifier  *vc.Verifier
	log       *slog.Logger
	chal      *challenges
	mux       *http.ServeMux
}

// New returns a server for cfg. A key without a token, a token without a key, or a
// token shorter than MinTokenBytes gives ErrConfig.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Key != nil && len(cfg.Token) == 0:
		return nil, fmt.Errorf("%w: an issuing key needs a bearer token", ErrConfig)
	case cfg.Key == nil && len(cfg.Token) > 0:
		return nil, fmt.Errorf("%w: a bearer token without an issuing key", ErrConfig)
	case len(cfg.Token) > 0 && len(cfg.Token) < MinTokenBytes:
		return nil, fmt.Errorf("%w: the bearer token must have at least %d bytes", ErrConfig, MinTokenBytes)
	}
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.RequestTimeout = cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.ShutdownTimeout = cmp.Or(cfg.ShutdownTimeout, DefaultShutdownTimeout)
	cfg.ChallengeTTL = cmp.Or(cfg.ChallengeTTL, DefaultChallengeTTL)
	cfg.MaxChallenges = cmp.Or(cfg.MaxChallenges, DefaultMaxChallenges)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, verifier: cfg.Verifier, log: cfg.Logger}
	// Keep only a hash of the token, so the comparison takes the same time whatever its
	// length.
	s.tokenHash = sha256.Sum256(cfg.Token)
	s.cfg.Token = nil
	if s.verifier == nil {
		s.verifier = vc.NewVerifier(vc.VerifierConfig{Contexts: cfg.Contexts})
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.chal = newChallenges(cfg.MaxChallenges, cfg.ChallengeTTL, cfg.Now)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/credentials/issue", s.post(s.issue))
	s.mux.HandleFunc("/credentials/verify", s.post(s.verifyCredential))
	s.mux.HandleFunc("/presentations/verify", s.post(s.verifyPresentation))
	s.mux.HandleFunc("/challenges", s.post(s.challenge))
	return s, nil
}

// Handler returns the server's HTTP handler, with request logging.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		s.mux.ServeHTTP(rw, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rw.status), slog.Int64("bytes", rw.bytes),
			slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
	})
}

// ListenAndServe listens on addr (such as "127.0.0.1:8080") and serves until ctx ends;
// see Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops accepting,
// lets requests in flight finish for up to Config.ShutdownTimeout, and returns nil. If
// some connection outlasts that time it is closed and Serve returns
// context.DeadlineExceeded. Other errors are those of http.Server.Serve. ln is closed
// on return.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.log.Info("serving", slog.String("addr", ln.Addr().String()), slog.Bool("issuing", s.cfg.Key != nil))
	stopped := make(chan error, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
			defer cancel()
			stopped <- srv.Shutdown(sctx)
		case <-done:
		}
	})
	err := srv.Serve(ln)
	close(done)
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = <-stopped
		s.log.Info("stopped")
		if err != nil {
			srv.Close()
		}
		return err
	}
	return err
}

// statusWriter records the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// apiError is one entry of a response's "errors".
type apiError struct {
	Code    string `json:"code"`
	Check   string `json:"check,omitempty"`
	Message string `json:"message"`
}

// post wraps an endpoint: POST only, a capped body, a request timeout.
func (s *Server) post(h func(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeErrors(w, http.StatusMethodNotAllowed, apiError{Code: CodeMethodNotAllowed, Message: "use POST"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		if r.URL.Path == "/credentials/issue" && !s.authorized(w, r) {
			return
		}
		var buf bytes.Buffer
		_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeErrors(w, http.StatusRequestEntityTooLarge, apiError{Code: CodeTooLarge, Message: fmt.Sprintf("the body is larger than %d bytes", mbe.Limit)})
				return
			}
			writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: "could not read the body"})
			return
		}
		h(ctx, w, r, buf.Bytes())
	}
}

// authorized checks the bearer token in constant time and answers 401 or 404 itself.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Key == nil {
		writeErrors(w, http.StatusNotFound, apiError{Code: CodeIssuingDisabled, Message: "this server does not issue credentials"})
		return false
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	got := sha256.Sum256([]byte(tok))
	if subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) != 1 || !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="polity"`)
		writeErrors(w, http.StatusUnauthorized, apiError{Code: CodeUnauthorized, Message: "a valid bearer token is required"})
		return false
	}
	return true
}

// decodeBody checks body strictly and decodes its top-level members; members not in
// known are refused.
func (s *Server) decodeBody(w http.ResponseWriter, body []byte, known ...string) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	err := jsonx.Unmarshal(body, &m, jsonx.Limits{MaxBytes: int(s.cfg.MaxBodyBytes), MaxDepth: DefaultMaxDepth})
	if err != nil || m == nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: "the body must be one strict JSON object"})
		return nil, false
	}
	for k := range m {
		if !slices.Contains(known, k) {
			writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: fmt.Sprintf("unknown member %q", trim(k))})
			return nil, false
		}
	}
	return m, true
}

// options decodes an options object, returning the values of wanted and a warning for
// each other member.
func options(raw json.RawMessage, wanted ...string) (map[string]string, []string, error) {
	vals := map[string]string{}
	warnings := []string{}
	if len(raw) == 0 || string(raw) == "null" {
		return vals, warnings, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, errors.New("options must be an object")
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(wanted, k) {
			warnings = append(warnings, fmt.Sprintf("option %q is not supported and was ignored", trim(k)))
			continue
		}
		var v string
		if err := json.Unmarshal(m[k], &v); err != nil {
			return nil, nil, fmt.Errorf("option %q must be a string", k)
		}
		vals[k] = v
	}
	return vals, warnings, nil
}

func (s *Server) issue(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) {
	m, ok := s.decodeBody(w, body, "credential", "options")
	if !ok {
		return
	}
	cred := m["credential"]
	if len(cred) == 0 || cred[0] != '{' {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: "credential must be a JSON object"})
		return
	}
	_, warnings, err := options(m["options"])
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: err.Error()})
		return
	}
	signed, err := vc.Issue(ctx, []byte(cred), s.cfg.Key, vc.IssueOptions{
		Suite: s.cfg.Suite, IssuerDID: s.cfg.IssuerDID, VerificationMethod: s.cfg.VerificationMethod, Contexts: s.cfg.Contexts,
	})
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: vc.Code(err), Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		VC       json.RawMessage `json:"verifiableCredential"`
		Warnings []string        `json:"warnings,omitempty"`
	}{signed, warnings})
}

// report is the body of a verification response.
type report struct {
	Verified          bool       `json:"verified"`
	Checks            []string   `json:"checks"`
	Warnings          []string   `json:"warnings"`
	Errors            []apiError `json:"errors"`
	CredentialResults []report   `json:"credentialResults,omitempty"`
}

func newReport(r *vc.Result, warnings []string) report {
	out := report{Verified: r.Verified, Checks: []string{}, Warnings: warnings, Errors: []apiError{}}
	for _, c := range r.Checks {
		switch c.Status {
		case vc.Passed:
			out.Checks = append(out.Checks, c.Name)
		case vc.Failed:
			out.Errors = append(out.Errors, apiError{Code: vc.Code(c.Err), Check: c.Name, Message: c.Err.Error()})
		default:
			if c.Err != nil {
				out.Warnings = append(out.Warnings, fmt.Sprintf("%s check skipped: %v", c.Name, c.Err))
			}
		}
	}
	if r.ProofOnly {
		out.Warnings = append(out.Warnings, "only the proof was checked")
	}
	return out
}

// credentialBytes returns the secured form of a verifiableCredential member: the JSON
// object, the payload of an EnvelopedVerifiableCredential, or a compact token string.
func credentialBytes(raw json.RawMessage) ([]byte, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	case len(raw) > 0 && raw[0] == '{':
		var head struct {
			ID   string          `json:"id"`
			Type json.RawMessage `json:"type"`
		}
		if json.Unmarshal(raw, &head) == nil && bytes.Contains(head.Type, []byte(`"`+vc.TypeEnvelopedCredential+`"`)) {
			env := &vc.Envelope{ID: head.ID}
			_, data, err := env.Data()
			return data, err
		}
		return raw, nil
	}
	return nil, errors.New("verifiableCredential must be an object or a string")
}

// presentationBytes returns the secured form of a verifiablePresentation member: the
// JSON object of a Data Integrity presentation, the payload of an
// EnvelopedVerifiablePresentation, or a compact token string.
func presentationBytes(raw json.RawMessage) ([]byte, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || s == "" {
			return nil, errors.New("verifiablePresentation must be an object or a non-empty string")
		}
		return []byte(s), nil
	case len(raw) > 0 && raw[0] == '{':
		var head struct {
			ID   string          `json:"id"`
			Type json.RawMessage `json:"type"`
		}
		if json.Unmarshal(raw, &head) == nil && bytes.Contains(head.Type, []byte(`"`+typeEnvelopedPresentation+`"`)) {
			env := &vc.Envelope{ID: head.ID}
			_, data, err := env.Data()
			if err != nil {
				return nil, fmt.Errorf("verifiablePresentation: %w", err)
			}
			return data, nil
		}
		return raw, nil
	}
	return nil, errors.New("verifiablePresentation must be an object or a string")
}

// typeEnvelopedPresentation is the VCDM 2.0 type of an enveloped presentation.
const typeEnvelopedPresentation = "EnvelopedVerifiablePresentation"

func (s *Server) verifyCredential(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) {
	m, ok := s.decodeBody(w, body, "verifiableCredential", "options")
	if !ok {
		return
	}
	_, warnings, err := options(m["options"])
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: err.Error()})
		return
	}
	raw, err := credentialBytes(m["verifiableCredential"])
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: vc.Code(vc.ErrMalformed), Message: err.Error()})
		return
	}
	res, _ := s.verifier.Verify(ctx, raw)
	rep := newReport(res, warnings)
	status := http.StatusOK
	if !rep.Verified {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, rep)
}

func (s *Server) verifyPresentation(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) {
	m, ok := s.decodeBody(w, body, "verifiablePresentation", "options")
	if !ok {
		return
	}
	opts, warnings, err := options(m["options"], "challenge", "domain")
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: err.Error()})
		return
	}
	vp, err := presentationBytes(m["verifiablePresentation"])
	if err != nil {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeBadRequest, Message: err.Error()})
		return
	}
	challenge := opts["challenge"]
	if challenge == "" {
		writeErrors(w, http.StatusBadRequest, apiError{Code: CodeInvalidChallenge, Message: "options.challenge is required: a challenge from POST /challenges or one the caller gave the holder"})
		return
	}
	state := s.chal.state(challenge)
	if !challengeUsable(w, state) {
		return
	}
	pr, _ := s.verifier.VerifyPresentation(ctx, vp, vc.PresentationOptions{Challenge: challenge, Domain: opts["domain"]})
	// A challenge issued here is used up by the first presentation whose holder
	// proof verifies, so that a forgery cannot spend it.
	if state == challengeLive && proofPassed(pr.Presentation) && !challengeUsable(w, s.chal.redeem(challenge)) {
		return
	}
	rep := newReport(pr.Presentation, warnings)
	for _, cr := range pr.Credentials {
		c := newReport(cr, []string{})
		rep.CredentialResults = append(rep.CredentialResults, c)
		for _, e := range c.Errors {
			e.Message = "credential: " + e.Message
			rep.Errors = append(rep.Errors, e)
		}
	}
	rep.Verified = pr.Verified
	status := http.StatusOK
	if !rep.Verified {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, rep)
}

// challengeUsable answers 400 INVALID_CHALLENGE for a challenge issued here that
// cannot be used, and reports whether it can.
func challengeUsable(w http.ResponseWriter, state challengeState) bool {
	msg := ""
	switch state {
	case challengeSpent:
		msg = "options.challenge was issued by this server and has been used"
	case challengeExpired:
		msg = "options.challenge was issued by this server and has expired"
	case challengeForeign:
		msg = "options.challenge has the form of a challenge from POST /challenges but was not issued by this server, or was issued before it restarted"
	default:
		return true
	}
	writeErrors(w, http.StatusBadRequest, apiError{Code: CodeInvalidChallenge, Message: msg})
	return false
}

// proofPassed reports whether the holder's proof of a presentation verified.
func proofPassed(r *vc.Result) bool {
	for _, c := range r.Checks {
		if c.Name == vc.CheckNameProof {
			return c.Status == vc.Passed
		}
	}
	return false
}

func (s *Server) challenge(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte) {
	if len(bytes.TrimSpace(body)) > 0 {
		if _, ok := s.decodeBody(w, body); !ok {
			return
		}
	}
	c := s.chal.issue()
	if c == "" {
		writeErrors(w, http.StatusTooManyRequests, apiError{Code: CodeTooManyRequests, Message: "too many outstanding challenges; try again later"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"challenge": c})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"code":"ERROR","message":"could not encode the response"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeErrors(w http.ResponseWriter, status int, errs ...apiError) {
	writeJSON(w, status, report{Checks: []string{}, Warnings: []string{}, Errors: errs})
}

// trim shortens an echoed member name.
func trim(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
