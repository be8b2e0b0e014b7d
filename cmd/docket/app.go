package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/inbox"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// app holds what every command builds from the configuration and closes
// what it opened, last opened first.
type app struct {
	cfg     Config
	log     *zap.Logger
	reg     *prometheus.Registry
	metrics *monitoring.Metrics
	// kinds are the record kinds of this process: the built-in ones and
	// those its portal packs declare (the pack loader replaces them).
	kinds   *orchestrator.KindRegistry
	packs   *flow.Library // openPacks
	stdout  io.Writer
	closers []func()
	// demo makes the routing default to the demo's (demorules.yaml) when
	// no rules_file is given.
	demo bool
}

func newApp(cfg Config, stdout io.Writer) (*app, error) {
	kinds := orchestrator.NewKindRegistry()
	log, err := monitoring.NewLogger(monitoring.LogConfig{Format: cfg.LogFormat, Level: cfg.LogLevel, Kinds: kinds})
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	reg := prometheus.NewRegistry()
	m, err := monitoring.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, log: log, reg: reg, metrics: m, kinds: kinds, stdout: stdout}, nil
}

func (a *app) onClose(f func()) { a.closers = append(a.closers, f) }

// close releases everything in reverse order of opening.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
	_ = a.log.Sync()
}

// openDB opens the system of record without migrating it.
func (a *app) openDB(ctx context.Context) (*sqlstore.Store, error) {
	if !strings.Contains(a.cfg.DatabaseURL, "://") {
		if err := makeDataDir(a.cfg.DataDir); err != nil {
			return nil, err
		}
	}
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: a.cfg.DatabaseURL})
	if err != nil {
		return nil, err
	}
	a.onClose(func() { _ = st.Close() })
	return st, nil
}

// openStore opens the system of record, applies pending migrations and
// records the configured bots.
func (a *app) openStore(ctx context.Context) (*sqlstore.Store, error) {
	st, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		return nil, err
	}
	if len(applied) > 0 {
		a.log.Info("database migrated", zap.Strings("versions", applied))
	}
	for _, b := range a.cfg.bots() {
		if err := st.UpsertBot(ctx, b); err != nil {
			return nil, fmt.Errorf("record bot %s: %w", b.Name, err)
		}
	}
	return st, nil
}

// openShared builds the app and opens what the long-running commands
// share: the migrated store and Redis (never embedded outside the demo).
// On error everything opened is closed again.
func openShared(ctx context.Context, cfg Config, stdout io.Writer) (*app, *sqlstore.Store, redis.UniversalClient, error) {
	a, err := newApp(cfg, stdout)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := a.openStore(ctx)
	if err == nil {
		var rdb redis.UniversalClient
		if rdb, err = a.openRedis(ctx, orDefault(cfg.RedisURL, redisURLDefault)); err == nil {
			return a, st, rdb, nil
		}
	}
	a.close()
	return nil, nil, nil, err
}

func (a *app) openEvidence(ctx context.Context, st orchestrator.Store) (*evidence.Store, error) {
	ev, err := evidence.Open(ctx, evidence.Config{URL: a.cfg.EvidenceURL}, st)
	if err != nil {
		return nil, err
	}
	a.onClose(func() { _ = ev.Close() })
	return ev, nil
}

// listen binds addr and serves h on it until the app closes; it returns
// the bound address (useful when addr ends in :0).
func (a *app) listen(addr string, h http.Handler) (string, error) {
	return a.serveHTTP(addr, a.secured(h))
}

// secured puts Docket's security headers on every response of h: pages,
// API, /metrics, /healthz, /readyz, 404s.
func (a *app) secured(h http.Handler) http.Handler {
	return inbox.SecurityHeaders(h, a.cfg.trustedProxies())
}

// serveHTTP serves h on addr until the app closes. Only the demo portals
// (simulations of someone else's site) use it without secured.
func (a *app) serveHTTP(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: monitoring.RequestLog(a.log.Named("http"), h), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server stopped", zap.String("addr", ln.Addr().String()), zap.Error(err))
		}
	}()
	a.onClose(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return ln.Addr().String(), nil
}

// opsMux serves /metrics, /healthz and /readyz.
func (a *app) opsMux(checks map[string]monitoring.Check) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", monitoring.Handler(a.reg))
	monitoring.NewHealth(checks).Register(mux)
	return mux
}

func redisCheck(rdb redis.UniversalClient) monitoring.Check {
	return func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
}

// workerName names this process in run records.
func (a *app) workerName() string {
	if a.cfg.Worker.Name != "" {
		return a.cfg.Worker.Name
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// exportFleetMetrics registers the collectors that read the system of
// record and the queues at scrape time. Only serve and demo call it, so
// one process exports them.
func (a *app) exportFleetMetrics(st orchestrator.Store, rdb redis.UniversalClient) error {
	sc := monitoring.StoreCollectorConfig{Queues: []string{orchestrator.QueueCoding, orchestrator.QueueCDI,
		orchestrator.QueueBilling, orchestrator.QueueRevenueIntegrity, orchestrator.QueueAutomation}}
	var infos []monitoring.BotInfo
	for _, b := range a.cfg.bots() {
		info := monitoring.BotInfo{Name: b.Name, Enabled: b.Enabled}
		if sched, err := tasks.ParseSchedule(b); err == nil && b.Schedule != "" {
			next := sched.Next(time.Now())
			info.Interval = sched.Next(next).Sub(next)
		}
		infos = append(infos, info)
	}
	queues, err := monitoring.NewQueueCollector(monitoring.QueueCollectorConfig{
		Inspector: asynq.NewInspectorFromRedisClient(rdb),
		Queues:    []string{tasks.QueueBots}, TaskTypes: []string{tasks.TypeBotRun, tasks.TypeWriteBack, tasks.TypeSLASweep},
		EnqueuedAt: func(t *asynq.TaskInfo) (time.Time, bool) {
			var p tasks.BotRunPayload
			if t.Type != tasks.TypeBotRun || json.Unmarshal(t.Payload, &p) != nil {
				return time.Time{}, false
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			run, err := st.Run(ctx, p.RunID)
			return run.QueuedAt, err == nil
		},
	})
	if err != nil {
		return err
	}
	reasons, err := a.taskReasons()
	if err != nil {
		return err
	}
	for _, c := range []prometheus.Collector{
		monitoring.NewItemsCollector(st.CountItems),
		monitoring.NewOutboxCollector(st.OutboxStats, nil),
		monitoring.NewWorkCollector(monitoring.WorkCollectorConfig{StoreCollectorConfig: sc, Items: st.Items, Registry: a.kinds}),
		monitoring.NewTaskCollector(monitoring.TaskCollectorConfig{StoreCollectorConfig: sc, Tasks: st.Tasks, Reasons: reasons}),
		monitoring.NewBotStateCollector(monitoring.BotStateConfig{StoreCollectorConfig: sc, Bots: infos, Runs: st.Runs}),
		queues,
	} {
		if err := a.metrics.Register(c); err != nil {
			return err
		}
	}
	return nil
}
