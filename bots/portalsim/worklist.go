package portalsim

import (
	"crypto/subtle"
	"embed"
	"html/template"
	"io/fs"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed templates/*.html static/*
var assets embed.FS

// CodingWorklist is the simulated coding worklist portal. It is an
// http.Handler; it is safe for concurrent use, including the Set methods.
//
// Routes:
//
//	GET  /                 redirect to the worklist
//	GET  /login            login form; POST /login signs in
//	GET  /logout           ends the session
//	GET  /worklist?page=N  the paginated worklist (page 1 by default)
//	GET  /accounts/{acct}  one account's detail page
//	GET  /static/...       stylesheet
type CodingWorklist struct {
	cfg      Config
	accounts []account      // generated once, read-only afterwards
	index    map[string]int // account number -> position in accounts
	sessions *sessions
	tmpl     *template.Template
	mux      *http.ServeMux

	latency  atomic.Int64  // time.Duration
	failRate atomic.Uint64 // math.Float64bits of the rate

	rngMu sync.Mutex
	rng   *rand.Rand // decides which requests fail
}

// NewCodingWorklist validates cfg, generates the accounts and returns the
// portal.
func NewCodingWorklist(cfg Config) (*CodingWorklist, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tmpl, err := template.New("portal").Funcs(templateFuncs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	w := &CodingWorklist{
		cfg:      cfg,
		accounts: generate(cfg.Seed, cfg.Accounts, cfg.Now()),
		sessions: newSessions(cfg.SessionTTL, cfg.Now),
		tmpl:     tmpl,
		rng:      rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6661756c74)),
	}
	w.index = make(map[string]int, len(w.accounts))
	for i := range w.accounts {
		w.index[w.accounts[i].Number] = i
	}
	w.latency.Store(int64(cfg.Latency))
	w.failRate.Store(math.Float64bits(cfg.FailRate))
	w.routes()
	return w, nil
}

func (w *CodingWorklist) routes() {
	static, _ := fs.Sub(assets, "static") // the embed pattern guarantees the directory
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/worklist", http.StatusFound)
	})
	mux.HandleFunc("GET /login", w.loginForm)
	mux.HandleFunc("POST /login", w.login)
	mux.HandleFunc("GET /logout", w.logout)
	mux.Handle("GET /worklist", w.requireLogin(w.worklist))
	mux.Handle("GET /accounts/{account}", w.requireLogin(w.detail))
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	w.mux = mux
}

// Accounts returns the ground truth in worklist order, with days since
// discharge and the bill-hold flag as of the portal clock now.
func (w *CodingWorklist) Accounts() []Account {
	now := w.cfg.Now()
	out := make([]Account, len(w.accounts))
	for i := range w.accounts {
		out[i] = w.accounts[i].at(now)
	}
	return out
}

// PageSize is the number of worklist rows per page.
func (w *CodingWorklist) PageSize() int { return w.cfg.PageSize }

// Credentials returns the one valid login, for demos and tests.
func (w *CodingWorklist) Credentials() (username, password string) {
	return w.cfg.Username, w.cfg.Password
}

// SetLatency changes the delay added to every request from now on.
func (w *CodingWorklist) SetLatency(d time.Duration) error {
	if err := validateLatency(d); err != nil {
		return err
	}
	w.latency.Store(int64(d))
	return nil
}

// SetFailRate changes the share of requests answered 503 from now on.
func (w *CodingWorklist) SetFailRate(rate float64) error {
	if err := validateFailRate(rate); err != nil {
		return err
	}
	w.failRate.Store(math.Float64bits(rate))
	return nil
}

// ServeHTTP applies the fault knobs, then serves the page.
func (w *CodingWorklist) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if d := time.Duration(w.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if w.shouldFail() {
		w.unavailable(rw)
		return
	}
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("X-Frame-Options", "DENY")
	w.mux.ServeHTTP(rw, r)
}

func (w *CodingWorklist) shouldFail() bool {
	rate := math.Float64frombits(w.failRate.Load())
	switch {
	case rate <= 0:
		return false
	case rate >= 1:
		return true
	}
	w.rngMu.Lock()
	defer w.rngMu.Unlock()
	return w.rng.Float64() < rate
}

func (w *CodingWorklist) unavailable(rw http.ResponseWriter) {
	rw.Header().Set("Retry-After", "30")
	w.render(rw, http.StatusServiceUnavailable, "maintenance.html", page{Title: "Service unavailable"})
}

// requireLogin sends requests without a live session to the login form,
// remembering where they were going.
func (w *CodingWorklist) requireLogin(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			ok, expired := w.sessions.touch(c.Value)
			if ok {
				next(rw, r)
				return
			}
			if expired {
				http.Redirect(rw, r, "/login?expired=1&next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusFound)
				return
			}
		}
		http.Redirect(rw, r, "/login?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusFound)
	})
}

func (w *CodingWorklist) credentialsMatch(user, pass string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(w.cfg.Username))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(w.cfg.Password))
	return u&p == 1
}
