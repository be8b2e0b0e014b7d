package benchmark

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// countingRecorder keeps counts only, so the figures are the bot's and
// the browser's, not the database's.
type countingRecorder struct {
	mu       sync.Mutex
	records  int
	pages    int
	captures int
}

func (r *countingRecorder) Observe(context.Context, orchestrator.Observation) error {
	r.mu.Lock()
	r.records++
	r.mu.Unlock()
	return nil
}

func (r *countingRecorder) Capture(_ context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.captures++
	return orchestrator.Evidence{ID: int64(r.captures)}, nil
}

func (r *countingRecorder) PageRead(context.Context) error {
	r.mu.Lock()
	r.pages++
	r.mu.Unlock()
	return nil
}

func (r *countingRecorder) SelectorUsed(string, string, int) {}

// portal is one simulated portal serving a share of the job.
type portal struct {
	handler http.Handler
	target  bots.Target
	want    int
}

// startPortals serves total records split over n portals, so n contexts
// each read their own share.
func startPortals(b *testing.B, w workload, total, n int) []portal {
	b.Helper()
	var out []portal
	for i := range n {
		h, t, want, err := w.portal(int64(i+1), total/n)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		t.BaseURL = srv.URL
		out = append(out, portal{handler: h, target: t, want: want})
	}
	return out
}

// newPool starts a pool with n contexts.
func newPool(b *testing.B, n int) *bots.Pool {
	b.Helper()
	p, err := bots.NewPool(bots.PoolConfig{Contexts: n, Subreaper: true, StepTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Stop)
	return p
}

// runAll runs bot once per portal, concurrently, on sessions from pool
// (or, with pool nil, each on a browser launched for that run), and
// returns the records read.
func runAll(b *testing.B, bot bots.Bot, pool *bots.Pool, portals []portal) int {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, len(portals))
	total := 0
	var mu sync.Mutex
	for _, pt := range portals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := pool
			if p == nil {
				fresh, err := bots.NewPool(bots.PoolConfig{Subreaper: true, StepTimeout: time.Minute})
				if err == nil {
					err = fresh.Start(ctx)
				}
				if err != nil {
					errs <- err
					return
				}
				defer fresh.Stop()
				p = fresh
			}
			s, err := p.Session(ctx, pt.target)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			rec := &countingRecorder{}
			if err := bot.Run(ctx, s, rec); err != nil {
				errs <- fmt.Errorf("%s: %w", pt.target, err)
				return
			}
			if rec.records != pt.want {
				errs <- fmt.Errorf("%s: read %d records, want %d", pt.target, rec.records, pt.want)
				return
			}
			mu.Lock()
			total += rec.records
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return total
}

// rssOfGroup sums the resident memory (bytes) of every process in the
// process group pgid: chromium and its renderers.
func rssOfGroup(pgid int) int64 {
	var total int64
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces) start after ")".
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 22 {
			continue
		}
		if g, _ := strconv.Atoi(fields[2]); g != pgid {
			continue
		}
		pages, _ := strconv.ParseInt(fields[21], 10, 64)
		total += pages * int64(os.Getpagesize())
	}
	return total
}
