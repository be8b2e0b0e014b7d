package inbox

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"time"

	"go.uber.org/zap"
)

// maxBody bounds every request body. A comment is at most a few KB; a form
// that is larger is malformed or hostile.
const maxBody = 64 << 10

// guard wraps a route: security headers, who is asking, the role check,
// the CSRF check for browser sessions, a body limit and a request log
// without patient data (the route pattern, never the URL or form).
func (s *Server) guard(rt Route) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		securityHeaders(sw.Header(), s.cfg.TrustedProxies.HTTPS(r))
		if !rt.API {
			sw.Header().Set("Content-Security-Policy", pageCSP)
		}
		var user string
		defer func() {
			// Refusals are security events; the rest is debug detail (the
			// server's own request log has every request).
			level, denied := zap.DebugLevel, sw.Header().Get(deniedHeader)
			if denied != "" {
				level = zap.InfoLevel
			}
			s.cfg.Logger.Log(level, "web request", zap.String("method", r.Method), zap.String("route", rt.Pattern),
				zap.Int("status", sw.status), zap.String("user", user), zap.String("denied", denied), zap.Duration("took", time.Since(start)))
		}()
		r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
		if unsafeMethod(r.Method) && !rt.API {
			// A malformed pair is dropped and the rest kept; the handler
			// then finds a field missing and says so. Only an oversized
			// body stops here.
			var mbe *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &mbe) {
				s.deny(sw, r, http.StatusRequestEntityTooLarge, "the form is larger than 64 KB; nothing was saved")
				return
			}
		}
		p, err := s.principalFrom(r)
		if err != nil {
			s.fail(sw, r, rt.API, err)
			return
		}
		if p != nil {
			user = p.User.Name
			r = r.WithContext(withPrincipal(r.Context(), p))
		}
		if rt.Role != "" {
			switch {
			case p == nil:
				sw.Header().Set(deniedHeader, "unauthenticated")
				s.unauthenticated(sw, r, rt.API)
				return
			case !p.Can(rt.Role):
				sw.Header().Set(deniedHeader, "role")
				s.deny(sw, r, http.StatusForbidden, "your role ("+string(p.User.Role)+") may not do this; it needs "+string(rt.Role))
				return
			case unsafeMethod(r.Method) && p.Session != nil && !csrfOK(r, p.Session.CSRFToken):
				sw.Header().Set(deniedHeader, "csrf")
				s.deny(sw, r, http.StatusForbidden, "the form expired or did not come from Docket; reload the page and try again")
				return
			}
		}
		rt.handle(sw, r, p)
	})
	return s.cop.Handler(h)
}

// deniedHeader says why the guard refused a request (unauthenticated,
// role, csrf, cross-origin), so clients and tests can tell a refusal from
// a handler's answer.
const deniedHeader = "X-Docket-Denied"

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfHeader carries the CSRF token for JSON calls made with a session.
const csrfHeader = "X-CSRF-Token"

// csrfField is the hidden form field with the CSRF token.
const csrfField = "csrf_token"

// csrfOK checks the synchronizer token from the header or the form.
func csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// unauthenticated sends pages to the login form (back here afterwards,
// for a GET) and API callers a 401.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="docket"`)
		writeJSONError(w, http.StatusUnauthorized, "unauthenticated", "log in or send an API token (Authorization: Bearer dkt_...)")
		return
	}
	target := "/login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
