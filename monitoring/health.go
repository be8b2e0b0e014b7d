package monitoring

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Check is one readiness check; it returns nil when the dependency answers.
type Check func(ctx context.Context) error

// Health serves /healthz (the process is alive) and /readyz (every check
// passes). Checks run concurrently under a short deadline.
type Health struct {
	checks  map[string]Check
	timeout time.Duration
}

// NewHealth returns a Health with the named checks (e.g. "redis", "database").
func NewHealth(checks map[string]Check) *Health {
	return &Health{checks: checks, timeout: 2 * time.Second}
}

// Register adds the two endpoints to mux.
func (h *Health) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", h.serveReady)
}

// Ready runs every check and returns the failures by name.
func (h *Health) Ready(ctx context.Context) map[string]error {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	failed := map[string]error{}
	for name, check := range h.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := check(ctx); err != nil {
				mu.Lock()
				failed[name] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

func (h *Health) serveReady(w http.ResponseWriter, r *http.Request) {
	failed := h.Ready(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(failed) == 0 {
		fmt.Fprintln(w, "ready")
		return
	}
	names := make([]string, 0, len(failed))
	for n := range failed {
		names = append(names, n)
	}
	sort.Strings(names)
	w.WriteHeader(http.StatusServiceUnavailable)
	// Names only: error texts can carry addresses that are not the
	// caller's business.
	fmt.Fprintf(w, "not ready: %s\n", strings.Join(names, ", "))
}
