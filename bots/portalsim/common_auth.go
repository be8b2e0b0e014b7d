package portalsim

// Shared login for every demo portal: a password form, an optional TOTP
// second factor (RFC 6238, 6 digits, 30 s, SHA-1, ±1 step) and a session
// cookie. Stable API:
//
//	a, err := NewAuth(AuthConfig{Username: "coder", Password: "pw", TOTPSecret: secret,
//		Cookie: "wl_session", Home: "/worklist", SessionTTL: ttl, Now: now, LoginPage: render})
//	a.Register(mux)          // GET/POST /login, GET/POST /login/otp, GET /logout
//	mux.Handle("GET /x", a.Require(h))    // HTML pages: redirect to /login?next=…[&expired=1]
//	mux.Handle("GET /api/x", a.RequireAPI(h)) // JSON: 401 {"error": "..."}
//	sess, ok := SessionFrom(r) // inside a Require'd handler
//	a.CheckCSRF(r)           // form field CSRFField must equal the session's CSRF token
//	a.ExpireSessions()       // force every session to expire now
//	a.Sessions()             // the underlying *Sessions
//
//	secret := NewTOTPSecret(seed)   // deterministic base32 secret
//	code, err := TOTPCode(secret, time.Now())
//
// The second factor is checked against the wall clock (time.Now), never
// the portal's data clock, because the bot's authenticator uses real time.
// Without a TOTPSecret the portal asks for the password only.

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// CSRFField is the form field that carries a session's CSRF token.
const CSRFField = "csrf_token"

// Login steps, for LoginView.Step.
const (
	LoginStepPassword = "password"
	LoginStepOTP      = "otp"
)

// LoginView is what a portal's login page template receives.
type LoginView struct {
	Step   string // LoginStepPassword or LoginStepOTP
	Next   string // where to go after signing in (a local path)
	Error  string // shown as the error alert; "" for none
	Notice string // shown as an info alert (session expired); "" for none
}

// AuthConfig configures Auth. Zero values take the documented default.
type AuthConfig struct {
	Username, Password string // the one valid login (required)
	// TOTPSecret is the base32 secret of the second factor; "" disables it.
	TOTPSecret string
	// Cookie names the session cookie (required, distinct per portal).
	Cookie string
	// Home is where a login without a next address lands; default "/".
	Home string
	// SessionTTL is the idle timeout; default 30 minutes.
	SessionTTL time.Duration
	// Now is the clock sessions age on; default time.Now.
	Now func() time.Time
	// LoginPage renders the login form for a step (required). It must
	// write status itself.
	LoginPage func(rw http.ResponseWriter, r *http.Request, status int, v LoginView)
}

// Auth is a portal's login, second factor and sessions.
type Auth struct {
	cfg      AuthConfig
	sessions *Sessions
}

// NewAuth validates cfg and returns the login handlers.
func NewAuth(cfg AuthConfig) (*Auth, error) {
	switch {
	case cfg.Username == "" || cfg.Password == "":
		return nil, errors.New("portalsim: auth: username and password are required")
	case cfg.Cookie == "":
		return nil, errors.New("portalsim: auth: cookie name is required")
	case cfg.LoginPage == nil:
		return nil, errors.New("portalsim: auth: LoginPage is required")
	case cfg.SessionTTL < 0:
		return nil, errors.New("portalsim: auth: session TTL is negative")
	}
	if cfg.TOTPSecret != "" {
		if _, err := TOTPCode(cfg.TOTPSecret, time.Now()); err != nil {
			return nil, errors.New("portalsim: auth: TOTP secret is not valid base32")
		}
	}
	if cfg.Home == "" {
		cfg.Home = "/"
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = SessionTTLDefault
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Auth{cfg: cfg, sessions: NewSessions(cfg.SessionTTL, cfg.Now)}, nil
}

// Sessions returns the session store.
func (a *Auth) Sessions() *Sessions { return a.sessions }

// ExpireSessions forces every live session to expire now.
func (a *Auth) ExpireSessions() int { return a.sessions.ExpireAll() }

// Register adds the login, second-factor and logout routes to mux.
func (a *Auth) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", a.passwordForm)
	mux.HandleFunc("POST /login", a.password)
	mux.HandleFunc("GET /login/otp", a.otpForm)
	mux.HandleFunc("POST /login/otp", a.otp)
	mux.HandleFunc("GET /logout", a.logout)
}

type sessionKey struct{}

// SessionFrom returns the session of a request that passed Require or
// RequireAPI.
func SessionFrom(r *http.Request) (Session, bool) {
	s, ok := r.Context().Value(sessionKey{}).(Session)
	return s, ok
}

