package portalsim

// Shared fault injection for every demo portal (coding worklist, claim
// scrubber). Stable API — other portals in this package build on it:
//
//	f, err := NewFaults(FaultConfig{Seed: 1, Latency: 20 * time.Millisecond, FailRate: 0.2})
//	h := f.Middleware(mux, maintenancePage, errorPage) // http.Handler
//	f.SetLatency(d); f.SetFailRate(0.2); f.SetMaintenance(true)
//	f.Latency(); f.FailRate(); f.Maintenance()
//
// Middleware order: latency (cancelled with the request), then the
// maintenance page (503 + Retry-After, every path except /static/), then a
// random 5xx for FailRate of the requests (never for /static/: a CDN serves
// those). maintenance and failure render the pages; failure gets the
// status to answer in the request context (see FaultStatus).

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultConfig sets the initial fault knobs. Zero values mean no fault.
type FaultConfig struct {
	// Seed makes the sequence of failed requests reproducible.
	Seed int64
	// Latency is added to every request.
	Latency time.Duration
	// FailRate is the share of requests (0–1) answered with a 5xx.
	FailRate float64
	// Maintenance serves the maintenance page for every request.
	Maintenance bool
}

// Faults holds fault knobs that can change while a portal serves. It is
// safe for concurrent use.
type Faults struct {
	latency     atomic.Int64  // time.Duration
	failRate    atomic.Uint64 // math.Float64bits
	maintenance atomic.Bool

	mu  sync.Mutex
	rng *rand.Rand
}

// NewFaults validates cfg and returns the knobs.
func NewFaults(cfg FaultConfig) (*Faults, error) {
	f := &Faults{rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6661756c74))}
	if err := f.SetLatency(cfg.Latency); err != nil {
		return nil, err
	}
	if err := f.SetFailRate(cfg.FailRate); err != nil {
		return nil, err
	}
	f.SetMaintenance(cfg.Maintenance)
	return f, nil
}

// SetLatency changes the delay added to every request from now on.
func (f *Faults) SetLatency(d time.Duration) error {
	if err := validateLatency(d); err != nil {
		return err
	}
	f.latency.Store(int64(d))
	return nil
}

// SetFailRate changes the share of requests answered 5xx from now on.
func (f *Faults) SetFailRate(rate float64) error {
	if err := validateFailRate(rate); err != nil {
		return err
	}
	f.failRate.Store(math.Float64bits(rate))
	return nil
}

// SetMaintenance turns the maintenance page on or off.
func (f *Faults) SetMaintenance(on bool) { f.maintenance.Store(on) }

// Latency is the current added delay.
func (f *Faults) Latency() time.Duration { return time.Duration(f.latency.Load()) }

// FailRate is the current share of failed requests.
func (f *Faults) FailRate() float64 { return math.Float64frombits(f.failRate.Load()) }

// Maintenance reports whether the maintenance page is on.
func (f *Faults) Maintenance() bool { return f.maintenance.Load() }

type faultStatusKey struct{}

// FaultStatus is the status a failure page must answer with (500, 502 or
// 503), as chosen by Middleware; 503 when r did not come through it.
func FaultStatus(r *http.Request) int {
	if s, ok := r.Context().Value(faultStatusKey{}).(int); ok {
		return s
	}
	return http.StatusServiceUnavailable
}

// Middleware applies the knobs in front of next. maintenance renders the
// maintenance page and failure a random server error page; both must write
// the status themselves (503 for maintenance, FaultStatus for failure).
func (f *Faults) Middleware(next, maintenance, failure http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if d := f.Latency(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		static := strings.HasPrefix(r.URL.Path, "/static/")
		if !static && f.Maintenance() {
			rw.Header().Set("Retry-After", "600")
			maintenance.ServeHTTP(rw, r)
			return
		}
		if !static {
			if status := f.failure(); status != 0 {
				rw.Header().Set("Retry-After", "5")
				failure.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), faultStatusKey{}, status)))
				return
			}
		}
		next.ServeHTTP(rw, r)
	})
}

// failure draws whether this request fails and with which status; 0 means
// it does not.
func (f *Faults) failure() int {
	rate := f.FailRate()
	if rate <= 0 {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if rate < 1 && f.rng.Float64() >= rate {
		return 0
	}
	return []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[f.rng.IntN(3)]
}
