package inbox

import "net/http"

// Security headers. Every response gets the baseline, whatever answered
// it (a page, the API, /metrics, /healthz, a 404, a static file,
// evidence): SecurityHeaders wraps the whole of a process's HTTP server,
// and the guard sets the same again for the routes it serves, so a Server
// mounted on a bare mux keeps them too.
const (
	// baselineCSP forbids everything: a response that is not a page has
	// no business running script, loading anything or being framed.
	baselineCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// pageCSP is what the pages need: their own stylesheet, images and
	// script files (keyboard shortcuts, live progress), forms posting to
	// the site, fetches of the site's own API; no inline script.
	pageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	// hsts is sent only over TLS (here or at a trusted proxy): a year,
	// subdomains included.
	hsts = "max-age=31536000; includeSubDomains"
)

// SecurityHeaders sets the baseline security headers on every response
// of next. HSTS is sent when the request came over TLS, to this server or
// to one of proxies that says so.
func SecurityHeaders(next http.Handler, proxies TrustedProxies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header(), proxies.HTTPS(r))
		next.ServeHTTP(w, r)
	})
}

// securityHeaders forbid framing, sniffing, referrers to other sites,
// opener access, cross-origin reads and caching (pages and answers carry
// patient data; the static handler alone allows caching). Handlers
// override Content-Security-Policy (pages, evidence) and Cache-Control
// (static files).
func securityHeaders(h http.Header, https bool) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", baselineCSP)
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), display-capture=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if https {
		h.Set("Strict-Transport-Security", hsts)
	}
}
