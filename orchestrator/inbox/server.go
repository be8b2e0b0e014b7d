package inbox

import (
	"fmt"
	"html/template"
	"net/http"
	"sync/atomic"

	"github.com/docket-rpa/docket/orchestrator"
)

// Server is the web UI and JSON API. Build it with New and mount it with
// Register.
type Server struct {
	cfg       Config
	pages     map[string]*template.Template
	routes    []Route
	dummyHash string
	cop       *http.CrossOriginProtection
	// pruned is when stale login throttle rows were last deleted (Unix
	// nanoseconds).
	pruned atomic.Int64
	// refused bounds the audit entries of logins the throttle refused.
	refused refusedAudit
	// facetCache keeps the inbox's reason and payer options a while.
	facetCache facetCache
}

// New validates cfg, applies defaults and parses the templates.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(template.FuncMap{
		// runError is a run's error in words for people (one place for
		// every page that shows one).
		"runError": func(r orchestrator.Run) string { return orchestrator.RunErrorWords(cfg.Bots[r.Bot], r.Error) },
	})
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: pages, dummyHash: newDummyHash(cfg.PasswordCost), cop: http.NewCrossOriginProtection()}
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(deniedHeader, "cross-origin")
		s.deny(w, r, http.StatusForbidden, "cross-origin request refused")
	}))
	s.routes = s.table()
	for _, rt := range s.routes {
		if rt.Role != "" && !rt.Role.Valid() {
			return nil, fmt.Errorf("inbox: route %s %s: role %q", rt.Method, rt.Pattern, rt.Role)
		}
	}
	return s, nil
}

// Route is one registered route and the least role it needs ("" for a
// public route).
type Route struct {
	Method  string
	Pattern string
	Role    orchestrator.Role
	API     bool   // JSON API: answers 401/403 in JSON rather than redirecting
	Summary string // for the OpenAPI document
	handle  func(w http.ResponseWriter, r *http.Request, p *principal)
}

// Routes lists every route the server registers, in registration order.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Register mounts every route on mux, each behind the guard.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.guard(rt))
	}
	nf := s.notFoundRoute()
	mux.Handle(nf.Method+" "+nf.Pattern, s.guard(nf))
}

// Handler is a mux with only the server's routes (tests, embedding),
// behind SecurityHeaders.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return SecurityHeaders(mux, s.cfg.TrustedProxies)
}
