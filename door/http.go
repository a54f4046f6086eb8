package door

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/polity-id/polity/vc"
)

// Limits of the HTTP endpoint.
const (
	DefaultAddr       = "127.0.0.1:8787"
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 10 * time.Second
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 8 << 10
)

// Handler returns the door's HTTP API, for a QR scanner on the same device or
// local network:
//
//	GET  /challenge  {"challenge": "...", "domain": "<door id>", "expires": "<dateTimeStamp>"}
//	POST /check      body: the presentation (JSON, JWT or SD-JWT); answer: the Outcome JSON
//
// A denied check is still 200 with "allow": false; a body over the size cap is
// 413, a wrong method 405. A check-in that could not be logged is 500 after the
// outcome was decided, since the door must not admit unrecorded entries.
func (d *Door) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/challenge", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			httpError(w, http.StatusMethodNotAllowed, "use GET")
			return
		}
		c, exp := d.IssueChallenge()
		writeJSON(w, http.StatusOK, map[string]string{"challenge": c, "domain": d.id, "expires": vc.FormatDateTime(exp)})
	})
	mux.HandleFunc("/check", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			httpError(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(d.maxBytes)))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("presentation over %d bytes", d.maxBytes))
				return
			}
			httpError(w, http.StatusBadRequest, "cannot read the body")
			return
		}
		o, err := d.Check(r.Context(), body)
		if err != nil {
			httpError(w, http.StatusInternalServerError, "the check-in could not be recorded")
			return
		}
		writeJSON(w, http.StatusOK, o)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// Listen opens a TCP listener on addr ("" means DefaultAddr). Unless
// allowRemote is true, addr must be a loopback address, so a door is not exposed
// to the network by accident. Errors wrap ErrConfig.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: address %q: %w", ErrConfig, addr, err)
	}
	if !allowRemote {
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("%w: %q is not a loopback address", ErrConfig, addr)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return ln, nil
}

// shutdownTimeout is how long Serve waits for checks in flight.
var shutdownTimeout = 5 * time.Second

// Serve answers the HTTP API on ln until ctx is done, then shuts down
// gracefully (waiting up to five seconds for checks in flight) and returns nil.
// A connection that outlasts the wait is closed, and Serve returns
// context.DeadlineExceeded. The server has read, write and idle timeouts and a
// header size cap.
func (d *Door) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           d.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Shutdown leaves the connections it gave up on open: close them.
		srv.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
