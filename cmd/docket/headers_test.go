package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/monitoring"
)

// /metrics, /healthz, /readyz and a 404 of every process carry the
// security headers, and HSTS comes only through a trusted TLS proxy.
func TestSecurityHeadersOnOpsEndpoints(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	cfg.TrustedProxies = "127.0.0.1, ::1"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	mux := a.opsMux(map[string]monitoring.Check{"database": func(context.Context) error { return nil },
		"redis": func(context.Context) error { return errors.New("down") }})
	addr, err := a.listen("127.0.0.1:0", mux)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/metrics", "/healthz", "/readyz", "/no-such-page"} {
		for _, proto := range []string{"", "https"} {
			req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
			if proto != "" {
				req.Header.Set("X-Forwarded-Proto", proto)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
				"Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin", "Cache-Control": "no-store"} {
				if h.Get(k) != v {
					t.Errorf("GET %s: %s = %q, want %q", path, k, h.Get(k), v)
				}
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Permissions-Policy") == "" {
				t.Errorf("GET %s: CSP %q, Permissions-Policy %q", path, h.Get("Content-Security-Policy"), h.Get("Permissions-Policy"))
			}
			if got := h.Get("Strict-Transport-Security") != ""; got != (proto == "https") {
				t.Errorf("GET %s with X-Forwarded-Proto %q from a trusted proxy: HSTS %v", path, proto, got)
			}
		}
	}
}

func TestTrustedProxiesSetting(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	if err := applyEnv(&cfg, []string{"DOCKET_TRUSTED_PROXIES=10.0.0.0/8, 192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if tp := cfg.trustedProxies(); len(tp) != 2 || tp[0].String() != "10.0.0.0/8" || tp[1].String() != "192.0.2.7/32" {
		t.Fatalf("trusted proxies %v", tp)
	}
	cfg.TrustedProxies = "10.0.0.0/33"
	var ce *ConfigError
	if err := cfg.validate(); !errors.As(err, &ce) || !strings.Contains(err.Error(), "trusted_proxies") {
		t.Fatalf("a bad prefix: %v, want a config error naming trusted_proxies", err)
	}
}
