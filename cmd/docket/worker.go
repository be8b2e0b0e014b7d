package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/polite"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// startWorker launches the browser pool and the asynq server that runs
// bots. The returned stop drains active runs, then closes the browser.
func (a *app) startWorker(ctx context.Context, st *sqlstore.Store, ev orchestrator.EvidenceStore, rdb redis.UniversalClient) (func(), error) {
	lib, err := a.openPacks(ctx, true)
	if err != nil {
		return nil, err
	}
	impls, err := botImpls(lib, a.cfg.bots())
	if err != nil {
		return nil, err
	}
	v, err := a.openVault(st, false)
	if err != nil {
		return nil, err
	}
	targets, err := a.resolveTargets(ctx, v)
	if err != nil {
		return nil, err
	}
	pace, err := polite.New(polite.Config{
		Client:  rdb,
		Default: polite.Limits{Sessions: a.cfg.Politeness.Sessions, RequestsPerSecond: a.cfg.Politeness.RequestsPerSecond},
		Portals: a.cfg.portalLimits(),
		Logger:  a.log,
		OnWait: func(portal, what string, d time.Duration) {
			a.metrics.PortalWait.WithLabelValues(portal, what).Observe(d.Seconds())
		},
		OnSessions: func(portal string, delta int) { a.metrics.PortalSessions.WithLabelValues(portal).Add(float64(delta)) },
	})
	if err != nil {
		return nil, err
	}
	pool, err := bots.NewPool(bots.PoolConfig{
		Politeness:    pace,
		Bin:           a.cfg.Worker.ChromiumPath,
		Contexts:      a.cfg.Worker.Concurrency,
		RecycleAfter:  a.cfg.Worker.RecycleAfter,
		StepTimeout:   a.cfg.Worker.StepTimeout,
		KeepIdle:      keepIdle(a.cfg.Worker.KeepSession),
		DataDir:       filepath.Join(a.cfg.DataDir, "browser"),
		Logger:        a.log.Named("browser"),
		Subreaper:     true, // reap chromium helpers orphaned when a browser exits
		OnRestart:     func(reason string) { a.metrics.BrowserRestarts.WithLabelValues(reason).Inc() },
		OnSessionWait: func(d time.Duration) { a.metrics.SessionWait.Observe(d.Seconds()) },
		OnLaunch:      func(d time.Duration) { a.metrics.BrowserLaunch.Observe(d.Seconds()) },
		OnSession:     func(kept bool) { a.metrics.BrowserSession(kept) },
	})
	if err != nil {
		return nil, err
	}
	if err := pool.Start(ctx); err != nil {
		return nil, err
	}
	a.metrics.BrowserCapacity.Set(float64(a.cfg.Worker.Concurrency))
	a.metrics.InitBrowser()
	for name := range a.cfg.bots() {
		a.metrics.InitBot(name)
	}
	if sel, err := packs.Layouts(PortalCodingWorklist); err == nil && len(sel) > 0 {
		a.metrics.InitSelectors(sel[len(sel)-1].Portal, sortedKeys(sel[len(sel)-1].Elements))
	}
	wf, _, err := a.workflow(st, nil)
	if err != nil {
		pool.Stop()
		return nil, err
	}
	runner, err := tasks.NewRunner(tasks.RunnerConfig{
		Store: st, Evidence: ev, Sessions: pool, Metrics: a.metrics, Logger: a.log.Named("runner"),
		Bots: a.cfg.bots(), Impls: impls, Targets: targets, Worker: a.workerName(),
		EvidencePolicy: a.cfg.evidencePolicies(), Intake: wf.Intake,
	})
	if err != nil {
		pool.Stop()
		return nil, err
	}
	var wbh *tasks.WriteBackHandler
	if _, ok := a.cfg.bots()[tasks.BotWriteBack]; ok {
		actor, ok := impls[writeback.Kind].(*writeback.Bot)
		if !ok {
			pool.Stop()
			return nil, fmt.Errorf("worker: no %s bot implementation", writeback.Kind)
		}
		if wbh, err = tasks.NewWriteBackHandler(tasks.WriteBackHandlerConfig{Runner: runner, Store: st, Tasks: wf.Tasks,
			Action: writeBackAction(st), Actor: actor, Logger: a.log.Named("writeback")}); err != nil {
			pool.Stop()
			return nil, err
		}
	}
	srv := tasks.NewServer(rdb, tasks.ServerConfig{
		Concurrency: a.cfg.Worker.Concurrency, Bots: a.cfg.bots(), Logger: a.log,
	})
	mux := newTaskMux(runner, wf, wbh)
	if err := srv.Start(mux); err != nil {
		pool.Stop()
		return nil, fmt.Errorf("start worker: %w", err)
	}
	beat := monitoring.NewHeartbeat(monitoring.HeartbeatConfig{Metrics: a.metrics,
		Probe: func(ctx context.Context) monitoring.PoolState {
			s := pool.Stats()
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			alive := s.BrowserPID != 0 && rdb.Ping(pctx).Err() == nil
			return monitoring.PoolState{InUse: s.InUse, Capacity: s.Capacity, Alive: alive}
		}})
	_ = beat.Start(ctx)
	a.log.Info("worker started", zap.String("worker", a.workerName()), zap.Int("concurrency", a.cfg.Worker.Concurrency))
	return func() {
		beat.Stop()
		srv.Shutdown()
		pool.Stop()
	}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// keepIdle turns worker.keep_session (0 means off) into the pool's
// KeepIdle (negative means off).
func keepIdle(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
