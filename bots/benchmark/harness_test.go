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
	policy   string // evidence policy (orchestrator.EvidenceAll when empty)
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

func (r *countingRecorder) KeepsScreenshot(purpose string) bool {
	return orchestrator.KeepsScreenshot(r.policy, purpose)
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
// each read their own share; every request waits latency.
func startPortals(b *testing.B, w workload, total, n int, latency time.Duration) []portal {
	b.Helper()
	var out []portal
	for i := range n {
		h, t, want, err := w.portal(int64(i+1), total/n, latency)
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
// (or, with pool nil, each on a browser launched for that run) keeping
// evidence by policy, and returns the records read. As the task runner
// does, a run that ended well hands its session back with Keep.
func runAll(b *testing.B, bot bots.Bot, pool *bots.Pool, portals []portal, policy string) int {
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
			rec := &countingRecorder{policy: policy}
			if err := bot.Run(ctx, s, rec); err != nil {
				_ = s.Close()
				errs <- fmt.Errorf("%s: %w", pt.target, err)
				return
			}
			_ = s.Keep()
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

// groupMemory sums the memory of every process in the process group
// pgid (chromium and its renderers): resident (RSS, which counts the
// pages the processes share, such as chromium's own code, once in every
// process) and proportional (PSS, which splits each shared page among the
// processes mapping it, so the sum is what the group really holds).
func groupMemory(pgid int) (rss, pss int64) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		dir := filepath.Join("/proc", e.Name())
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
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
		rss += pages * int64(os.Getpagesize())
		rollup, _ := os.ReadFile(filepath.Join(dir, "smaps_rollup"))
		for _, line := range strings.Split(string(rollup), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				pss += kb << 10
			}
		}
	}
	return rss, pss
}
