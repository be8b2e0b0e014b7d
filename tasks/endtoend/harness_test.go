package endtoend

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/codingholds"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	_ "github.com/jackc/pgx/v5/stdlib" // drops the benchmark's schema
	"github.com/prometheus/client_golang/prometheus"
)

// postgresURL is the server the PostgreSQL scenarios use; it must be
// running (make bench starts it).
func postgresURL() string {
	if u := os.Getenv("DOCKET_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// countingRecorder keeps counts only: the bot alone.
type countingRecorder struct {
	policy   string
	mu       sync.Mutex
	records  int
	captures int
}

func (r *countingRecorder) Observe(context.Context, orchestrator.Observation) error {
	r.mu.Lock()
	r.records++
	r.mu.Unlock()
	return nil
}

func (r *countingRecorder) Capture(context.Context, orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.captures++
	return orchestrator.Evidence{ID: int64(r.captures)}, nil
}

func (r *countingRecorder) KeepsScreenshot(purpose string) bool {
	return orchestrator.KeepsScreenshot(r.policy, purpose)
}

func (r *countingRecorder) PageRead(context.Context) error   { return nil }
func (r *countingRecorder) SelectorUsed(string, string, int) {}

// portal is one demo coding worklist serving a context's share.
type portal struct {
	target bots.Target
	want   int
}

// startPortals serves total accounts split over n demo worklists with
// the demo's defaults (25 rows a page, the worklist's render delay, no
// second factor), every request delayed by latency.
func startPortals(b *testing.B, total, n int, latency time.Duration) []portal {
	b.Helper()
	var out []portal
	for i := range n {
		cw, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: int64(i + 1), Accounts: total / n, Latency: latency})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(cw)
		b.Cleanup(srv.Close)
		out = append(out, portal{want: total / n, target: bots.Target{Portal: fmt.Sprintf("coding-%d", i+1), BaseURL: srv.URL,
			Username: portalsim.UsernameDefault, Password: portalsim.PasswordDefault}})
	}
	return out
}

func newBot(b *testing.B) bots.Bot {
	b.Helper()
	layouts, err := packs.Layouts("coding-worklist")
	if err != nil {
		b.Fatal(err)
	}
	bot, err := codingholds.New(codingholds.Config{Layouts: layouts}) // as docket wires it
	if err != nil {
		b.Fatal(err)
	}
	return bot
}