// session returns the request's live, fully signed-in session. expired
// reports a known session that lapsed; pending one that still owes the
// second factor.
func (a *Auth) session(r *http.Request) (s Session, ok, expired bool) {
	c, err := r.Cookie(a.cfg.Cookie)
	if err != nil {
		return Session{}, false, false
	}
	return a.sessions.Lookup(c.Value)
}

// Require sends requests without a signed-in session to the login form,
// remembering where they were going.
func (a *Auth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s, ok, expired := a.session(r)
		target := "/login?next=" + template.URLQueryEscaper(r.URL.RequestURI())
		switch {
		case ok && s.Pending:
			http.Redirect(rw, r, "/login/otp?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusFound)
		case ok:
			next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
		case expired:
			http.Redirect(rw, r, target+"&expired=1", http.StatusFound)
		default:
			http.Redirect(rw, r, target, http.StatusFound)
		}
	})
}

// RequireAPI answers 401 with a JSON error to requests without a
// signed-in session; a page's script decides where to send the user.
func (a *Auth) RequireAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s, ok, expired := a.session(r)
		if ok && !s.Pending {
			next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
			return
		}
		msg := "login required"
		if expired {
			msg = "session expired"
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(rw).Encode(map[string]string{"error": msg})
	})
}

// CheckCSRF reports whether a form post carries its session's CSRF token.
func (a *Auth) CheckCSRF(r *http.Request) bool {
	s, ok := SessionFrom(r)
	if !ok {
		return false
	}
	got := r.PostFormValue(CSRFField)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

func (a *Auth) passwordForm(rw http.ResponseWriter, r *http.Request) {
	v := LoginView{Step: LoginStepPassword, Next: a.safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("expired") != "" {
		v.Notice = "Your session has expired. Please sign in again."
	}
	a.cfg.LoginPage(rw, r, http.StatusOK, v)
}

func (a *Auth) password(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	next := a.safeNext(r.PostForm.Get("next"))
	if !a.credentialsMatch(r.PostForm.Get("username"), r.PostForm.Get("password")) {
		// Like most portals: same page, generic message, status 200.
		a.cfg.LoginPage(rw, r, http.StatusOK, LoginView{Step: LoginStepPassword, Next: next, Error: "Invalid username or password."})
		return
	}
	pending := a.cfg.TOTPSecret != ""
	if !a.startSession(rw, pending) {
		return
	}
	if pending {
		http.Redirect(rw, r, "/login/otp?next="+template.URLQueryEscaper(next), http.StatusSeeOther)
		return
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
}

func (a *Auth) otpForm(rw http.ResponseWriter, r *http.Request) {
	next := a.safeNext(r.URL.Query().Get("next"))
	if s, ok, _ := a.session(r); !ok || !s.Pending {
		http.Redirect(rw, r, "/login?next="+template.URLQueryEscaper(next), http.StatusFound)
		return
	}
	a.cfg.LoginPage(rw, r, http.StatusOK, LoginView{Step: LoginStepOTP, Next: next})
}

func (a *Auth) otp(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	next := a.safeNext(r.PostForm.Get("next"))
	s, ok, _ := a.session(r)
	if !ok || !s.Pending {
		http.Redirect(rw, r, "/login?next="+template.URLQueryEscaper(next), http.StatusSeeOther)
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	valid, err := totp.ValidateCustom(code, a.cfg.TOTPSecret, time.Now().UTC(), totpOpts)
	if err != nil || !valid {
		a.cfg.LoginPage(rw, r, http.StatusOK, LoginView{Step: LoginStepOTP, Next: next, Error: "Invalid verification code."})
		return
	}
	// A new token once fully signed in: the pre-factor token must not
	// become a session (fixation).
	a.sessions.End(s.Token)
	if !a.startSession(rw, false) {
		return
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
}

func (a *Auth) startSession(rw http.ResponseWriter, pending bool) bool {
	s, err := a.sessions.Create(a.cfg.Username, pending)
	if err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return false
	}
	http.SetCookie(rw, &http.Cookie{
		Name: a.cfg.Cookie, Value: s.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	return true
}

func (a *Auth) logout(rw http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(a.cfg.Cookie); err == nil {
		a.sessions.End(c.Value)
	}
	http.SetCookie(rw, &http.Cookie{Name: a.cfg.Cookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, "/login", http.StatusFound)
}

func (a *Auth) credentialsMatch(user, pass string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(a.cfg.Username))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(a.cfg.Password))
	return u&p == 1
}

// safeNext keeps post-login redirects on this site.
func (a *Auth) safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return a.cfg.Home
	}
	return next
}

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPCode returns the current 6-digit code for a base32 secret at t, as
// an authenticator app shows it.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// NewTOTPSecret derives a deterministic 160-bit base32 secret from seed,
// so a demo portal's enrolment is the same on every start.
func NewTOTPSecret(seed int64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seed))
	sum := sha256.Sum256(append([]byte("docket-portalsim-totp:"), b[:]...))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
}
