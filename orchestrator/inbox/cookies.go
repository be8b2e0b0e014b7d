package inbox

import (
	"net/http"
	"time"
)

// sessionCookie names the session cookie. It holds a random token only;
// the server keeps the session.
const sessionCookie = "docket_session"

// secure reports whether cookies get the Secure flag: over TLS always,
// behind a trusted proxy that says the client used TLS, and on plain HTTP
// when configured.
func (s *Server) secure(r *http.Request) bool {
	return s.cfg.SecureCookies || s.cfg.TrustedProxies.HTTPS(r)
}

// setCookie sets an HTTP-only, SameSite=Lax cookie for the whole site.
// Lax (not Strict) so a link from e-mail to a task opens logged in; unsafe
// cross-site requests are refused by the CSRF checks anyway.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires, MaxAge: int(expires.Sub(s.cfg.Now()).Seconds()),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}