func newPool(b *testing.B, n int) *bots.Pool {
	b.Helper()
	p, err := bots.NewPool(bots.PoolConfig{Contexts: n, Subreaper: true, StepTimeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		b.Fatalf("Chromium is required (make deps installs it): %v", err)
	}
	b.Cleanup(p.Stop)
	return p
}

// alone runs bot once per portal, concurrently, with a counting recorder
// and returns how long all took. As the runner does, a run that ended
// well keeps its session signed in.
func alone(b *testing.B, bot bots.Bot, pool *bots.Pool, portals []portal, policy string) time.Duration {
	b.Helper()
	start := time.Now()
	errs := make(chan error, len(portals))
	for _, pt := range portals {
		go func() {
			s, err := pool.Session(context.Background(), pt.target)
			if err != nil {
				errs <- err
				return
			}
			rec := &countingRecorder{policy: policy}
			if err := bot.Run(context.Background(), s, rec); err != nil {
				_ = s.Close()
				errs <- fmt.Errorf("%s: %w", pt.target, err)
				return
			}
			_ = s.Keep()
			if rec.records != pt.want {
				err = fmt.Errorf("%s: read %d records, want %d", pt.target, rec.records, pt.want)
			}
			errs <- err
		}()
	}
	for range portals {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// system is Docket behind the bot: store, file evidence, the example
// routing rules, and a task runner with its own metrics.
type system struct {
	store   *sqlstore.Store
	runner  *tasks.Runner
	reg     *prometheus.Registry
	portals []portal
}

// openStore opens a fresh store: SQLite in a file, or PostgreSQL in a
// schema of its own that is dropped afterwards.
func openStore(b *testing.B, db string) *sqlstore.Store {
	b.Helper()
	ctx := context.Background()
	cfg := sqlstore.Config{URL: filepath.Join(b.TempDir(), "docket.db")}
	if db == "postgres" {
		raw := make([]byte, 6)
		_, _ = rand.Read(raw)
		schema := "docket_bench_" + hex.EncodeToString(raw)
		cfg = sqlstore.Config{URL: postgresURL(), Schema: schema}
		b.Cleanup(func() {
			conn, err := sql.Open("pgx", postgresURL())
			if err == nil {
				_, err = conn.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
				_ = conn.Close()
			}
			if err != nil {
				b.Errorf("drop schema %s: %v", schema, err)
			}
		})
	}
	st, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		b.Fatalf("open %s store: %v", db, err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return st
}

func newSystem(b *testing.B, db string, bot bots.Bot, pool *bots.Pool, portals []portal, policy string) system {
	b.Helper()
	ctx := context.Background()
	st := openStore(b, db)
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(b.TempDir(), "evidence")}, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ev.Close() })
	router, err := rules.LoadFile("../../deploy/rules.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	items, err := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	ts, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: router.Queues(), Items: items})
	if err != nil {
		b.Fatal(err)
	}
	intake, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: st, Router: router, Tasks: ts, Items: items})
	if err != nil {
		b.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := monitoring.NewMetrics(reg)
	if err != nil {
		b.Fatal(err)
	}
	cfg := tasks.RunnerConfig{Store: st, Evidence: ev, Sessions: pool, Metrics: m, Intake: intake, Worker: "bench",
		Bots: map[string]orchestrator.Bot{}, Impls: map[string]bots.Bot{bot.Kind(): bot}, Targets: map[string]bots.Target{},
		EvidencePolicy: map[string]string{}}
	for _, p := range portals {
		name := "holds-" + p.target.Portal
		cfg.Bots[name] = orchestrator.Bot{Name: name, Kind: bot.Kind(), Portal: p.target.Portal, Enabled: true,
			MaxRetry: 0, Timeout: 10 * time.Minute}
		cfg.Targets[p.target.Portal] = p.target
		cfg.EvidencePolicy[name] = policy
	}
	runner, err := tasks.NewRunner(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return system{store: st, runner: runner, reg: reg, portals: portals}
}

// runs holds what the runs of one round recorded.
type runs struct {
	took                       time.Duration
	created, updated, unchange int
	tasks                      int // open human tasks after the round
}

// run runs every portal's bot once through the task runner, concurrently,
// and checks each run succeeded having recorded every account.
func (s system) run(b *testing.B, round string) runs {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	errs := make(chan error, len(s.portals))
	for _, p := range s.portals {
		go func() {
			payload := fmt.Sprintf(`{"bot":"holds-%s","run_id":"holds-%s@%s","slot":"manual"}`, p.target.Portal, p.target.Portal, round)
			errs <- s.runner.HandleBotRun(ctx, asynq.NewTask(tasks.TypeBotRun, []byte(payload)))
		}()
	}
	for range s.portals {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	out := runs{took: time.Since(start)}
	for _, p := range s.portals {
		r, err := s.store.Run(ctx, fmt.Sprintf("holds-%s@%s", p.target.Portal, round))
		if err != nil {
			b.Fatal(err)
		}
		if r.Status != orchestrator.RunSucceeded || r.Records != p.want {
			b.Fatalf("run %s: %s with %d records, want succeeded with %d", r.ID, r.Status, r.Records, p.want)
		}
		out.created += r.Created
		out.updated += r.Updated
		out.unchange += r.Unchanged
	}
	n, err := s.store.CountTasks(ctx, orchestrator.TaskFilter{Open: true}, 0)
	if err != nil {
		b.Fatal(err)
	}
	out.tasks = n
	return out
}

// stepSeconds sums the runner's step durations by step since the
// registry was made.
func (s system) stepSeconds(b *testing.B) map[string]float64 {
	b.Helper()
	fams, err := s.reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	sums := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "docket_bot_step_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "step" {
					sums[l.GetValue()] += m.GetHistogram().GetSampleSum()
				}
			}
		}
	}
	return sums
}
