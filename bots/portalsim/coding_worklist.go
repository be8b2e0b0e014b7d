package portalsim

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed templates/coding_*.html static/*
var codingAssets embed.FS

// codingCookie names the coding worklist's session cookie.
const codingCookie = "wl_session"

// CodingWorklist is the simulated coding worklist portal. It is an
// http.Handler; it is safe for concurrent use, including the Set methods.
//
// Routes:
//
//	GET  /                          redirect to the worklist
//	GET  /login, POST /login        password form; GET/POST /login/otp the TOTP step
//	GET  /logout                    ends the session
//	GET  /worklist?page=&size=&status=&reason=
//	                                the worklist shell; a script renders the rows
//	                                from the JSON endpoint behind a spinner
//	GET  /api/worklist?page=&size=&status=&reason=
//	                                one page of rows as JSON (401 without a session)
//	GET  /accounts/{acct}           one account's detail page
//	POST /accounts/{acct}/notes     add a note (fields note, csrf_token)
//	POST /accounts/{acct}/route     route to a queue (fields queue, csrf_token)
//	POST /accounts/{acct}/release   release a hold reason (fields reason, csrf_token)
//	GET  /worklist/export.csv       every account as CSV
//	GET  /static/...                stylesheet
//
// Config.Variant adds the routes of coding_variant_pages.go.
type CodingWorklist struct {
	cfg     Config
	index   map[string]int // account number -> position in accounts
	auth    *Auth
	faults  *Faults
	tmpl    *template.Template
	handler http.Handler
	layout  atomic.Value // string
	silent  atomic.Value // SilentFaults

	mu       sync.RWMutex // guards accounts' mutable fields and actions
	accounts []account
	actions  []Action
}

// Action is one state change a portal user made, the ground truth tests
// check write-backs against.
type Action struct {
	Account string
	Kind    string // ActionAddNote, ActionRoute or ActionRelease
	Value   string // the note text, the queue or the hold reason code
	At      time.Time
}

// Action kinds.
const (
	ActionAddNote = "add_note"
	ActionRoute   = "route"
	ActionRelease = "release_hold"
)

// NewCodingWorklist validates cfg, generates the accounts and returns the
// portal.
func NewCodingWorklist(cfg Config) (*CodingWorklist, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tmpl, err := template.New("coding").Funcs(templateFuncs).ParseFS(codingAssets, "templates/coding_*.html")
	if err != nil {
		return nil, err
	}
	faults, err := NewFaults(FaultConfig{Seed: cfg.Seed, Latency: cfg.Latency, FailRate: cfg.FailRate, Maintenance: cfg.Maintenance})
	if err != nil {
		return nil, err
	}
	w := &CodingWorklist{
		cfg:      cfg,
		accounts: generate(cfg.Seed, cfg.Accounts, cfg.Now()),
		tmpl:     tmpl,
		faults:   faults,
	}
	w.layout.Store(cfg.Layout)
	w.silent.Store(cfg.Silent)
	markMalformed(w.accounts, cfg.Malformed)
	markBadNumbers(w.accounts, cfg.BadNumbers)
	w.index = make(map[string]int, len(w.accounts))
	for i := range w.accounts {
		w.index[w.accounts[i].Number] = i
	}
	w.auth, err = NewAuth(AuthConfig{
		Username: cfg.Username, Password: cfg.Password, TOTPSecret: cfg.TOTPSecret, Cookie: codingCookie,
		Home: "/worklist", SessionTTL: cfg.SessionTTL, Now: cfg.Now, LoginPage: w.loginPage,
	})
	if err != nil {
		return nil, err
	}
	w.routes()
	return w, nil
}

func (w *CodingWorklist) routes() {
	static, _ := fs.Sub(codingAssets, "static") // the embed pattern guarantees the directory
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/worklist", http.StatusFound)
	})
	w.auth.Register(mux)
	mux.Handle("GET /worklist", w.auth.Require(w.gate(http.HandlerFunc(w.worklist))))
	mux.Handle("GET /worklist/export.csv", w.auth.Require(w.gate(http.HandlerFunc(w.export))))
	mux.Handle("GET /api/worklist", w.auth.RequireAPI(http.HandlerFunc(w.apiWorklist)))
	mux.Handle("GET /accounts/{account}", w.auth.Require(w.gate(http.HandlerFunc(w.detail))))
	mux.Handle("POST /accounts/{account}/notes", w.auth.Require(http.HandlerFunc(w.addNote)))
	mux.Handle("POST /accounts/{account}/route", w.auth.Require(http.HandlerFunc(w.route)))
	mux.Handle("POST /accounts/{account}/release", w.auth.Require(http.HandlerFunc(w.release)))
	w.registerVariant(mux)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	w.handler = w.faults.Middleware(mux, http.HandlerFunc(w.maintenance), http.HandlerFunc(w.serverError))
}

// ServeHTTP applies the fault knobs, then serves the page.
func (w *CodingWorklist) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Cache-Control", "no-store")
	if s, ok := w.spec(); ok && s.frames {
		rw.Header().Set("X-Frame-Options", "SAMEORIGIN")
	} else {
		rw.Header().Set("X-Frame-Options", "DENY")
	}
	w.handler.ServeHTTP(rw, r)
}

// Accounts returns the ground truth in worklist order, with days since
// discharge and the bill-hold flag as of the portal clock now.
func (w *CodingWorklist) Accounts() []Account {
	now := w.cfg.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]Account, len(w.accounts))
	for i := range w.accounts {
		out[i] = w.accounts[i].at(now)
	}
	return out
}

// Account returns one account's ground truth.
func (w *CodingWorklist) Account(number string) (Account, bool) {
	i, ok := w.index[number]
	if !ok {
		return Account{}, false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.accounts[i].at(w.cfg.Now()), true
}

// Actions returns every state change made through the portal, oldest
// first.
func (w *CodingWorklist) Actions() []Action {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return append([]Action(nil), w.actions...)
}

// PageSize is the default number of worklist rows per page.
func (w *CodingWorklist) PageSize() int { return w.cfg.PageSize }

// SessionCookie names the portal's login session cookie (for Traffic).
func (w *CodingWorklist) SessionCookie() string { return codingCookie }

// Credentials returns the one valid login, for demos and tests.
func (w *CodingWorklist) Credentials() (username, password string) {
	return w.cfg.Username, w.cfg.Password
}

// TOTPSecret returns the base32 secret of the second factor ("" when the
// portal asks for none), for demos and tests: a bot's authenticator is
// enrolled with it.
func (w *CodingWorklist) TOTPSecret() string { return w.cfg.TOTPSecret }

// Layout returns the layout version served.
func (w *CodingWorklist) Layout() string { return w.layout.Load().(string) }

// SetLayout switches the markup version served from now on.
func (w *CodingWorklist) SetLayout(layout string) error {
	if err := validateLayout(layout); err != nil {
		return err
	}
	if w.cfg.Variant != "" && layout != LayoutV1 {
		return fmt.Errorf("portalsim: variant %q needs layout %s, not %s", w.cfg.Variant, LayoutV1, layout)
	}
	w.layout.Store(layout)
	return nil
}

// SetLatency changes the delay added to every request from now on.
func (w *CodingWorklist) SetLatency(d time.Duration) error { return w.faults.SetLatency(d) }

// SetFailRate changes the share of requests answered with a server error
// from now on.
func (w *CodingWorklist) SetFailRate(rate float64) error { return w.faults.SetFailRate(rate) }

// SetMaintenance turns the maintenance page on or off.
func (w *CodingWorklist) SetMaintenance(on bool) { w.faults.SetMaintenance(on) }

// ExpireSessions makes every live session expire now, as if the portal
// had restarted; it returns how many there were.
func (w *CodingWorklist) ExpireSessions() int { return w.auth.ExpireSessions() }
