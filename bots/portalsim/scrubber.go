package portalsim

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed templates/scrubber/*
var scrubberAssets embed.FS

// ClaimScrubber is the simulated clearinghouse claim scrubber. It is an
// http.Handler and safe for concurrent use, including the Set methods.
//
// Routes:
//
//	GET  /                          redirect to the batches
//	GET  /login, /login/otp         sign in (see Auth); GET /logout
//	GET  /batches?page=N            received claim files, newest first
//	GET  /batches/{batch}?page=N    the batch's claims with edits
//	GET  /claims/{claim}            claim header, diagnoses, lines and edits
//	POST /claims/{claim}/edits/{edit}/correct  mark an edit corrected (idempotent)
//	GET  /export/edits.csv          every edit as a CSV download
//	GET  /static/scrubber.css       stylesheet
type ClaimScrubber struct {
	cfg     ScrubberConfig
	batches []Batch // read-only after construction
	claims  []Claim // edit statuses change under mu
	first   []int   // index in claims of each batch's first claim
	byClaim map[string]int
	byBatch map[string]int
	auth    *Auth
	faults  *Faults
	tmpl    *template.Template
	handler http.Handler
	layout  atomic.Value // string

	mu           sync.RWMutex
	exportFaults []ExportFault
}

// NewClaimScrubber validates cfg, generates the claims and returns the
// portal.
func NewClaimScrubber(cfg ScrubberConfig) (*ClaimScrubber, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	faults, err := NewFaults(FaultConfig{Seed: cfg.Seed, Latency: cfg.Latency, FailRate: cfg.FailRate, Maintenance: cfg.Maintenance})
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("scrubber").Funcs(template.FuncMap{"money": money}).ParseFS(scrubberAssets, "templates/scrubber/*.html")
	if err != nil {
		return nil, err
	}
	s := &ClaimScrubber{cfg: cfg, faults: faults, tmpl: tmpl}
	s.layout.Store(cfg.Layout)
	s.batches, s.claims = scrubGenerate(cfg.Seed, cfg.Claims, cfg.Now())
	for i, at := range s.BadClaimPositions() {
		s.claims[at].ID = cfg.BadClaimIDs[i]
	}
	s.byClaim = make(map[string]int, len(s.claims))
	s.byBatch = make(map[string]int, len(s.batches))
	for i := range s.claims {
		s.byClaim[s.claims[i].ID] = i
	}
	at := 0
	for i, b := range s.batches {
		s.byBatch[b.ID] = i
		s.first = append(s.first, at)
		at += b.Claims
	}
	s.auth, err = NewAuth(AuthConfig{
		Username: cfg.Username, Password: cfg.Password, TOTPSecret: cfg.TOTPSecret, Cookie: scrubberCookie,
		Home: "/batches", SessionTTL: cfg.SessionTTL, Now: cfg.Now, LoginPage: s.loginPage,
	})
	if err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *ClaimScrubber) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/batches", http.StatusFound)
	})
	s.auth.Register(mux)
	mux.Handle("GET /batches", s.auth.Require(http.HandlerFunc(s.batchList)))
	mux.Handle("GET /batches/{batch}", s.auth.Require(http.HandlerFunc(s.claimList)))
	mux.Handle("GET /claims/{claim}", s.auth.Require(http.HandlerFunc(s.claimDetail)))
	mux.Handle("POST /claims/{claim}/edits/{edit}/correct", s.auth.Require(http.HandlerFunc(s.correct)))
	mux.Handle("GET /export/edits.csv", s.auth.Require(http.HandlerFunc(s.export)))
	mux.HandleFunc("GET /static/scrubber.css", s.stylesheet)
	s.handler = s.faults.Middleware(mux, http.HandlerFunc(s.maintenancePage), http.HandlerFunc(s.errorPage))
}

// ServeHTTP serves the portal behind its fault knobs.
func (s *ClaimScrubber) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("X-Frame-Options", "DENY")
	s.handler.ServeHTTP(rw, r)
}

// Claims returns the ground truth in list order (batch by batch), with
// edit ages as of the portal clock now.
func (s *ClaimScrubber) Claims() []Claim {
	now := s.cfg.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Claim, len(s.claims))
	for i := range s.claims {
		out[i] = s.claims[i].at(now)
	}
	return out
}

// Batches returns the claim files, newest first.
func (s *ClaimScrubber) Batches() []Batch { return append([]Batch(nil), s.batches...) }

// PageSize is the number of rows per list page.
func (s *ClaimScrubber) PageSize() int { return s.cfg.PageSize }

// Credentials returns the one valid login, for demos and tests.
func (s *ClaimScrubber) Credentials() (username, password string) {
	return s.cfg.Username, s.cfg.Password
}

// Faults returns the fault knobs (latency, failure rate, maintenance).
func (s *ClaimScrubber) Faults() *Faults { return s.faults }

// Auth returns the login and sessions, e.g. to expire sessions mid-run.
func (s *ClaimScrubber) Auth() *Auth { return s.auth }

// SetLatency changes the delay added to every request from now on.
func (s *ClaimScrubber) SetLatency(d time.Duration) error { return s.faults.SetLatency(d) }

// SetFailRate changes the share of requests answered 5xx from now on.
func (s *ClaimScrubber) SetFailRate(rate float64) error { return s.faults.SetFailRate(rate) }

// SetMaintenance turns the maintenance page on or off.
func (s *ClaimScrubber) SetMaintenance(on bool) { s.faults.SetMaintenance(on) }

// SetLayout switches the markup served from the next request on.
func (s *ClaimScrubber) SetLayout(layout string) error {
	if err := validateLayout(layout); err != nil {
		return err
	}
	s.layout.Store(layout)
	return nil
}

func (s *ClaimScrubber) currentLayout() string { return s.layout.Load().(string) }

// ExportFault makes the CSV export disagree with the screens for one
// edit, as a clearinghouse whose export lags its screens would.
type ExportFault struct {
	ClaimID, EditID string
	// Column is a CSV heading (see ScrubberExportColumns) whose value is
	// replaced by Value.
	Column, Value string
	// Omit leaves the edit out of the export instead.
	Omit bool
}

// ErrUnknownEdit is returned for a claim or edit the scrubber lacks.
var ErrUnknownEdit = errors.New("portalsim: no such claim edit")

// SetExportFaults replaces the export's faults; none restores a faithful
// export.
func (s *ClaimScrubber) SetExportFaults(faults ...ExportFault) error {
	for _, f := range faults {
		if _, ok := s.find(f.ClaimID, f.EditID); !ok {
			return fmt.Errorf("%w: %s:%s", ErrUnknownEdit, f.ClaimID, f.EditID)
		}
		if !f.Omit && scrubExportColumn(f.Column) < 0 {
			return fmt.Errorf("portalsim: export has no column %q", f.Column)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exportFaults = append([]ExportFault(nil), faults...)
	return nil
}

// MarkCorrected marks an edit corrected, as the page's button does. It is
// idempotent: the first correction's time stays.
func (s *ClaimScrubber) MarkCorrected(claimID, editID string) error {
	ci, ok := s.find(claimID, editID)
	if !ok {
		return fmt.Errorf("%w: %s:%s", ErrUnknownEdit, claimID, editID)
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.claims[ci].Edits {
		e := &s.claims[ci].Edits[i]
		if e.ID == editID && e.Status != EditCorrected {
			e.Status, e.Corrected = EditCorrected, dateOf(now)
		}
	}
	return nil
}

// find returns the index of the claim holding the edit.
func (s *ClaimScrubber) find(claimID, editID string) (int, bool) {
	ci, ok := s.byClaim[claimID]
	if !ok {
		return 0, false
	}
	for _, e := range s.claims[ci].Edits { // edit ids never change
		if e.ID == editID {
			return ci, true
		}
	}
	return 0, false
}
