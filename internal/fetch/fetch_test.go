package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestBlocked(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
		"100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "64:ff9b::a00:1"} {
		if !Blocked(netip.MustParseAddr(s)) {
			t.Errorf("%s not blocked", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"} {
		if Blocked(netip.MustParseAddr(s)) {
			t.Errorf("%s blocked", s)
		}
	}
}

func TestGet(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprint(w, `{"ok":true}`)
		case "/big":
			fmt.Fprint(w, strings.Repeat("x", 2000))
		case "/gone":
			w.WriteHeader(http.StatusGone)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	f, err := New(Config{Client: srv.Client(), MaxBytes: 1000, AllowPrivateAddresses: true, MediaType: func(mt string) bool { return mt != "text/html" }})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.Get(context.Background(), srv.URL+"/ok")
	if err != nil || string(resp.Body) != `{"ok":true}` || resp.MediaType != "application/json" {
		t.Fatalf("%+v %v", resp, err)
	}
	for path, want := range map[string]error{"/big": ErrTooLarge, "/gone": ErrNotFound, "/teapot": ErrStatus, "/loop": ErrFetch} {
		if _, err := f.Get(context.Background(), srv.URL+path); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	if _, err := f.Get(context.Background(), strings.Replace(srv.URL, "https", "http", 1)+"/ok"); !errors.Is(err, ErrFetch) {
		t.Errorf("http: %v", err)
	}
	strict, _ := New(Config{Client: srv.Client()})
	if _, err := strict.Get(context.Background(), srv.URL+"/ok"); !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("loopback: %v", err)
	}
	if _, err := New(Config{Client: &http.Client{Transport: roundTripper{}}}); !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("custom transport: %v", err)
	}
}

type roundTripper struct{}

func (roundTripper) RoundTrip(*http.Request) (*http.Response, error) { return nil, errors.New("no") }
