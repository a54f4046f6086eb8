// Package fetch is Polity's bounded HTTPS GET: a size cap, a timeout, an address policy
// checked at dial time (no loopback, private, link-local, unspecified or multicast
// addresses unless allowed, so DNS rebinding cannot bypass it), no redirects to another
// host, and a content-type check. did:web and status-list fetching use it.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Errors returned by [Fetcher.Get], wrapped with context.
var (
	ErrBlockedAddress = errors.New("fetch: address blocked by policy")
	ErrTooLarge       = errors.New("fetch: response too large")
	ErrNotFound       = errors.New("fetch: not found")
	ErrStatus         = errors.New("fetch: unexpected HTTP status")
	ErrContentType    = errors.New("fetch: unexpected content type")
	ErrFetch          = errors.New("fetch: request failed")
)

// Defaults for a zero [Config].
const (
	DefaultMaxBytes     = 1 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
)

// Config configures a [Fetcher]. The zero value is safe: public addresses only, 1 MiB,
// 10 seconds, 3 same-host redirects, any content type.
type Config struct {
	// Client is the base client. Its Transport, when set, must be an *http.Transport
	// (it is cloned and its dialer replaced) unless AllowPrivateAddresses is true.
	// Its Timeout and CheckRedirect are replaced. nil means a default transport.
	Client *http.Client
	// MaxBytes caps the response body. 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds each Get, on top of the caller's context. 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects caps redirects (which must stay on the same host and scheme).
	// 0 means DefaultMaxRedirects; negative means none.
	MaxRedirects int
	// AllowPrivateAddresses turns the address policy off (tests, intranets).
	AllowPrivateAddresses bool
	// Accept is sent as the Accept header when not empty.
	Accept string
	// MediaType, when not nil, must accept the response's media type (lower case,
	// parameters removed; "" when the header is missing).
	MediaType func(string) bool
}

// Fetcher performs bounded GETs. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
}

// Response is a successful GET.
type Response struct {
	URL       string // final URL after redirects
	MediaType string // lower case, without parameters
	Body      []byte
}

// New returns a Fetcher for cfg.
func New(cfg Config) (*Fetcher, error) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	var c http.Client
	if cfg.Client != nil {
		c = *cfg.Client
	}
	switch t := c.Transport.(type) {
	case nil:
		c.Transport = guard(http.DefaultTransport.(*http.Transport).Clone(), cfg.AllowPrivateAddresses)
	case *http.Transport:
		c.Transport = guard(t.Clone(), cfg.AllowPrivateAddresses)
	default:
		if !cfg.AllowPrivateAddresses {
			return nil, fmt.Errorf("%w: a custom http.RoundTripper cannot enforce the address policy", ErrBlockedAddress)
		}
	}
	c.Timeout = 0 // the context carries the deadline
	max := cfg.MaxRedirects
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if max < 0 || len(via) > max {
			return fmt.Errorf("%w: too many redirects", ErrFetch)
		}
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
			return fmt.Errorf("%w: redirect to another host or scheme", ErrBlockedAddress)
		}
		return nil
	}
	return &Fetcher{cfg: cfg, client: &c}, nil
}

// guard installs the dial-time address check.
func guard(t *http.Transport, allowPrivate bool) *http.Transport {
	if allowPrivate {
		return t
	}
	t.Proxy = nil // a proxy would hide the real destination
	t.DialTLSContext = nil
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: control}
	t.DialContext = d.DialContext
	return t
}

func control(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrBlockedAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || Blocked(ip) {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, host)
	}
	return nil
}

var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "64:ff9b:1::/48",
		"2001:db8::/32", "2002::/16", "100::/64",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Blocked reports whether the address policy refuses ip: anything but global unicast,
// private (RFC 1918, fc00::/7), shared (100.64/10), documentation, benchmarking,
// reserved, NAT64 and 6to4 ranges.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() ||
		ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Get fetches rawURL (https only) within the configured limits. HTTP 404 and 410 give
// [ErrNotFound]; other non-200 statuses [ErrStatus].
func (f *Fetcher) Get(ctx context.Context, rawURL string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%w: not an https URL without credentials", ErrFetch)
	}
	if !f.cfg.AllowPrivateAddresses {
		if ip, err := netip.ParseAddr(u.Hostname()); err == nil && Blocked(ip) {
			return nil, fmt.Errorf("%w: %s", ErrBlockedAddress, ip)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	if f.cfg.Accept != "" {
		req.Header.Set("Accept", f.cfg.Accept)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrBlockedAddress) {
			return nil, fmt.Errorf("%w: %s", ErrBlockedAddress, u.Host)
		}
		return nil, fmt.Errorf("%w: GET %s: %w", ErrFetch, u.Host, unwrapURLError(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("%w: GET %s: HTTP %d", ErrNotFound, u.Host, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: GET %s: HTTP %d", ErrStatus, u.Host, resp.StatusCode)
	}
	mt := ""
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err = mime.ParseMediaType(ct)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed Content-Type", ErrContentType)
		}
	}
	if f.cfg.MediaType != nil && !f.cfg.MediaType(mt) {
		return nil, fmt.Errorf("%w: %q", ErrContentType, mt)
	}
	if resp.ContentLength > f.cfg.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes over %d", ErrTooLarge, resp.ContentLength, f.cfg.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %w", ErrFetch, err)
	}
	if err := ctx.Err(); err != nil {
		// The transport can report a clean end of a body cut short by the
		// deadline; a body that was still arriving is never complete.
		return nil, fmt.Errorf("%w: reading body: %w", ErrFetch, err)
	}
	if int64(len(body)) > f.cfg.MaxBytes {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, f.cfg.MaxBytes)
	}
	return &Response{URL: resp.Request.URL.String(), MediaType: mt, Body: body}, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
