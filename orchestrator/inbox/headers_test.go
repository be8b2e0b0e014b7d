package inbox

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// wantHeaders are on every response, whatever answered it.
var wantHeaders = map[string]string{
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "same-origin",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
}

// checkSecurityHeaders fails unless resp has every baseline header, a CSP
// that forbids framing, a Permissions-Policy, no-store caching (static
// files excepted) and HSTS exactly when the request came over TLS.
func checkSecurityHeaders(t *testing.T, name string, resp *http.Response, https bool) {
	t.Helper()
	h := resp.Header
	for k, v := range wantHeaders {
		if h.Get(k) != v {
			t.Errorf("%s: %d: %s is %q, want %q", name, resp.StatusCode, k, h.Get(k), v)
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("%s: %d: CSP %q does not forbid framing", name, resp.StatusCode, h.Get("Content-Security-Policy"))
	}
	if !strings.Contains(h.Get("Permissions-Policy"), "camera=()") {
		t.Errorf("%s: %d: Permissions-Policy %q", name, resp.StatusCode, h.Get("Permissions-Policy"))
	}
	static := strings.HasPrefix(resp.Request.URL.Path, "/static/") && resp.StatusCode == http.StatusOK
	if cc := h.Get("Cache-Control"); (cc != "no-store") != static {
		t.Errorf("%s: %d: Cache-Control %q", name, resp.StatusCode, cc)
	}
	if got := h.Get("Strict-Transport-Security") != ""; got != https {
		t.Errorf("%s: %d: HSTS sent %v, want %v", name, resp.StatusCode, got, https)
	}
}

// Responses the route matrix does not send: unknown paths, wrong methods,
// a missing static file, a cross-origin refusal.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, _ := e.session("admin")
	for _, tc := range []struct{ method, path string }{
		{"GET", "/no/such/page"}, {"GET", "/api/v1/nothing"}, {"DELETE", "/inbox"}, {"GET", "/static/missing.css"},
		{"GET", "/static/style.css"}, {"HEAD", "/login"}, {"POST", "/login"}, {"GET", "/login?next=//evil.example"},
	} {
		req, _ := http.NewRequest(tc.method, e.http.URL+tc.path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		if tc.method == "POST" {
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, _ := do(t, e.client(), req)
		checkSecurityHeaders(t, tc.method+" "+tc.path, resp, false)
	}
}

// HSTS and Secure cookies come with TLS: to this server, or to a trusted
// proxy that says so. A forwarded proto from anyone else is ignored.
func TestHSTSAndSecureCookiesBehindProxy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ts := httptest.NewTLSServer(e.srv.Handler())
	defer ts.Close()
	c := ts.Client()
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test server
	req, _ := http.NewRequest("GET", ts.URL+"/healthz-is-not-here", nil)
	resp, _ := do(t, c, req)
	checkSecurityHeaders(t, "over TLS", resp, true)

	login := func(e *env) *http.Response {
		req := form(t, "POST", e.http.URL+"/login", map[string][]string{"name": {"viewer"}, "password": {"viewer-pass"}})
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, _ := do(t, e.client(), req)
		return resp
	}
	resp = login(e)
	checkSecurityHeaders(t, "untrusted X-Forwarded-Proto", resp, false)
	for _, ck := range resp.Cookies() {
		if ck.Secure {
			t.Errorf("cookie %s Secure on a forged X-Forwarded-Proto", ck.Name)
		}
	}
	proxied := newEnvWith(t, trustLoopback)
	resp = login(proxied)
	checkSecurityHeaders(t, "trusted X-Forwarded-Proto", resp, true)
	if len(resp.Cookies()) < 2 {
		t.Fatalf("login set %d cookies", len(resp.Cookies()))
	}
	for _, ck := range resp.Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s not Secure behind a trusted TLS proxy", ck.Name)
		}
	}
}
